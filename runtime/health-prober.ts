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
import { formatValue } from './problem';
import { invalidInput, isRecord } from './private/invalid-input';
import { unknownName } from './private/unknown-name';
import { checkedRoutingTable, type RoutingTable, type RoutingTableRegion } from './routing-table';

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
  // An integer: a probe that answers "200" or 200.5 did not see an HTTP status.
  return Number.isInteger(status) && status >= 200 && status < 300;
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
  /** The region's instances (one or more), as given. */
  baseUrls: readonly string[];
  /** Their health-check URLs, in the same order. */
  urls: readonly string[];
  /** Per instance: its check is running (a later region check skips it). */
  inFlight: boolean[];
  timer?: TimerHandle;
  running: boolean;
}

/** The result of one instance's check, within a region's check. */
export interface InstanceCheckResult {
  readonly region: string;
  /** The instance's base URL, as given to {@link HealthProber.addTarget}. */
  readonly baseUrl: string;
  readonly outcome: ProbeOutcome;
  readonly latencyMs: number;
  readonly status?: number;
  readonly error?: string;
}

type CheckResult = Omit<InstanceCheckResult, 'region' | 'baseUrl'> & { readonly attempts: number };

/** success before slow before failure; among equals the faster. */
const rank = (r: CheckResult): number => (r.outcome === 'success' ? 0 : r.outcome === 'slow' ? 1 : 2);

