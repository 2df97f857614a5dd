/**
 * An open-loop, constant-rate HTTP load client: request i is handed to the connection pool at
 * `start + i / rate`, whether or not earlier requests have been answered (a closed-loop client
 * waits for a reply before it sends again, so a slow answer delays the requests behind it and they
 * are never measured as slow: "coordinated omission").
 *
 * Latency of a request: from the time it was scheduled to the end of its response body. A request
 * the scheduler itself sent late (timer granularity, a busy client) counts that lag as latency, as
 * it would for a real client arriving at that moment; how late the scheduler ran is reported apart
 * (`maxLagMs`, `lagP99Ms`), and so is the service time (from the actual hand-over).
 *
 * Requests go through one undici Pool (keep-alive, `connections` sockets at most, pipelining 1):
 * a socket is opened only when every open one is busy, so the number in use follows the
 * concurrency the target needs (rate x latency), up to `connections`.
 *
 * Timers have millisecond granularity: at rates above 1000 req/s a few requests share a timer tick
 * and leave together; they are never collected into a burst larger than one tick's share.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface PacedLoadOptions {
  /** Absolute http:// URL requested (GET). */
  readonly url: string;
  /** Requests per second, > 0. */
  readonly rate: number;
  /** Seconds over which requests are scheduled, > 0. */
  readonly durationSeconds: number;
  /** Most sockets the pool opens. @default 128 */
  readonly connections?: number;
  /**
   * A pool to the url's origin owned by the caller (kept open across runs, so a run does not open
   * its connections while it is measured); `connections` and `timeoutMs` are then the pool's.
   * @default a pool of this run, closed at its end
   */
  readonly pool?: Pool;
  /** Request headers. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time to the response headers, and longest pause in the body, before a request counts as an error. @default 10000 */
  readonly timeoutMs?: number;
}

export interface PacedLoadResult {
  /** Rate asked for (req/s). */
  readonly targetRate: number;
  /** Requests scheduled: ceil(rate x duration). */
  readonly scheduled: number;
  /** Responses received (any status), their bodies read to the end. */
  readonly count: number;
  /** Requests that got no complete response (connection errors, resets, timeouts). */
  readonly errors: number;
  /** Responses with a status outside 200-299 (counted in `count` too). */
  readonly non2xx: number;
  /** Latency percentiles of the responses, ms, from the scheduled time to the end of the body. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Service time percentiles (from the actual hand-over to the pool to the end of the body), ms. */
  readonly serviceP50: number;
  readonly serviceP99: number;
  /**
   * Responses per second: responses / (last response - first response + one interval). Equal to the
   * rate when the target keeps up, whatever its latency; lower when answers spread out behind it.
   */
  readonly achievedRate: number;
  /** Requests handed to the pool per second, over the scheduling window. */
  readonly sentRate: number;
  /** How late the scheduler handed a request to the pool, ms: the worst and the 99th percentile. */
  readonly maxLagMs: number;
  readonly lagP99Ms: number;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  /** Wall time from the first scheduled request to the last completion, ms. */
  readonly elapsedMs: number;
  /** The first few error messages (at most 5), for diagnosis. */
  readonly errorSamples: readonly string[];
}

