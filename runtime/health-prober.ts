/**
 * Active health checks: `GET <baseUrl><failover.healthCheck.path>` every `intervalMs` per target,
 * each attempt bounded by `timeoutMs` (AbortController), up to `1 + retries` attempts per check.
 * Latencies are measured on the clock's monotonic time. Emits {@link ProbeSignal}s.
 */
import { type Clock, type TimerHandle, systemClock } from './clock';
import { type ListenerErrorHandler, TypedEmitter } from './events';
import {
  type HealthEvents,
  type HealthListener,
  type HealthSource,
  newSourceId,
  type ProbeOutcome,
  type ProbeSignal,
} from './health-signals';
import { checkTableDurations } from './private/table-durations';
import { unknownName } from './private/unknown-name';
import type { RoutingTable, RoutingTableRegion } from './routing-table';

/**
 * Performs one HTTP GET and resolves with the status code. It must reject (or resolve late, it
 * is then ignored) when `signal` aborts. Injectable so unit tests need no sockets.
 */
export type ProbeFn = (url: string, signal: AbortSignal) => Promise<number>;

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

export interface HealthProberOptions {
  /** Time and timers. @default systemClock */
  readonly clock?: Clock;
  /** The HTTP GET. @default fetchProbe */
  readonly probe?: ProbeFn;
  /** Delay between attempts of one check, ms. @default 0 (retry at once) */
  readonly retryDelayMs?: number;
  /** Where errors thrown by signal listeners go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

interface Target {
  region: RoutingTableRegion;
  baseUrl: string;
  url: string;
  timer?: TimerHandle;
  running: boolean;
}

/** Active probing of the regions of one routing table. */
export class HealthProber implements HealthSource {
  /** This prober's source id in its signals. */
  readonly source = newSourceId('prober');
  private readonly clock: Clock;
  private readonly probe: ProbeFn;
  private readonly retryDelayMs: number;
  private readonly regions: Map<string, RoutingTableRegion>;
  private readonly targets = new Map<string, Target>();
  private readonly seqs = new Map<string, number>();
  private readonly events: TypedEmitter<HealthEvents>;
  private started = false;

  constructor(
    private readonly table: RoutingTable,
    options: HealthProberOptions = {},
  ) {
    checkTableDurations(table, 'HealthProber');
    this.clock = options.clock ?? systemClock;
    this.probe = options.probe ?? fetchProbe;
    this.retryDelayMs = options.retryDelayMs ?? 0;
    if (!(this.retryDelayMs >= 0 && Number.isFinite(this.retryDelayMs))) {
      throw new RangeError(`HealthProber: retryDelayMs must be a finite number >= 0, got ${this.retryDelayMs}`);
    }
    this.regions = new Map(table.regions.map((r) => [r.id, r]));
    this.events = new TypedEmitter({ name: 'HealthProber', onListenerError: options.onListenerError });
  }

  /** Subscribes to probe signals; returns the unsubscribe function. */
  onSignal(listener: HealthListener): () => void {
    return this.events.on('signal', listener);
  }

  /** Probes `<baseUrl><healthCheck.path>` for `region`. One target per region. */
  addTarget(region: string, baseUrl: string): void {
    const r = this.region(region, 'addTarget');
    const existing = this.targets.get(region);
    if (existing) throw new Error(`HealthProber.addTarget: region "${region}" already has a target (${existing.url}); remove it first`);
    const target: Target = { region: r, baseUrl, url: this.urlFor(region, baseUrl), running: false };
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

  /** Region → base URL, as given to {@link addTarget}, of every target. */
  targetBaseUrls(): Map<string, string> {
    return new Map([...this.targets].map(([region, t]) => [region, t.baseUrl]));
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.started;
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
      throw new Error(`HealthProber.checkNow: region "${region}" has no target; ${unknownName('target', undefined, this.targets.keys())}`);
    const seq = (this.seqs.get(region) ?? 0) + 1;
    this.seqs.set(region, seq);
    const { retries, timeoutMs } = this.table.failover.healthCheck;
    let last: { latencyMs: number; status?: number; error?: string } = { latencyMs: 0 };
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && this.retryDelayMs > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.retryDelayMs));
      attempts++;
      last = await this.attempt(target.url, timeoutMs);
      if (last.status !== undefined && isHealthyStatus(last.status)) {
        const outcome: ProbeOutcome = last.latencyMs > target.region.latencyThresholdMs ? 'slow' : 'success';
        return this.emit({
          kind: 'probe',
          region,
          source: this.source,
          seq,
          outcome,
          latencyMs: last.latencyMs,
          attempts,
          status: last.status,
          at: this.clock.now(),
        });
      }
    }
    return this.emit({ kind: 'probe', region, source: this.source, seq, outcome: 'failure', attempts, ...last, at: this.clock.now() });
  }

  private urlFor(region: string, baseUrl: string): string {
    const path = this.table.failover.healthCheck.path;
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch {
      throw new Error(
        `HealthProber.addTarget: baseUrl "${baseUrl}" for region "${region}" is not an absolute URL; expected http(s)://host[:port]`,
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(
        `HealthProber.addTarget: baseUrl "${baseUrl}" for region "${region}" has protocol "${base.protocol}"; allowed: http:, https:`,
      );
    }
    // Keep a path prefix of the base URL: base "http://h/api" + "/health" -> "http://h/api/health".
    const url = new URL(base.toString());
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
    url.search = '';
    url.hash = '';
    return url.toString();
  }

  private region(id: string, method: string): RoutingTableRegion {
    const r = this.regions.get(id);
    if (!r) throw new Error(`HealthProber.${method}: ${unknownName('region', id, this.regions.keys())}`);
    return r;
  }

  private schedule(target: Target, delayMs: number): void {
    if (target.timer) this.clock.clearTimeout(target.timer);
    target.timer = this.clock.setTimeout(() => {
      target.timer = undefined;
      if (!this.started || this.targets.get(target.region.id) !== target || target.running) return;
      target.running = true;
      this.checkNow(target.region.id)
        .catch(() => undefined) // checkNow does not reject for probe errors; listener errors are handled by the emitter.
        .finally(() => {
          target.running = false;
          if (this.started && this.targets.get(target.region.id) === target)
            this.schedule(target, this.table.failover.healthCheck.intervalMs);
        });
    }, delayMs);
  }

  private async attempt(url: string, timeoutMs: number): Promise<{ latencyMs: number; status?: number; error?: string }> {
    const controller = new AbortController();
    const started = this.clock.monotonicNow();
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
      return { latencyMs: this.clock.monotonicNow() - started, status };
    } catch (err) {
      const error = timedOut ? `timed out after ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      return { latencyMs: this.clock.monotonicNow() - started, error };
    } finally {
      if (!controller.signal.aborted) controller.abort();
      timeout.catch(() => undefined);
    }
  }

  private emit(signal: ProbeSignal): ProbeSignal {
    this.events.emit('signal', signal);
    return signal;
  }
}
