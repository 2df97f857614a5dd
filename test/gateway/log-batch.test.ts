/**
 * LogBatch: pino lines collected and handed to sonic-boom per batch — none lost, none reordered,
 * written on flush, on a full batch and when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { LogBatch } from '../../gateway/private/log-batch';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-batch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { n: number; msg?: string });

function waitWritten(sink: ReturnType<typeof pino.destination>): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => ((sink as unknown as { _writing: boolean })._writing ? setTimeout(poll, 5) : resolve());
    poll();
  });
}

test('lines stay in the batch until it is full or flushed, then all arrive in order', async () => {
  const file = join(dir, 'a.log');
  const sink = pino.destination({ dest: openSync(file, 'w'), sync: false });
  const batch = new LogBatch(sink, 1000);
  const logger = pino({ base: undefined, timestamp: false }, batch);
  logger.info({ n: 0 });
  logger.info({ n: 1 });
  await new Promise((r) => setTimeout(r, 50));
  expect(readFileSync(file, 'utf8')).toBe(''); // below the batch size: not handed over yet

  for (let n = 2; n < 100; n++) logger.info({ n }); // ~15 chars a line: several full batches
  await waitWritten(sink);
  const partial = read(file).map((l) => l.n);
  expect(partial.length).toBeGreaterThan(0);
  expect(partial.length).toBeLessThan(100);
  expect(partial).toEqual(partial.map((_, i) => i));

  await new Promise<void>((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve())));
  await waitWritten(sink);
  expect(read(file).map((l) => l.n)).toEqual([...Array(100).keys()]);
  sink.end();
});

test('by default a batch is handed over at 64 KiB: fewer writes, each holding the event loop', () => {
  const writes: string[] = [];
  const sink = { write: (s: string) => writes.push(s) } as unknown as ReturnType<typeof pino.destination>;
  const batch = new LogBatch(sink);
  const line = `${'x'.repeat(1023)}\n`; // 1 KiB
  for (let i = 0; i < 63; i++) batch.write(line);
  expect(writes).toEqual([]);
  batch.write(line);
  expect(writes.map((w) => w.length)).toEqual([65_536]);
});

test('flushSync writes everything at once (shutdown)', () => {
  const file = join(dir, 'b.log');
  const sink = pino.destination({ dest: openSync(file, 'w'), sync: false }); // an open fd, as stdout is
  const batch = new LogBatch(sink);
  const logger = pino({ base: undefined, timestamp: false }, batch);
  for (let n = 0; n < 10; n++) logger.info({ n });
  batch.flushSync();
  expect(read(file).map((l) => l.n)).toEqual([...Array(10).keys()]);
  sink.end();
});

test('a flush after the destination is closed reports an error instead of throwing', async () => {
  const sink = pino.destination({ dest: join(dir, 'c.log'), sync: true });
  const batch = new LogBatch(sink);
  batch.write('{"n":1}\n');
  sink.destroy();
  const err = await new Promise<Error | undefined>((resolve) => batch.flush(resolve));
  expect(err?.message).toMatch(/closed/);
  expect(() => batch.flushSync()).not.toThrow();
});

test('what is collected is written when the process exits', () => {
  const file = join(dir, 'd.log');
  const script = `
    require('tsx/cjs');
    const pino = require('pino');
    const { LogBatch } = require(${JSON.stringify(join(__dirname, '..', '..', 'gateway', 'private', 'log-batch.ts'))});
    const logger = pino({ base: undefined, timestamp: false }, new LogBatch(pino.destination({ dest: require('node:fs').openSync(${JSON.stringify(file)}, 'w'), sync: false })));
    for (let n = 0; n < 5; n++) logger.info({ n });
    process.exit(0);
  `;
  execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..', '..') });
  expect(read(file).map((l) => l.n)).toEqual([0, 1, 2, 3, 4]);
});
