import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTooLargeError, PipeTimeoutError, readTextBounded } from '../../runtime/read-bounded';

describe('readTextBounded', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-bounded-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file without its UTF-8 byte order mark, and refuses one past the bound', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    expect(readTextBounded(file, 100)).toBe('{"a":1}');
    expect(() => readTextBounded(file, 5)).toThrow(FileTooLargeError);
  });

  it('does not hang on a FIFO that has no writer: it waits the given time, then says so', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    let err: unknown;
    try {
      readTextBounded(fifo, 100, 300);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PipeTimeoutError);
    expect((err as Error).message).toBe(`${fifo} is a FIFO or pipe and nothing was written to it within 300 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reads a FIFO whose writer comes after the reader opened it', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer: another process, opening the FIFO 200 ms from now (this one is blocked reading).
    const writer = spawn('sh', ['-c', `sleep 0.2; printf '{"late":true}' > '${fifo}'`]);
    const text = readTextBounded(fifo, 100, 5000);
    expect(text).toBe('{"late":true}');
    await new Promise((resolve) => writer.once('exit', resolve));
  });

  it('bounds an endless device', () => {
    expect(() => readTextBounded('/dev/zero', 1000)).toThrow(FileTooLargeError);
  });
});
