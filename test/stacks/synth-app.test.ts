/** The cdktf app as a user runs it: real process, real files. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRoutingTable } from '../../runtime/routing-table';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-synth-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function synth(outName: string, env: Record<string, string> = {}) {
  const outdir = join(work, outName);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
  });
  return { ...r, outdir };
}

it('writes the stacks (three continents, their workload stacks, global) and a valid routing table', () => {
  const r = synth('good');
  expect(r.status).toBe(0);
  expect(readdirSync(join(r.outdir, 'stacks')).sort()).toEqual([
    'apac',
    'apac-workloads',
    'emea',
    'emea-workloads',
    'global',
    'na',
    'na-workloads',
  ]);
  const table = JSON.parse(readFileSync(join(r.outdir, 'routing-table.json'), 'utf8'));
  expect(parseRoutingTable(table).ok).toBe(true);
  expect(table.regions).toHaveLength(10);
});

it('is deterministic: two synths give byte-identical output', () => {
  const a = synth('det-a');
  const b = synth('det-b');
  for (const f of ['routing-table.json', 'stacks/apac/cdk.tf.json', 'stacks/global/cdk.tf.json', 'reports/reserved-instances.md']) {
    expect(readFileSync(join(a.outdir, f), 'utf8')).toBe(readFileSync(join(b.outdir, f), 'utf8'));
  }
});

it('refuses a bad config with every problem, no stack trace and no output written', () => {
  const bad = join(work, 'bad.config.ts');
  const source = readFileSync(join(root, 'regions.config.ts'), 'utf8')
    .replace("'./lib/config'", JSON.stringify(join(root, 'lib/config')))
    .replace("cidr: '10.22.0.0/16'", "cidr: '10.20.0.0/16'")
    .replace("compliance: ['PIPEDA']", "compliance: ['PIPEDA', 'LGPD' as 'GDPR']");
  writeFileSync(bad, source);
  const r = synth('bad', { TAISHANGLAOJUN_CONFIG: bad });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('is not valid (2 problems)');
  expect(r.stderr).toContain('regions[9].compliance[1]: "LGPD" is not allowed; allowed: "PDPO"');
  expect(r.stderr).toContain('regions[6].cidr: "10.20.0.0/16" overlaps 10.20.0.0/16 of eu-west-1');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(r.outdir)).toBe(false);
});

it('names a missing config file and a bad environment variable clearly', () => {
  const missing = synth('missing', { TAISHANGLAOJUN_CONFIG: join(work, 'nope.ts') });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/synth failed: cannot load the config TAISHANGLAOJUN_CONFIG=".*nope.ts"/);
  const offline = synth('env', { TAISHANGLAOJUN_OFFLINE: 'maybe' });
  expect(offline.status).toBe(1);
  expect(offline.stderr).toContain('TAISHANGLAOJUN_OFFLINE="maybe" is not allowed');
  expect(existsSync(offline.outdir)).toBe(false);
});
