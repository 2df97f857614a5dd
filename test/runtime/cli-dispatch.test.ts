import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, UsageError, type CliCommand, type CliIo } from '../../runtime/cli';

const root = join(__dirname, '..', '..');

function io() {
  const out = { stdout: '', stderr: '' };
  const sink: CliIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), cwd: root };
  return { out, sink };
}

describe('CLI dispatcher', () => {
  const echo: CliCommand = {
    name: 'echo',
    usage: '  taishanglaojun echo [--fail]',
    run: (args, cliIo) => {
      if (args.includes('--fail')) throw new UsageError('--fail', 'x', 'never allowed');
      if (args.includes('--crash')) throw new Error('boom');
      cliIo.stdout(`echo ${args.join(' ')}\n`);
      return 7;
    },
  };

  it('runs the named command with the remaining arguments and returns its exit code', () => {
    const { out, sink } = io();
    expect(main(['echo', 'a', 'b'], sink, [echo])).toBe(7);
    expect(out.stdout).toBe('echo a b\n');
  });

  it('names unknown and missing commands with the commands it has', () => {
    const a = io();
    expect(main(['route'], a.sink, [echo])).toBe(2);
    expect(a.out.stderr).toContain('command: "route" is not valid; unknown command; allowed: echo, help');
    const b = io();
    expect(main([], b.sink, [echo])).toBe(2);
    expect(b.out.stderr).toContain('command: missing; allowed: echo, help');
  });

  it("shows the failing command's usage after a usage error, and no stack for an internal error", () => {
    const a = io();
    expect(main(['echo', '--fail'], a.sink, [echo])).toBe(2);
    expect(a.out.stderr).toContain('--fail: "x" is not valid; never allowed');
    expect(a.out.stderr).toContain('taishanglaojun echo [--fail]');
    const b = io();
    expect(main(['echo', '--crash'], b.sink, [echo])).toBe(1);
    expect(b.out.stderr).toBe('taishanglaojun: internal error: boom\n');
  });
});

describe('bin/taishanglaojun.js', () => {
  // A throw-away package root holding a copy of the bin and a one-file "runtime CLI", so the test
  // can edit sources and watch the bin rebuild.
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  function fakeRoot() {
    const dir = mkdtempSync(join(tmpdir(), 'tslj-bin-'));
    made.push(dir);
    cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'runtime', 'cli'), { recursive: true });
    return dir;
  }
  const source = (version: string) => `
    import { answer } from './answer';
    export function main(argv: string[]): number {
      const loaders = Object.keys(require.cache).filter((p) => /[\\\\/](tsx|ts-node|typescript)[\\\\/]/.test(p));
      process.stdout.write(JSON.stringify({ version: '${version}', answer, argv, loaders, file: __filename }));
      return 5;
    }`;
  const run = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'bin', 'taishanglaojun.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

  it('runs the sources compiled (no TypeScript loader), caches the bundle and rebuilds when a source changes', () => {
    const dir = fakeRoot();
    writeFileSync(join(dir, 'runtime', 'cli', 'index.ts'), source('v1'));
    writeFileSync(join(dir, 'runtime', 'cli', 'answer.ts'), 'export const answer: number = 41;');
    const first = run(dir, 'route', '--x');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(5);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ version: 'v1', answer: 41, argv: ['route', '--x'], loaders: [] });
    expect(out.file).toContain(join(dir, '.cache', 'cli'));
    expect(readdirSync(join(dir, '.cache', 'cli')).sort()).toEqual(['runtime__cli__index.js', 'runtime__cli__index.manifest.json']);

    const bundle = join(dir, '.cache', 'cli', 'runtime__cli__index.js');
    const builtAt = statSync(bundle).mtimeMs;
    expect(JSON.parse(run(dir).stdout)).toMatchObject({ version: 'v1', answer: 41 });
    expect(statSync(bundle).mtimeMs).toBe(builtAt); // unchanged sources: the cached bundle ran

    // An imported file changes (same size, new mtime): the next call sees it.
    writeFileSync(join(dir, 'runtime', 'cli', 'answer.ts'), 'export const answer: number = 42;');
    utimesSync(join(dir, 'runtime', 'cli', 'answer.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(JSON.parse(run(dir).stdout)).toMatchObject({ version: 'v1', answer: 42 });
  });

  it('still runs when the cache cannot be written, and names a source that does not compile', () => {
    const dir = fakeRoot();
    writeFileSync(join(dir, 'runtime', 'cli', 'index.ts'), source('ro'));
    writeFileSync(join(dir, 'runtime', 'cli', 'answer.ts'), 'export const answer = 1;');
    writeFileSync(join(dir, '.cache'), 'a file where the cache directory would be (unwritable, even for root)');
    const res = run(dir);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(5);
    expect(JSON.parse(res.stdout)).toMatchObject({ version: 'ro', answer: 1 });

    writeFileSync(join(dir, 'runtime', 'cli', 'answer.ts'), 'export const answer = ;');
    utimesSync(join(dir, 'runtime', 'cli', 'answer.ts'), new Date(), new Date(Date.now() + 5_000));
    const broken = run(dir);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/^taishanglaojun: cannot build the command from its sources: runtime\/cli\/answer\.ts:1:\d+: /);
  });
});
