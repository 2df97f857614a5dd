/**
 * Health signals for the failover controller.
 *
 * Two sources feed the same per-region signal stream:
 * - active checks: `GET <baseUrl><failover.healthCheck.path>` every `intervalMs`, each attempt
 *   bounded by `timeoutMs` (AbortController), up to `1 + retries` attempts per check;
 * - passive outlier detection: {@link HealthChecker.recordResult} from live traffic, an error rate
 *   over a sliding time window that only counts once it holds `minSamples` results.
 *
 * Every signal carries a per-region sequence number taken when the measurement *started*, so a
 * consumer can drop a result that completes after a newer one (see `FailoverController`).
 */
import type { RoutingTable, RoutingTableRegion } from './routing-table';
import { type Clock, type TimerHandle, systemClock } from './clock';

/** How one active check ended. */
export type ProbeOutcome = 'success' | 'slow' | 'failure';

/**
 * Performs one HTTP GET and resolves with the status code. It must reject (or resolve late, it
 * is then ignored) when `signal` aborts. Injectable so unit tests need no sockets.
 */
export type ProbeFn = (url: string, signal: AbortSignal) => Promise<number>;

export interface ProbeSignal {
  kind: 'probe';
  region: string;
  /** Per-region sequence number, assigned when the check started. */
  seq: number;
  outcome: ProbeOutcome;
  /** Latency of the successful attempt, or of the last failed one. */
  latencyMs: number;
  /** Attempts made (1 + retries at most). */
  attempts: number;
  status?: number;
  error?: string;
  at: number;
}

export interface TrafficSignal {
  kind: 'traffic';
  region: string;
  seq: number;
  /** Errors / samples in the window; 0 when the window is empty. */
  errorRate: number;
  samples: number;
  /** True when samples >= minSamples and errorRate > failureThresholds.errorRate. */
  errorRateExceeded: boolean;
  /** Latency of the result that produced this signal. */
  latencyMs: number;
  at: number;
}

export type HealthSignal = ProbeSignal | TrafficSignal;
export type HealthListener = (signal: HealthSignal) => void;

export interface HealthCheckerOptions {
  clock?: Clock;
  /** Defaults to {@link fetchProbe}. */
  probe?: ProbeFn;
  /** Sliding window of passive results. Default 60 000 ms; must not exceed circuitBreakerMs. */
  windowMs?: number;
  /** Results needed in the window before its error rate counts. Default 20. */
  minSamples?: number;
  /** Delay between attempts of one check. Default 0 (retry at once). */
  retryDelayMs?: number;
}

export const DEFAULT_ERROR_WINDOW_MS = 60_000;
export const DEFAULT_MIN_SAMPLES = 20;

/** The default probe: Node's global fetch; any status counts, only the code is used. */
export const fetchProbe: ProbeFn = async (url, signal) => {
  const res = await fetch(url, { method: 'GET', signal, redirect: 'manual', headers: { 'user-agent': 'taishanglaojun-health/1' } });
  // Drain the body so the connection can be reused; its content is not inspected.
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
};

/** Statuses that count as a healthy answer. */
export function isHealthyStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

interface Target {
  region: RoutingTableRegion;
  url: string;
  timer?: TimerHandle;
  running: boolean;
}

interface Sample {
  at: number;
  ok: boolean;
}

/** Active and passive health for the regions of one routing table. */
export class HealthChecker {
  private readonly clock: Clock;
  private readonly probe: ProbeFn;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private readonly retryDelayMs: number;
  private readonly regions: Map<string, RoutingTableRegion>;
  private readonly targets = new Map<string, Target>();
  private readonly samples = new Map<string, Sample[]>();
  private readonly seqs = new Map<string, number>();
  private readonly listeners = new Set<HealthListener>();
  private started = false;

