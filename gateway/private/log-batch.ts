/**
 * A batching front for pino's asynchronous destination (sonic-boom).
 *
 * sonic-boom appends each line to its pending string and measures that string's byte length on
 * every write, so a line costs time proportional to what is already buffered (~2 µs per access-log
 * line at 4 KiB batches, measured). Here lines are collected in an array and handed over as one
 * string per batch: sonic-boom then does that work once per batch, and the write itself stays
 * sonic-boom's (partial writes, EAGAIN on pipes). What is collected is written synchronously when
 * the process exits (on-exit-leak-free, as pino does for its own destinations; a batch that is
 * garbage-collected is unregistered).
 */
import { writeSync } from 'node:fs';
import type pino from 'pino';

// on-exit-leak-free ships no types: the one function used here.
const onExit = require('on-exit-leak-free') as {
  register<T extends object>(obj: T, fn: (obj: T, event: 'exit' | 'beforeExit') => void): void;
};

type SonicBoom = ReturnType<typeof pino.destination>;

export class LogBatch {
  readonly #sink: SonicBoom;
  readonly #maxChars: number;
  #lines: string[] = [];
  #chars = 0;

  /**
   * @param maxChars characters collected before they are handed to `sink` (a batch may exceed it by
   * one line). 64 KiB: each asynchronous write holds the event loop 0.9-1.9 ms whatever its size
   * (wall time inside `fs.write`, the hand-over to libuv's thread pool, measured in the gateway at
   * 1000 req/s on a busy 2-core machine); per 3000 requests that was 124-166 ms with 8 KiB batches,
   * 13-29 ms with 64 KiB. The 1 s flush bounds how late a line is when traffic is quiet.
   */
  constructor(sink: SonicBoom, maxChars = 65_536) {
    this.#sink = sink;
    this.#maxChars = maxChars;
    onExit.register(this, (batch: LogBatch) => batch.flushSync());
  }

  /** Called by pino with one serialized line. */
  write(line: string): boolean {
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.#maxChars) this.#handOver();
    return true;
  }

  /** Hands what is collected to the destination, which writes it asynchronously (pino's `logger.flush`). */
  flush(cb?: (err?: Error) => void): void {
    if (this.#closed()) {
      cb?.(new Error('the log destination is closed'));
      return;
    }
    this.#handOver();
    this.#sink.flush(cb);
  }

  /**
   * Writes everything now (shutdown, exit). The collected lines are written with a synchronous
   * write of their own: handed to sonic-boom, they would start an asynchronous write that its
   * flushSync leaves in flight (lost if the process exits first). What sonic-boom holds is written
   * first; when a write of an earlier batch is still in flight, the lines queue behind it, in order,
   * and sonic-boom's flushSync writes them.
   */
  flushSync(): void {
    const text = this.#take();
    if (this.#closed()) return;
    const sink = this.#sink as unknown as { fd: number; _writing: boolean };
    try {
      this.#sink.flushSync();
    } catch {
      // A destination whose file is still opening cannot write synchronously; it writes once open.
    }
    if (text === '') return;
    if (sink.fd >= 0 && !sink._writing && writeAllSync(sink.fd, text)) return;
    this.#sink.write(text);
    try {
      this.#sink.flushSync();
    } catch {
      // Still opening: written once open.
    }
  }

  /** sonic-boom sets `destroyed` (not in its types) once closed. */
  #closed(): boolean {
    return (this.#sink as unknown as { destroyed?: boolean }).destroyed === true;
  }

  #handOver(): void {
    if (this.#lines.length === 0 || this.#closed()) return;
    this.#sink.write(this.#take());
  }

  /** The collected lines as one string ('' when none), and the batch emptied. */
  #take(): string {
    if (this.#lines.length === 0) return '';
    const text = this.#lines.length === 1 ? this.#lines[0] : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    return text;
  }
}

/**
 * Writes all of `text` to `fd` synchronously, retrying a full pipe (EAGAIN) for up to a second;
 * false when it could not (the caller then leaves it to sonic-boom).
 */
function writeAllSync(fd: number, text: string): boolean {
  let buf = Buffer.from(text, 'utf8');
  const deadline = Date.now() + 1000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== 'EAGAIN' && code !== 'EBUSY') || Date.now() > deadline)
        return buf.length === Buffer.byteLength(text) ? false : rest(fd, buf);
      Atomics.wait(pause, 0, 0, 1); // 1 ms
    }
  }
  return true;
}

/** A partly written text cannot go back to sonic-boom (it would be written twice): the rest, once more, or dropped. */
function rest(fd: number, buf: Buffer): boolean {
  try {
    writeSync(fd, buf);
  } catch {
    // dropped: the destination refuses writes while the process is stopping
  }
  return true;
}
