/** Offline review: the commands fail visibly without a mirror, and offline stacks never land in cdktf.out/. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertOfflineOutdir, OFFLINE_OUTDIR } from '../../lib/offline';
import { findMirror } from '../../tools/terraform-mirror';
import { hasCommand, requireTool } from '../helpers/tools';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-offline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const noMirror = { TAISHANGLAOJUN_TF_MIRROR: join(work, 'no-mirror-here') };

function npmRun(script: string, args: string[], env: Record<string, string>, cwd = root) {
  return spawnSync('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('offline:terraformrc', () => {
  it('without a mirror: a message on stderr, nothing on stdout, a failing status', () => {
    const r = npmRun('offline:terraformrc', [], noMirror);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('offline:terraformrc: no provider mirror found: TAISHANGLAOJUN_TF_MIRROR=');
  });

  it('the README form stops the shell instead of exporting an empty value', () => {
    const script =
      'TF_CLI_CONFIG_FILE="$(npm run -s offline:terraformrc)" && export TF_CLI_CONFIG_FILE && echo "exported:$TF_CLI_CONFIG_FILE"';
    const r = spawnSync('bash', ['-c', script], { cwd: root, env: { ...process.env, ...noMirror }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain('exported:');
  });

  const mirror = findMirror();
  (requireTool('provider mirror', mirror.found, mirror.found ? '' : mirror.why) ? it : it.skip)(
    'with a mirror: prints the path of a CLI config that installs hashicorp/aws from it',
    () => {
      const r = npmRun('offline:terraformrc', [], {});
      expect(r.status).toBe(0);
      const file = r.stdout.trim();
      expect(readFileSync(file, 'utf8')).toContain(`path    = ${JSON.stringify(mirror.found ? mirror.path : '')}`);
      expect(readFileSync(file, 'utf8')).toContain('disable_checkpoint = true');
    },
  );
});

describe('offline:diff', () => {
  it.each([
    [[], /name the stack to plan/],
    [['global'], /the global stack \(Google, Cloudflare\) has no provider mirror/],
    [['moon'], /"moon" is not an AWS stack; allowed: apac, emea, na/],
    [['na', '--output', 'cdktf.out'], /--output is set by this command/],
  ])('refuses %j with a reason and exit 2', (args, message) => {
    const r = npmRun('offline:diff', args, noMirror);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses to run without a mirror (never falls through to the network)', () => {
    const r = npmRun('offline:diff', ['na'], noMirror);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('offline:diff: no provider mirror found');
  });

  const mirror = findMirror();
  const ready = requireTool(
    'offline:diff (terraform + provider mirror)',
    mirror.found && hasCommand('terraform'),
    'needs terraform and the mirror',
  );
  (ready ? it : it.skip)(
    'plans na into its own output directory, never cdktf.out/, without suggesting an apply',
    () => {
      const outdir = join(work, 'offline.out');
      const r = npmRun('offline:diff', ['na'], { TAISHANGLAOJUN_OFFLINE_OUTDIR: outdir, CI: '1' });
      // eslint-disable-next-line no-control-regex
      const out = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
      expect(r.status).toBe(0);
      expect(out).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
      expect(out).not.toMatch(/terraform apply/);
      expect(`${out}${r.stderr}`).not.toMatch(/checkpoint/i);
      expect(existsSync(join(outdir, 'stacks/na/cdk.tf.json'))).toBe(true);
      expect(readFileSync(join(outdir, 'stacks/na/cdk.tf.json'), 'utf8')).toContain('offline-plan-no-credentials');
    },
    240_000,
  );
});

describe('offline stacks never go to cdktf.out/', () => {
  it('refuses cdktf.out of the working directory in offline mode, allows it otherwise', () => {
    expect(() => assertOfflineOutdir('cdktf.out', true, '/repo')).toThrow(
      /TAISHANGLAOJUN_OFFLINE=1 writes stacks with fake credentials that must never be deployed, so not into cdktf.out; run `npm run offline:diff -- <stack>`/,
    );
    expect(() => assertOfflineOutdir('/repo/cdktf.out/', true, '/repo')).toThrow();
    expect(() => assertOfflineOutdir('cdktf.out', false, '/repo')).not.toThrow();
    expect(() => assertOfflineOutdir(OFFLINE_OUTDIR, true, '/repo')).not.toThrow();
  });

  it('the app refuses before writing anything', () => {
    const r = spawnSync(process.execPath, [join(root, 'tools/app.js')], {
      cwd: work,
      env: { ...process.env, TAISHANGLAOJUN_OFFLINE: '1', CDKTF_OUTDIR: undefined },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^synth failed: TAISHANGLAOJUN_OFFLINE=1 writes stacks with fake credentials/);
    expect(existsSync(join(work, 'cdktf.out'))).toBe(false);
  });
});

describe('the output directory is never the working directory', () => {
  const app = (cwd: string, outdir: string) =>
    spawnSync(process.execPath, [join(root, 'tools/app.js')], { cwd, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });

  it('CDKTF_OUTDIR="." is refused and nothing is deleted', () => {
    const cwd = join(work, 'dot');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'keep.txt'), 'mine');
    const r = app(cwd, '.');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^synth failed: the output directory .* is the working directory or contains it/);
    expect(readFileSync(join(cwd, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('an empty CDKTF_OUTDIR counts as unset (cdktf.out), it does not replace the working directory', () => {
    const cwd = join(work, 'empty');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'keep.txt'), 'mine');
    const r = app(cwd, '');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(cwd, 'keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'cdktf.out/manifest.json'))).toBe(true);
  }, 60_000);
});

describe('outputs the README commands leave in the checkout', () => {
  // before: after `npm run offline:diff -- na`, `npm test` failed its Prettier check on
  // cdktf.offline.out/ and git listed it as untracked
  it.each([`${OFFLINE_OUTDIR}/stacks/na/cdk.tf.json`, 'cdktf.out.staging-123/manifest.json', `${OFFLINE_OUTDIR}.staging-9/x.json`])(
    '%s is git-ignored (so Prettier and git leave it alone)',
    (path) => {
      const r = spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: root });
      expect(r.status).toBe(0);
    },
  );
});