/** A bad option; the message names the field, the value and what is allowed. */
export class PacedLoadOptionsError extends RangeError {
  constructor(field: string, value: unknown, allowed: string) {
    super(`paced load ${field}: ${describe(value)} is not allowed; allowed: ${allowed}`);
    this.name = 'PacedLoadOptionsError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** More requests than this in one run would only exhaust memory (latencies are kept). */
export const MAX_SCHEDULED = 20_000_000;

/** Checks the options; throws {@link PacedLoadOptionsError} for the first bad one. */
export function checkPacedLoadOptions(
  options: PacedLoadOptions,
): Required<Omit<PacedLoadOptions, 'pool'>> & { pool: Pool | undefined; origin: string; path: string } {
  const positive = (field: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new PacedLoadOptionsError(field, value, 'a finite number > 0');
    return value;
  };
  const rate = positive('rate', options.rate);
  const durationSeconds = positive('durationSeconds', options.durationSeconds);
  if (Math.ceil(rate * durationSeconds) > MAX_SCHEDULED)
    throw new PacedLoadOptionsError(
      'rate x durationSeconds',
      rate * durationSeconds,
      `at most ${MAX_SCHEDULED} requests in one run (rate ${rate} req/s, durationSeconds ${durationSeconds})`,
    );
  const connections = options.connections ?? 128;
  if (!Number.isInteger(connections) || connections < 1 || connections > 65_536)
    throw new PacedLoadOptionsError('connections', connections, 'an integer from 1 to 65536');
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? 10_000);
  const urlAllowed = 'an absolute http:// or https:// URL such as "http://127.0.0.1:8080/v1/bench"';
  if (typeof options.url !== 'string') throw new PacedLoadOptionsError('url', options.url, urlAllowed);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new PacedLoadOptionsError('url', options.url, urlAllowed);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.hash)
    throw new PacedLoadOptionsError('url', options.url, urlAllowed);
  if (options.pool !== undefined && !(options.pool instanceof Pool))
    throw new PacedLoadOptionsError('pool', '(not a Pool)', "an undici Pool to the url's origin");
  const headers = options.headers ?? {};
  for (const [name, value] of Object.entries(headers))
    if (typeof value !== 'string') throw new PacedLoadOptionsError(`headers[${JSON.stringify(name)}]`, value, 'a string');
  return {
    url: options.url,
    rate,
    durationSeconds,
    connections,
    headers,
    timeoutMs,
    pool: options.pool,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
  };
}

/** The value at quantile `q` of ascending `sorted` (nearest rank); NaN when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs the load; resolves once every request has been answered, failed or timed out. */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const o = checkPacedLoadOptions(options);
  const total = Math.ceil(o.rate * o.durationSeconds);
  const intervalMs = 1000 / o.rate;
  const pool =
    o.pool ??
    new Pool(o.origin, {
      connections: o.connections,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
    });
  const latency = new Float64Array(total);
  const service = new Float64Array(total);
  const lag = new Float64Array(total);
  let count = 0;
  let errors = 0;
  let non2xx = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let settled = 0;
  let firstEnd = Infinity;
  let lastEnd = 0;
  let lastSend = 0;
  const errorSamples: string[] = [];
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSettled = resolve));

  const settle = () => {
    inFlight--;
    settled++;
    if (settled === total) allSettled();
  };
  const fail = (err: unknown) => {
    errors++;
    if (errorSamples.length < 5)
      errorSamples.push(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));
  };

  const send = (scheduled: number, sentAt: number) => {
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    pool.request({ path: o.path, method: 'GET', headers: o.headers }).then(
      (data) =>
        data.body.arrayBuffer().then(
          () => {
            const end = performance.now();
            latency[count] = end - scheduled;
            service[count] = end - sentAt;
            count++;
            if (data.statusCode < 200 || data.statusCode > 299) non2xx++;
            if (end > lastEnd) lastEnd = end;
            if (end < firstEnd) firstEnd = end;
            settle();
          },
          (err: unknown) => {
            fail(err);
            settle();
          },
        ),
      (err: unknown) => {
        fail(err);
        settle();
      },
    );
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      let now = performance.now();
      while (next < total) {
        const scheduled = start + next * intervalMs;
        if (scheduled > now) break;
        lag[next] = now - scheduled;
        send(scheduled, now);
        lastSend = now;
        next++;
        now = performance.now();
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
      else resolve();
    };
    tick();
  });
  await done;
  if (o.pool === undefined) await pool.close().catch(() => undefined);

  const sortedLatency = latency.subarray(0, count).sort();
  const sortedService = service.subarray(0, count).sort();
  const sortedLag = lag.sort();
  const end = count > 0 ? lastEnd : performance.now();
  return {
    targetRate: o.rate,
    scheduled: total,
    count,
    errors,
    non2xx,
    p50: quantile(sortedLatency, 0.5),
    p90: quantile(sortedLatency, 0.9),
    p99: quantile(sortedLatency, 0.99),
    max: count > 0 ? sortedLatency[count - 1] : NaN,
    serviceP50: quantile(sortedService, 0.5),
    serviceP99: quantile(sortedService, 0.99),
    achievedRate: count > 0 ? count / ((lastEnd - firstEnd + intervalMs) / 1000) : 0,
    sentRate: total / ((lastSend - start + intervalMs) / 1000),
    maxLagMs: sortedLag[total - 1],
    lagP99Ms: quantile(sortedLag, 0.99),
    maxInFlight,
    elapsedMs: end - start,
    errorSamples,
  };
}
