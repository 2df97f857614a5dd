/** How the Terraform tests find hashicorp/aws: mirror first, then the registry, else a named reason. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { providerSource, registryReachable } from '../helpers/terraform';
import { hasCommand, requireTool } from '../helpers/tools';

const ready = requireTool('terraform', hasCommand('terraform', ['version']), 'the Terraform CLI is not on PATH');

(ready ? describe : describe.skip)('where the Terraform tests take the AWS provider from', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('takes a configured mirror without asking the registry', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'tslj-mirror-'));
    try {
      mkdirSync(join(mirror, 'registry.terraform.io/hashicorp/aws/5.100.0'), { recursive: true });
      process.env.TAISHANGLAOJUN_TF_MIRROR = mirror;
      const source = providerSource();
      expect(source).toMatchObject({ ok: true, kind: 'mirror' });
      expect(source.ok && source.describe).toContain(mirror);
    } finally {
      rmSync(mirror, { recursive: true, force: true });
    }
  });

  it('without a mirror, asks the registry and names both reasons when neither works', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tslj-no-mirror-'));
    try {
      process.env.TAISHANGLAOJUN_TF_MIRROR = empty;
      const registry = registryReachable(30_000);
      const source = providerSource();
      if (registry.ok) {
        expect(source).toMatchObject({ ok: true, kind: 'registry' });
      } else {
        expect(source.ok).toBe(false);
        expect(!source.ok && source.why).toMatch(
          new RegExp(`TAISHANGLAOJUN_TF_MIRROR="${empty}" does not hold .*; and the registry is not reachable`),
        );
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
