/**
 * `npm run synth` runs the app in-process (tools/synth.js), not through the cdktf CLI: its output
 * must be exactly what `cdktf synth` writes, and a failure must leave no half-written output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { App } from 'cdktf';
import { validateRegionsConfig } from '../../lib/config';
import shipped from '../../regions.config';
import { buildPlatform } from '../../stacks/platform';
import { filesUnder } from '../helpers/files';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-direct-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' };
delete env.TAISHANGLAOJUN_CONFIG;

const direct = (outdir: string, extraEnv: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'tools/synth.js'), '--output', outdir], {
    cwd: root,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('npm run synth (in-process, no cdktf CLI)', () => {
  const viaDirect = join(work, 'direct');
  const viaCli = join(work, 'cli');
  let summary = '';

  beforeAll(() => {
    const d = direct(viaDirect);
    if (d.status !== 0) throw new Error(`tools/synth.js failed: ${d.stderr}`);
    summary = d.stdout;
    const c = spawnSync(join(root, 'node_modules/.bin/cdktf'), ['synth', '--output', viaCli], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (c.status !== 0) throw new Error(`cdktf synth failed: ${c.stdout}\n${c.stderr}`);
  });

  it('writes byte-identical output to cdktf synth', () => {
    const names = filesUnder(viaCli);
    expect(filesUnder(viaDirect)).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'routing-table.json', 'stacks/apac/cdk.tf.json']));
    for (const name of names) expect(readFileSync(join(viaDirect, name), 'utf8')).toBe(readFileSync(join(viaCli, name), 'utf8'));
  });

  it('writes what plain cdktf writes: stacks and manifest byte for byte (the bundle has its own JSON writer and resolver fast paths)', () => {
    // plain cdktf in this process: its own json-stable-stringify, its own resolver, no compliance pack
    const plainDir = join(work, 'plain');
    const plain = new App({ outdir: plainDir, stackTraces: false });
    // The local state as tools/synth.js names it: relative to a stack folder of its output, from its working directory (root).
    const stateDir = relative(join(viaDirect, 'stacks', 'stack'), root)
      .split(sep)
      .join('/');
    buildPlatform(plain, validateRegionsConfig(shipped), { compliance: false, stateBackend: { kind: 'local', stateDir } });
    plain.synth();
    const names = filesUnder(plainDir);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'stacks/apac/cdk.tf.json', 'stacks/global/cdk.tf.json']));
    for (const name of names) expect(readFileSync(join(viaDirect, name), 'utf8')).toBe(readFileSync(join(plainDir, name), 'utf8'));
  });

  it('prints the summary from the same process: every stack with its resource count', () => {
    const manifest = JSON.parse(readFileSync(join(viaDirect, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
    for (const stack of Object.keys(manifest.stacks)) expect(summary).toMatch(new RegExp(`^${stack}\\s+\\d+\\s`, 'm'));
    expect(summary).toMatch(/^total\s+\d+$/m);
    expect(summary).toContain(`routing table: ${join(viaDirect, 'routing-table.json')}`);
  });

  it('leaves the previous output untouched and no staging directory when synth fails', () => {
    const outdir = join(work, 'kept');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'marker'), 'previous synth');
    const bad = join(work, 'bad.config.js');
    writeFileSync(bad, 'module.exports = { project: 42 };\n');
    const r = direct(outdir, { TAISHANGLAOJUN_CONFIG: bad });
    expect(r.status).toBe(1);
    expect(r.stderr.match(/synth failed/g)).toHaveLength(1); // printed once
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('previous synth');
    expect(readdirSync(work).filter((n) => n.includes('.staging-'))).toEqual([]);
  });

  it('names a bad argument', () => {
    const r = spawnSync(process.execPath, [join(root, 'tools/synth.js'), '--outptu', 'x'], { cwd: root, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('synth failed: unknown argument "--outptu"; allowed: --output DIR\n');
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('refuses --output given twice, and a flag where the directory belongs', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(root, 'tools/synth.js'), ...args], { cwd: root, env, encoding: 'utf8' });
    const twice = run('--output', join(work, 'a'), '-o', join(work, 'b'));
    expect(twice.status).toBe(1);
    expect(twice.stderr).toBe(`synth failed: -o given twice ("${join(work, 'a')}", "${join(work, 'b')}"); allowed: one --output DIR\n`);
    expect(existsSync(join(work, 'a')) || existsSync(join(work, 'b'))).toBe(false);
    const flag = run('--output', '--verbose');
    expect(flag.status).toBe(1);
    expect(flag.stderr).toBe('synth failed: --output needs a directory; allowed: --output DIR\n');
  });
});
