/**
 * Reading a text file with a bound on what is read, whatever the path names: a regular file, a
 * device (`/dev/zero`), a FIFO or a process substitution. `statSync().size` is 0 for the last
 * three (and a file may grow between a stat and a read), so the bound is on the bytes read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The file holds more than the bound: `bytes` were read before reading stopped (bound + 1). */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${file} holds more than ${maxBytes} bytes`);
  }
}

/** How long a FIFO (or pipe) whose writer has not written yet is waited for, in ms. */
export const PIPE_WAIT_MS = 5000;

/** A FIFO or pipe whose writer wrote nothing within {@link PIPE_WAIT_MS}. */
export class PipeTimeoutError extends Error {
  constructor(
    readonly file: string,
    readonly waitedMs: number,
  ) {
    super(`${file} is a FIFO or pipe and nothing was written to it within ${waitedMs} ms`);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The file's text (UTF-8, without a leading byte order mark), at most `maxBytes` bytes; throws {@link FileTooLargeError} past it and
 * the file system's error (ENOENT, EISDIR, EACCES, …) when it cannot be read; {@link PipeTimeoutError}
 * when a FIFO or pipe stays empty for `pipeWaitMs` (its writer absent or silent).
 */
export function readTextBounded(file: string, maxBytes: number, pipeWaitMs: number = PIPE_WAIT_MS): string {
  // Non-blocking: opening a FIFO that has no writer returns at once (a blocking open waited for
  // one forever); reading it then finds EOF. A writer that has not written yet is waited for.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const fifo = fstatSync(fd).isFIFO();
    const chunks: Buffer[] = [];
    let total = 0;
    const deadline = Date.now() + pipeWaitMs;
    const wait = () => {
      if (Date.now() > deadline) throw new PipeTimeoutError(file, pipeWaitMs);
      Atomics.wait(pause, 0, 0, 10);
    };
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        wait(); // a writer that has not written yet
        continue;
      }
      if (n === 0 && fifo && total === 0) {
        wait(); // EOF of a FIFO before anything arrived: no writer yet
        continue;
      }
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(file, maxBytes);
    }
    const bytes = Buffer.concat(chunks, total);
    // A UTF-8 byte order mark (editors on Windows write one) is not part of the text.
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return bytes.toString('utf8', bom ? 3 : 0);
  } finally {
    closeSync(fd);
  }
}
