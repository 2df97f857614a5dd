/**
 * Where the Terraform tests get hashicorp/aws 5.100.0 from: the local filesystem mirror when one is
 * configured, else the public registry when the Terraform CLI can reach it. Only when neither works
 * do the tests skip (loudly; failing in CI).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_PROVIDER, findMirror, writeOfflineCliConfig } from '../../tools/terraform-mirror';
import { hasCommand } from './tools';

export type ProviderSource =
  { ok: true; kind: 'mirror' | 'registry'; describe: string; cliConfig: (dir: string) => string } | { ok: false; why: string };

/** Tries `terraform init` against the registry in a scratch directory (bounded by `timeoutMs`). */
export function registryReachable(timeoutMs = 60_000): { ok: boolean; why: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tslj-tf-registry-'));
  try {
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER.version } } } }),
    );
    const emptyConfig = join(dir, 'terraformrc');
    writeFileSync(emptyConfig, 'disable_checkpoint = true\n');
    const r = spawnSync('terraform', ['init', '-input=false', '-backend=false', '-no-color'], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: emptyConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    if (r.status === 0) return { ok: true, why: '' };
    const reason = r.error ? r.error.message : ((r.stderr || r.stdout).split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`);
    return { ok: false, why: `the registry is not reachable (${reason.trim()})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The mirror if there is one, else the registry if reachable, else why neither works. */
export function providerSource(): ProviderSource {
  if (!hasCommand('terraform', ['version'])) return { ok: false, why: 'the Terraform CLI is not on PATH' };
  const mirror = findMirror();
  if (mirror.found) {
    return {
      ok: true,
      kind: 'mirror',
      describe: `mirror ${mirror.path} (${mirror.from})`,
      cliConfig: (dir) => writeOfflineCliConfig(dir, mirror.path),
    };
  }
  const registry = registryReachable();
  if (registry.ok) {
    return {
      ok: true,
      kind: 'registry',
      describe: 'the public registry (no local mirror configured)',
      cliConfig: (dir) => {
        mkdirSync(dir, { recursive: true });
        const file = join(dir, 'terraformrc-registry');
        writeFileSync(file, 'disable_checkpoint = true\n');
        return file;
      },
    };
  }
  return { ok: false, why: `${mirror.why}; and ${registry.why}` };
}