/** The first success among `checks`, else, once all are done, the best of them. */
function firstSuccessElseBest(checks: readonly Promise<CheckResult>[]): Promise<CheckResult> {
  return new Promise((resolve) => {
    let best: CheckResult | undefined;
    let left = checks.length;
    for (const check of checks)
      void check.then((r) => {
        if (r.outcome === 'success' && (best === undefined || best.outcome !== 'success')) {
          best = r;
          resolve(r);
        } else if (best === undefined || rank(r) < rank(best) || (rank(r) === rank(best) && r.latencyMs < best.latencyMs)) best = r;
        if (--left === 0) resolve(best!);
      });
  });
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
  private readonly instanceEvents: TypedEmitter<{ instance: InstanceCheckResult }>;
  private started = false;

  private readonly table: RoutingTable;

  constructor(tableInput: RoutingTable, options: HealthProberOptions = {}) {
    const table = checkedRoutingTable(tableInput, 'HealthProber');
    checkTableDurations(table, 'HealthProber');
    this.table = table;
    if (!isRecord(options as unknown))
      throw invalidInput('HealthProber: options', options, 'an object such as { clock, probe, retryDelayMs }');
    if (options.probe !== undefined && typeof options.probe !== 'function')
      throw invalidInput('HealthProber: options.probe', options.probe, 'a function (url, signal) => Promise<HTTP status code>');
    this.clock = options.clock ?? systemClock;
    this.probe = options.probe ?? fetchProbe;
    this.retryDelayMs = options.retryDelayMs ?? 0;
    if (!(this.retryDelayMs >= 0 && Number.isFinite(this.retryDelayMs))) {
      throw new RangeError(`HealthProber: retryDelayMs must be a finite number >= 0, got ${this.retryDelayMs}`);
    }
    this.regions = new Map(table.regions.map((r) => [r.id, r]));
    this.events = new TypedEmitter({ name: 'HealthProber', onListenerError: options.onListenerError });
    this.instanceEvents = new TypedEmitter({ name: 'HealthProber', onListenerError: options.onListenerError });
  }

  /** Subscribes to probe signals; returns the unsubscribe function. */
  onSignal(listener: HealthListener): () => void {
    return this.events.on('signal', listener);
  }

  /**
   * Subscribes to each instance's result within a region's check (a region with several instances
   * is as healthy as its best one; a caller may take the failing ones out of its pool). Returns the
   * unsubscribe function.
   */
  onInstanceResult(listener: (result: InstanceCheckResult) => void): () => void {
    return this.instanceEvents.on('instance', listener);
  }

  /**
   * Probes `<baseUrl><healthCheck.path>` for `region`: one base URL, or each of a region's instances.
   * A check of several instances probes them all and counts as its best outcome (success, else slow,
   * else failure): one dead instance does not fail a region another instance serves. One target per region.
   */
  addTarget(region: string, baseUrl: string | readonly string[]): void {
    const r = this.region(region, 'addTarget');
    const existing = this.targets.get(region);
    if (existing)
      throw new Error(`HealthProber.addTarget: region "${region}" already has a target (${existing.urls.join(', ')}); remove it first`);
    if (typeof baseUrl !== 'string' && !(Array.isArray(baseUrl) && baseUrl.every((b) => typeof b === 'string')))
      throw invalidInput(`HealthProber.addTarget: baseUrl of region "${region}"`, baseUrl, 'an http(s) URL or a list of them');
    const baseUrls = [...new Set(typeof baseUrl === 'string' ? [baseUrl] : baseUrl)];
    if (baseUrls.length === 0)
      throw new Error(`HealthProber.addTarget: region "${region}" was given no base URL; allowed: one or more http(s) URLs`);
    const target: Target = {
      region: r,
      baseUrls,
      urls: baseUrls.map((b) => this.urlFor(region, b)),
      inFlight: baseUrls.map(() => false),
      running: false,
    };
    this.targets.set(region, target);
    if (this.started) this.schedule(target, 0);
  }

  removeTarget(region: string): void {
    const t = this.targets.get(region);
    if (!t) return;
    if (t.timer) this.clock.clearTimeout(t.timer);
    this.targets.delete(region);
  }

  /** The URL probed for a region (its first instance's), if it has a target. */
  targetUrl(region: string): string | undefined {
    return this.targets.get(region)?.urls[0];
  }

  /** Every URL probed for a region (one per instance), empty when it has no target. */
  targetUrls(region: string): readonly string[] {
    return this.targets.get(region)?.urls ?? [];
  }

  /** Region → base URLs, as given to {@link addTarget}, of every target. */
  targetBaseUrls(): Map<string, readonly string[]> {
    return new Map([...this.targets].map(([region, t]) => [region, t.baseUrls]));
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
    // Every instance is checked; the region's answer is the first success, or, when none succeeds, the
    // best of all (slow before failure). An instance whose previous check still runs (it hangs) is not
    // checked again: it cannot hold the region's check up, nor pile checks on itself.
    const started: Promise<CheckResult>[] = [];
    target.urls.forEach((url, i) => {
      if (target.inFlight[i]) return;
      target.inFlight[i] = true;
      started.push(
        this.checkUrl(target, url).then((r) => {
          target.inFlight[i] = false;
          const { attempts: _attempts, ...result } = r;
          // A listener's failure goes to the listener-error policy; the region's signal still goes out.
          this.instanceEvents.emit('instance', { region, baseUrl: target.baseUrls[i], ...result });
          return r;
        }),
      );
    });
    const best =
      started.length === 0
        ? ({ outcome: 'failure', latencyMs: 0, attempts: 0, error: 'every instance is still answering its previous check' } as CheckResult)
        : await firstSuccessElseBest(started);
    return this.emit({ kind: 'probe', region, source: this.source, seq, ...best, at: this.clock.now() });
  }

  /** One instance's check: up to `1 + retries` attempts until a healthy status. */
  private async checkUrl(target: Target, url: string): Promise<CheckResult> {
    const { retries, timeoutMs } = this.table.failover.healthCheck;
    let last: { latencyMs: number; status?: number; error?: string } = { latencyMs: 0 };
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && this.retryDelayMs > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.retryDelayMs));
      attempts++;
      last = await this.attempt(url, timeoutMs);
      if (last.status !== undefined && isHealthyStatus(last.status)) {
        const outcome: ProbeOutcome = last.latencyMs > target.region.latencyThresholdMs ? 'slow' : 'success';
        return { outcome, latencyMs: last.latencyMs, attempts, status: last.status };
      }
    }
    return { outcome: 'failure', attempts, ...last };
  }

  private urlFor(region: string, baseUrl: string): string {
    const path = this.table.failover.healthCheck.path;
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch {
      // Shown without what may be a user name and password (the URL could not be read to strip them).
      const shown = baseUrl.replace(/\/\/[^/?#]*@/, '//<credentials>@');
      throw new Error(
        `HealthProber.addTarget: baseUrl ${formatValue(shown)} for region "${region}" is not an absolute URL; expected http(s)://host[:port]`,
      );
    }
    if (base.username !== '' || base.password !== '') {
      // fetch refuses such a URL (every check would fail), and the URL is shown in signals and errors.
      base.username = base.password = '';
      throw new Error(
        `HealthProber.addTarget: baseUrl for region "${region}" holds a user name or password (${base.toString().replace('//', '//***@')}); a health check sends no credentials: give the URL without them`,
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
      const status: unknown = await Promise.race([this.probe(url, controller.signal), timeout]);
      const latencyMs = this.clock.monotonicNow() - started;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
        return { latencyMs, error: `the probe answered ${formatValue(status)}, not an HTTP status code (an integer 100-599)` };
      return { latencyMs, status };
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
