/**
 * Passive outlier detection: the error rate of live traffic per region over a time window, in
 * constant time and constant memory per result.
 *
 * The window is a ring of `buckets` fixed time buckets (default 60 of 1 s for a 60 s window), each
 * holding a result count and an error count, plus running totals. Recording a result adds to the
 * current bucket; moving into a new bucket clears the buckets that time skipped (at most `buckets`
 * of them, however long the gap) and subtracts them from the totals. No per-result storage, no
 * scan: the cost does not depend on the request rate. The window therefore covers between
 * `windowMs − bucketMs` and `windowMs` of history. Time is the clock's monotonic time, so a
 * wall-clock step back cannot keep old errors in the window.
 */
import { type Clock, systemClock } from './clock';
import { type ListenerErrorHandler, TypedEmitter } from './events';
import type { HealthEvents, HealthListener, HealthSource, TrafficSignal } from './health-signals';
import { formatValue } from './problem';
import { invalidInput } from './private/invalid-input';
import { unknownName } from './private/unknown-name';
import type { RoutingTable } from './routing-table';

export const DEFAULT_ERROR_WINDOW_MS = 60_000;
export const DEFAULT_MIN_SAMPLES = 20;
export const DEFAULT_WINDOW_BUCKETS = 60;

export interface OutlierDetectorOptions {
  /** Time (monotonic part used). @default systemClock */
  readonly clock?: Clock;
  /** Length of the window, ms; must not exceed `failover.actions.circuitBreakerMs`. @default 60 000, or the circuit-breaker time when that is shorter */
  readonly windowMs?: number;
  /** Results needed in the window before its error rate counts. @default 20 */
  readonly minSamples?: number;
  /** Time buckets of the window (its resolution is windowMs / buckets). @default 60 */
  readonly buckets?: number;
  /** Where errors thrown by signal listeners go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

/** Counts of results and errors in fixed time buckets: O(1) per add, fixed memory. */
export class BucketedErrorWindow {
  private readonly samples: Uint32Array;
  private readonly errors: Uint32Array;
  /** Absolute number (time / bucketMs) of the newest bucket. */
  private head = -Infinity;
  private totalSamples = 0;
  private totalErrors = 0;

  constructor(
    private readonly bucketMs: number,
    private readonly buckets: number,
  ) {
    this.samples = new Uint32Array(buckets);
    this.errors = new Uint32Array(buckets);
  }

  /** Adds one result at monotonic time `t`. */
  add(t: number, ok: boolean): void {
    const i = this.advance(t);
    this.samples[i] += 1;
    this.totalSamples += 1;
    if (!ok) {
      this.errors[i] += 1;
      this.totalErrors += 1;
    }
  }

  /** Forgets every result (a new episode: a region coming back is judged on what it does now). */
  clear(): void {
    this.samples.fill(0);
    this.errors.fill(0);
    this.totalSamples = 0;
    this.totalErrors = 0;
  }

  /** Results and error rate in the window at monotonic time `t`. */
  rate(t: number): { errorRate: number; samples: number } {
    this.advance(t);
    return { errorRate: this.totalSamples === 0 ? 0 : this.totalErrors / this.totalSamples, samples: this.totalSamples };
  }

  /** Moves the head to the bucket of `t`, clearing the buckets in between; returns its slot. */
  private advance(t: number): number {
    const bucket = Math.floor(t / this.bucketMs);
    if (bucket > this.head) {
      const skipped = this.head === -Infinity ? this.buckets : Math.min(bucket - this.head, this.buckets);
      for (let k = 0; k < skipped; k++) {
        const slot = (((bucket - k) % this.buckets) + this.buckets) % this.buckets;
        this.totalSamples -= this.samples[slot];
        this.totalErrors -= this.errors[slot];
        this.samples[slot] = 0;
        this.errors[slot] = 0;
      }
      this.head = bucket;
    }
    // A time before the head (not possible with a monotonic clock) counts in the newest bucket.
    return ((this.head % this.buckets) + this.buckets) % this.buckets;
  }
}

/** Live-traffic error rates of the regions of one routing table. */
export class OutlierDetector implements HealthSource {
  private readonly clock: Clock;
  private readonly windows = new Map<string, BucketedErrorWindow>();
  private readonly events: TypedEmitter<HealthEvents>;
  private readonly errorRateThreshold: number;
  readonly windowMs: number;
  readonly minSamples: number;
  readonly buckets: number;

