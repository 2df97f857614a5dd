/**
 * Reading a text file with a bound on what is read, whatever the path names: a regular file, a
 * device (`/dev/zero`), a FIFO or a process substitution. `statSync().size` is 0 for the last
 * three (and a file may grow between a stat and a read), so the bound is on the bytes read.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** The file holds more than the bound: `bytes` were read before reading stopped (bound + 1). */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${file} holds more than ${maxBytes} bytes`);
  }
}

/**
 * The file's text (UTF-8, without a leading byte order mark), at most `maxBytes` bytes; throws {@link FileTooLargeError} past it and
 * the file system's error (ENOENT, EISDIR, EACCES, …) when it cannot be read.
 */
export function readTextBounded(file: string, maxBytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
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