  constructor(
    private readonly table: RoutingTable,
    options: HealthCheckerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.probe = options.probe ?? fetchProbe;
    this.windowMs = options.windowMs ?? DEFAULT_ERROR_WINDOW_MS;
    this.minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
    this.retryDelayMs = options.retryDelayMs ?? 0;
    const breaker = table.failover.actions.circuitBreakerMs;
    if (!(this.windowMs > 0) || this.windowMs > breaker) {
      throw new RangeError(
        `HealthChecker: windowMs must be > 0 and <= failover.actions.circuitBreakerMs (${breaker}) so errors from before a circuit opened have left the window when it half-opens; got ${this.windowMs}`,
      );
    }
    if (!Number.isInteger(this.minSamples) || this.minSamples < 1) {
      throw new RangeError(`HealthChecker: minSamples must be an integer >= 1, got ${this.minSamples}`);
    }
    if (!(this.retryDelayMs >= 0)) throw new RangeError(`HealthChecker: retryDelayMs must be >= 0, got ${this.retryDelayMs}`);
    this.regions = new Map(table.regions.map((r) => [r.id, r]));
  }

  /** Subscribes to signals; returns the unsubscribe function. */
  onSignal(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Probes `<baseUrl><healthCheck.path>` for `region`. One target per region. */
  addTarget(region: string, baseUrl: string): void {
    const r = this.region(region);
    if (this.targets.has(region))
      throw new Error(
        `HealthChecker.addTarget: region "${region}" already has a target (${this.targets.get(region)?.url}); remove it first`,
      );
    let url: URL;
    try {
      url = new URL(this.table.failover.healthCheck.path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    } catch {
      throw new Error(
        `HealthChecker.addTarget: baseUrl "${baseUrl}" for region "${region}" is not an absolute URL; expected http(s)://host[:port]`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `HealthChecker.addTarget: baseUrl "${baseUrl}" for region "${region}" has protocol "${url.protocol}"; allowed: http:, https:`,
      );
    }
    // Keep a path prefix of the base URL: base "http://h/api" + "/health" -> "http://h/api/health".
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    url.pathname = `${prefix}${this.table.failover.healthCheck.path}`;
    const target: Target = { region: r, url: url.toString(), running: false };
    this.targets.set(region, target);
    if (this.started) this.schedule(target, 0);
  }

  removeTarget(region: string): void {
    const t = this.targets.get(region);
    if (!t) return;
    if (t.timer) this.clock.clearTimeout(t.timer);
    this.targets.delete(region);
  }

  /** The URL probed for a region, if it has a target. */
  targetUrl(region: string): string | undefined {
    return this.targets.get(region)?.url;
  }

  /** Starts periodic checks: one immediately, then `intervalMs` after each check completes. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const t of this.targets.values()) this.schedule(t, 0);
  }

  /** Stops periodic checks; checks in flight complete and still emit. */
  stop(): void {
    this.started = false;
    for (const t of this.targets.values()) {
      if (t.timer) this.clock.clearTimeout(t.timer);
      t.timer = undefined;
    }
  }

  /** Runs one check for `region` now (attempts with retries) and emits its signal. */
  async checkNow(region: string): Promise<ProbeSignal> {
    const target = this.targets.get(region);
    if (!target)
      throw new Error(
        `HealthChecker.checkNow: region "${region}" has no target; known targets: ${[...this.targets.keys()].join(', ') || '(none)'}`,
      );
    const seq = this.nextSeq(region);
    const { retries, timeoutMs } = this.table.failover.healthCheck;
    let last: { latencyMs: number; status?: number; error?: string } = { latencyMs: 0 };
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && this.retryDelayMs > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.retryDelayMs));
      attempts++;
      last = await this.attempt(target.url, timeoutMs);
      if (last.status !== undefined && isHealthyStatus(last.status)) {
        const outcome: ProbeOutcome = last.latencyMs > target.region.latencyThresholdMs ? 'slow' : 'success';
        return this.emitProbe({
          kind: 'probe',
          region,
          seq,
          outcome,
          latencyMs: last.latencyMs,
          attempts,
          status: last.status,
          at: this.clock.now(),
        });
      }
    }
    return this.emitProbe({ kind: 'probe', region, seq, outcome: 'failure', attempts, ...last, at: this.clock.now() });
  }

  /** Feeds one live-traffic result (passive outlier detection) and emits a traffic signal. */
  recordResult(region: string, result: { ok: boolean; latencyMs: number }): TrafficSignal {
    this.region(region);
    if (typeof result.ok !== 'boolean') throw new TypeError(`HealthChecker.recordResult: ok must be a boolean, got ${String(result.ok)}`);
    if (!Number.isFinite(result.latencyMs) || result.latencyMs < 0) {
      throw new RangeError(`HealthChecker.recordResult: latencyMs must be a finite number >= 0, got ${String(result.latencyMs)}`);
    }
    const now = this.clock.now();
    const window = this.prune(region, now);
    window.push({ at: now, ok: result.ok });
    const { errorRate, samples } = this.rateOf(window);
    const signal: TrafficSignal = {
      kind: 'traffic',
      region,
      seq: this.nextSeq(region),
      errorRate,
      samples,
      errorRateExceeded: samples >= this.minSamples && errorRate > this.table.failover.failureThresholds.errorRate,
      latencyMs: result.latencyMs,
      at: now,
    };
    this.emit(signal);
    return signal;
  }

  /** Current passive error rate of a region's window. */
  errorRate(region: string): { errorRate: number; samples: number } {
    this.region(region);
    return this.rateOf(this.prune(region, this.clock.now()));
  }

  private rateOf(window: Sample[]): { errorRate: number; samples: number } {
    const errors = window.reduce((n, s) => n + (s.ok ? 0 : 1), 0);
    return { errorRate: window.length === 0 ? 0 : errors / window.length, samples: window.length };
  }

  private prune(region: string, now: number): Sample[] {
    const old = this.samples.get(region) ?? [];
    const kept = old.filter((s) => now - s.at < this.windowMs);
    this.samples.set(region, kept);
    return kept;
  }

  private region(id: string): RoutingTableRegion {
    const r = this.regions.get(id);
    if (!r) throw new Error(`HealthChecker: unknown region "${id}"; allowed: ${[...this.regions.keys()].join(', ')}`);
    return r;
  }

  private nextSeq(region: string): number {
    const seq = (this.seqs.get(region) ?? 0) + 1;
    this.seqs.set(region, seq);
    return seq;
  }

  private schedule(target: Target, delayMs: number): void {
    if (target.timer) this.clock.clearTimeout(target.timer);
    target.timer = this.clock.setTimeout(() => {
      target.timer = undefined;
      if (!this.started || this.targets.get(target.region.id) !== target || target.running) return;
      target.running = true;
      this.checkNow(target.region.id)
        .catch(() => undefined) // checkNow never rejects for probe errors; a listener throwing must not stop the loop.
        .finally(() => {
          target.running = false;
          if (this.started && this.targets.get(target.region.id) === target)
            this.schedule(target, this.table.failover.healthCheck.intervalMs);
        });
    }, delayMs);
  }

  private async attempt(url: string, timeoutMs: number): Promise<{ latencyMs: number; status?: number; error?: string }> {
    const controller = new AbortController();
    const started = this.clock.now();
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      const timer = this.clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      controller.signal.addEventListener('abort', () => this.clock.clearTimeout(timer), { once: true });
    });
    try {
      // Race against the clock's timeout too, so a probe that ignores its signal cannot hang a check.
      const status = await Promise.race([this.probe(url, controller.signal), timeout]);
      return { latencyMs: this.clock.now() - started, status };
    } catch (err) {
      const error = timedOut ? `timed out after ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      return { latencyMs: this.clock.now() - started, error };
    } finally {
      if (!controller.signal.aborted) controller.abort();
      timeout.catch(() => undefined);
    }
  }

  private emitProbe(signal: ProbeSignal): ProbeSignal {
    this.emit(signal);
    return signal;
  }

  private emit(signal: HealthSignal): void {
    for (const l of [...this.listeners]) l(signal);
  }
}
