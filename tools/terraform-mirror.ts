/**
 * Finds the local provider mirror for offline `terraform validate` / `plan`, and writes a Terraform
 * CLI config that installs hashicorp/aws from it. Never a path of one machine: the mirror comes from
 * TAISHANGLAOJUN_TF_MIRROR or from the Terraform CLI config already in force.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment variable naming a filesystem mirror directory (it holds `registry.terraform.io/...`). */
export const MIRROR_ENV = 'TAISHANGLAOJUN_TF_MIRROR';
/** The provider and version the stacks are pinned to (`@cdktf/provider-aws` 20.1.0 wraps it). */
export const AWS_PROVIDER = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' } as const;

export type MirrorLookup = { found: true; path: string; from: string } | { found: false; why: string };

function holdsAws(dir: string): boolean {
  return existsSync(join(dir, AWS_PROVIDER.source, AWS_PROVIDER.version));
}

/** The CLI config file Terraform reads: $TF_CLI_CONFIG_FILE, else ~/.terraformrc. */
export function cliConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.TF_CLI_CONFIG_FILE || join(homedir(), '.terraformrc');
}

/** Locates a mirror that holds hashicorp/aws 5.100.0. */
export function findMirror(env: NodeJS.ProcessEnv = process.env): MirrorLookup {
  const explicit = env[MIRROR_ENV];
  if (explicit) {
    const path = resolve(explicit);
    return holdsAws(path)
      ? { found: true, path, from: MIRROR_ENV }
      : { found: false, why: `${MIRROR_ENV}="${explicit}" does not hold ${AWS_PROVIDER.source}/${AWS_PROVIDER.version}` };
  }
  const file = cliConfigFile(env);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"/g)) {
      if (holdsAws(m[1])) return { found: true, path: m[1], from: file };
    }
  }
  return {
    found: false,
    why: `${MIRROR_ENV} is not set and the Terraform CLI config (${file}) names no filesystem_mirror holding ${AWS_PROVIDER.source}/${AWS_PROVIDER.version}`,
  };
}

/** Writes a CLI config that takes hashicorp/aws from `mirror` only, with a plugin cache; returns its path. */
export function writeOfflineCliConfig(dir: string, mirror: string): string {
  const cache = join(dir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  const file = join(dir, 'terraformrc');
  writeFileSync(
    file,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      'disable_checkpoint = true',
      '',
    ].join('\n'),
  );
  return file;
}
