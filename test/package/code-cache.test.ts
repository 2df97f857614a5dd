/**
 * bin/compiled.js with `codeCache` (the synth app): V8's code cache of the bundle is written after a
 * run, used by the next start, ignored and rewritten when stale or rejected, and never runs old code
 * for a changed source (V8 itself only checks the source's length).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throw-away package root: a copy of bin/, package.json, the node_modules link and a one-file entry. */
function fakeRoot(answer: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tslj-v8cache-'));
  made.push(dir);
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'answer.ts'), `export const answer: number = ${answer};`);
  writeFileSync(
    join(dir, 'main.ts'),
    `import { answer } from './answer';
     export function main(): string { return JSON.stringify({ answer, file: __filename }); }`,
  );
  return dir;
}

const script = (dir: string) =>
  `const { loadCompiled } = require(${JSON.stringify(join(dir, 'bin', 'compiled.js'))});
   process.stdout.write(loadCompiled('main', { cache: 'app', label: 'test', what: 'the app', codeCache: true }).main());`;
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.NODE_OPTIONS;
const run = (dir: string, nodeOptions?: string) => {
  const r = spawnSync(process.execPath, ['-e', script(dir)], {
    cwd: dir,
    env: nodeOptions ? { ...env, NODE_OPTIONS: nodeOptions } : env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { answer: number; file: string };
};
/** The code cache files next to the bundle (one per set of node options). */
const cacheFiles = (dir: string) => readdirSync(join(dir, '.cache', 'app')).filter((f) => f.endsWith('.v8cache'));
/** The one code cache file (runs without node options). */
const cacheFile = (dir: string) => {
  const files = cacheFiles(dir);
  expect(files).toHaveLength(1);
  return join(dir, '.cache', 'app', files[0]);
};
/** The cache's key (its first line without the data's checksum), the whole first line and V8's data. */
const readCache = (dir: string) => {
  const raw = readFileSync(cacheFile(dir));
  const eol = raw.indexOf(10);
  const line = raw.subarray(0, eol).toString();
  return { key: line.slice(0, line.lastIndexOf(' ')), line, data: raw.subarray(eol + 1), mtimeMs: statSync(cacheFile(dir)).mtimeMs };
};
/** The checksum bin/compiled.js writes after the key (crc32 on this node). */
const checksum = (data: Buffer) => `crc32:${crc32(data).toString(16)}`;

describe('V8 code cache of the compiled app', () => {
  it('is written after the first run next to the bundle and used, unchanged, by the next start', () => {
    const dir = fakeRoot(41);
    expect(run(dir)).toMatchObject({ answer: 41, file: join(dir, '.cache', 'app', 'main.js') });
    const files = readdirSync(join(dir, '.cache', 'app'));
    expect(files).toHaveLength(3);
    expect(files).toEqual(
      expect.arrayContaining(['main.js', 'main.manifest.json', expect.stringMatching(/^main\.[0-9a-f]{12}\.v8cache$/)]),
    );
    const first = readCache(dir);
    expect(first.key).toContain(process.version);
    expect(first.data.length).toBeGreaterThan(0);
    expect(run(dir).answer).toBe(41);
    const second = readCache(dir);
    expect(second.mtimeMs).toBe(first.mtimeMs); // accepted by V8: not written again
    expect(second.data.equals(first.data)).toBe(true);
  });

  it('never runs the old code for a changed source of the same length, and rewrites the cache for the new bundle', () => {
    const dir = fakeRoot(41);
    run(dir);
    const before = readCache(dir);
    writeFileSync(join(dir, 'answer.ts'), 'export const answer: number = 42;'); // same length: V8 alone would accept the old cache
    utimesSync(join(dir, 'answer.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(run(dir).answer).toBe(42);
    expect(readCache(dir).key).not.toBe(before.key); // the old cache was removed with the old bundle: one file
    expect(run(dir).answer).toBe(42);
  });

  it('keeps one cache per set of node options, so runs under other flags (the cdktf CLI sets NODE_OPTIONS) do not evict it', () => {
    const dir = fakeRoot(9);
    run(dir);
    const plain = readCache(dir);
    expect(run(dir, '--max-old-space-size=4096').answer).toBe(9);
    expect(cacheFiles(dir)).toHaveLength(2);
    expect(run(dir).answer).toBe(9);
    expect(run(dir, '--max-old-space-size=4096').answer).toBe(9);
    const files = cacheFiles(dir).map((f) => statSync(join(dir, '.cache', 'app', f)).mtimeMs);
    expect(run(dir).answer).toBe(9);
    expect(run(dir, '--max-old-space-size=4096').answer).toBe(9);
    expect(cacheFiles(dir).map((f) => statSync(join(dir, '.cache', 'app', f)).mtimeMs)).toEqual(files); // neither rewritten
    expect(files).toContain(plain.mtimeMs);
  });

  it('ignores a cache V8 rejects (corrupt data) and writes a good one', () => {
    const dir = fakeRoot(7);
    run(dir);
    const good = readCache(dir);
    const junk = Buffer.alloc(good.data.length, 0xab); // a valid checksum, so V8 itself sees it and rejects it
    writeFileSync(cacheFile(dir), Buffer.concat([Buffer.from(`${good.key} ${checksum(junk)}\n`), junk]));
    expect(run(dir).answer).toBe(7);
    const rewritten = readCache(dir);
    expect(rewritten.key).toBe(good.key);
    expect(rewritten.data.equals(Buffer.alloc(good.data.length, 0xab))).toBe(false);
  });

  it('ignores a cache whose bytes changed behind a valid header (V8 would run them: a crash) and rewrites it', () => {
    const dir = fakeRoot(8);
    run(dir);
    const good = readCache(dir);
    const damaged = Buffer.from(good.data);
    for (let i = Math.floor(damaged.length / 2); i < damaged.length; i += 97) damaged[i] ^= 0xff; // header kept
    expect(good.line).toBe(`${good.key} ${checksum(good.data)}`);
    writeFileSync(cacheFile(dir), Buffer.concat([Buffer.from(`${good.line}\n`), damaged])); // the good line, damaged data
    expect(run(dir).answer).toBe(8);
    const rewritten = readCache(dir);
    expect(rewritten.key).toBe(good.key);
    expect(rewritten.data.equals(damaged)).toBe(false);
    expect(run(dir).answer).toBe(8);
  });

  it('runs when the cache cannot be written', () => {
    const dir = fakeRoot(3);
    run(dir);
    const file = cacheFile(dir);
    rmSync(file);
    mkdirSync(file); // a directory where the cache file would go
    expect(run(dir).answer).toBe(3);
    expect(run(dir).answer).toBe(3);
    expect(statSync(file).isDirectory()).toBe(true);
  });

  it('concurrent first starts all run and leave one valid cache', async () => {
    const dir = fakeRoot(5);
    run(dir); // build the bundle; then start four at once with no cache
    rmSync(cacheFile(dir));
    const results = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<{ code: number | null; out: string; err: string }>((done) => {
            const child = spawn(process.execPath, ['-e', script(dir)], { cwd: dir });
            let out = '';
            let err = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.stderr.on('data', (d: Buffer) => (err += d.toString()));
            child.on('close', (code) => done({ code, out, err }));
          }),
      ),
    );
    for (const r of results) expect(r).toMatchObject({ code: 0, err: '', out: expect.stringContaining('"answer":5') });
    expect(readdirSync(join(dir, '.cache', 'app')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const cache = readCache(dir);
    expect(run(dir).answer).toBe(5);
    expect(readCache(dir).mtimeMs).toBe(cache.mtimeMs); // the cache left behind is accepted
  });
});