  constructor(table: RoutingTable, options: OutlierDetectorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const breaker = table.failover.actions.circuitBreakerMs;
    // A table whose circuit half-opens sooner than a minute gets a window as long as its breaker: every
    // table the validators accept can be served (errors still leave the window before the half-open).
    this.windowMs = options.windowMs ?? Math.min(DEFAULT_ERROR_WINDOW_MS, breaker);
    this.minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
    this.buckets = options.buckets ?? DEFAULT_WINDOW_BUCKETS;
    if (!(this.windowMs > 0) || !Number.isFinite(this.windowMs) || this.windowMs > breaker) {
      throw new RangeError(
        `OutlierDetector: windowMs must be > 0 and <= failover.actions.circuitBreakerMs (${breaker}) so errors from before a circuit opened have left the window when it half-opens; got ${this.windowMs}`,
      );
    }
    if (!Number.isInteger(this.minSamples) || this.minSamples < 1) {
      throw new RangeError(`OutlierDetector: minSamples must be an integer >= 1, got ${this.minSamples}`);
    }
    if (!Number.isInteger(this.buckets) || this.buckets < 1 || this.buckets > 10_000) {
      throw new RangeError(`OutlierDetector: buckets must be an integer in 1..10000, got ${this.buckets}`);
    }
    this.errorRateThreshold = table.failover.failureThresholds.errorRate;
    for (const r of table.regions) this.windows.set(r.id, new BucketedErrorWindow(this.windowMs / this.buckets, this.buckets));
    this.events = new TypedEmitter({ name: 'OutlierDetector', onListenerError: options.onListenerError });
  }

  /** Subscribes to traffic signals; returns the unsubscribe function. */
  onSignal(listener: HealthListener): () => void {
    return this.events.on('signal', listener);
  }

  /** Feeds one live-traffic result and emits the region's traffic signal. O(1) time and memory. */
  recordResult(region: string, result: { ok: boolean; latencyMs: number }): TrafficSignal {
    const window = this.window(region, 'recordResult');
    if (typeof result !== 'object' || result === null)
      throw invalidInput('OutlierDetector.recordResult: result', result, 'an object { ok: boolean, latencyMs: number }');
    if (typeof result.ok !== 'boolean')
      throw new TypeError(`OutlierDetector.recordResult: ok must be a boolean, got ${formatValue(result.ok)}`);
    if (!Number.isFinite(result.latencyMs) || result.latencyMs < 0) {
      throw new RangeError(`OutlierDetector.recordResult: latencyMs must be a finite number >= 0, got ${formatValue(result.latencyMs)}`);
    }
    const t = this.clock.monotonicNow();
    window.add(t, result.ok);
    const { errorRate, samples } = window.rate(t);
    const signal: TrafficSignal = {
      kind: 'traffic',
      region,
      errorRate,
      samples,
      errorRateExceeded: samples >= this.minSamples && errorRate > this.errorRateThreshold,
      latencyMs: result.latencyMs,
      at: this.clock.now(),
    };
    this.events.emit('signal', signal);
    return signal;
  }

  /** Current error rate of a region's window. */
  errorRate(region: string): { errorRate: number; samples: number } {
    return this.window(region, 'errorRate').rate(this.clock.monotonicNow());
  }

  /**
   * Forgets a region's live-traffic results so far: called when it starts recovering from failed or
   * an open circuit, so that the errors that took it out (up to a window old) cannot open its
   * circuit again at the first request of its recovery.
   */
  startEpisode(region: string): void {
    this.window(region, 'startEpisode').clear();
  }

  /** Takes over the windows of `previous` for regions both know (same window settings only). */
  adoptWindows(previous: OutlierDetector): void {
    if (previous.windowMs !== this.windowMs || previous.buckets !== this.buckets) return;
    for (const [region, w] of previous.windows) if (this.windows.has(region)) this.windows.set(region, w);
  }

  private window(region: string, method: string): BucketedErrorWindow {
    const w = this.windows.get(region);
    if (w === undefined) throw new Error(`OutlierDetector.${method}: ${unknownName('region', region, this.windows.keys())}`);
    return w;
  }
}
