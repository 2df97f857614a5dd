/**
 * The failover state machine: per region, driven by health signals; its traffic shares feed the
 * router and the weights of `failover-plan.ts`.
 *
 * States: healthy | degraded | circuit-open | failed | recovering(step). See
 * docs/runtime-failover.md for the transition table.
 *
 * Ordering: see `health-signals.ts`. Probe results are ordered per (source, region) by the sequence
 * number taken when the check started; a probe that completes after a later-started probe of the
 * same source was applied is dropped. Traffic signals are never dropped. Each transition bumps
 * the region's generation; recovery and circuit-breaker timers check it and are also cancelled on
 * transition, so a timer from an earlier episode can never advance a later one.
 */
import { type Clock, type TimerHandle, systemClock } from './clock';
import { type ListenerErrorHandler, TypedEmitter } from './events';
import { zoneCapacity, zoneWeights, type ZoneCapacity } from './failover-plan';
import { Streaks } from './failover-streaks';
import type { HealthSignal, HealthSource } from './health-signals';
import { invalidInput, isRecord } from './private/invalid-input';
import { checkTableDurations } from './private/table-durations';
import { unknownName } from './private/unknown-name';
import { checkedRoutingTable, type RoutingTable, type RoutingTableRegion } from './routing-table';

export type RegionStatus = 'healthy' | 'degraded' | 'circuit-open' | 'failed' | 'recovering';

export interface RegionSnapshot {
  region: string;
  zone: string;
  status: RegionStatus;
  /** Index into recovery.stepsPercent while recovering. */
  step?: number;
  /** Share of the region's own traffic it takes: 0..100. */
  trafficPercent: number;
  generation: number;
  /** Wall-clock time of the last transition. */
  since: number;
  consecutiveFailures: number;
  consecutiveSlow: number;
  consecutiveSuccess: number;
  /** Mean latency (ms) of the slow spell that degraded or relapsed the region (for reports). */
  baselineLatencyMs?: number;
}

export interface TransitionEvent {
  region: string;
  zone: string;
  from: RegionStatus;
  to: RegionStatus;
  step?: number;
  trafficPercent: number;
  reason: string;
  generation: number;
  at: number;
}

export type TransitionListener = (event: TransitionEvent) => void;

/** The events of a {@link FailoverController}. */
export type FailoverEvents = { transition: TransitionEvent };

export interface FailoverControllerOptions {
  /** Time and timers. @default systemClock */
  readonly clock?: Clock;
  /** Where errors thrown by transition listeners go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
  /**
   * A controller of an earlier table whose region states carry over: regions of both tables keep
   * status, step, streaks and pending timer (re-armed for the time it had left); new regions start
   * healthy. The previous controller is not changed (dispose it).
   */
  readonly previous?: FailoverController;
}

interface RegionState {
  readonly def: RoutingTableRegion;
  status: RegionStatus;
  step?: number;
  trafficPercent: number;
  generation: number;
  since: number;
  baselineLatencyMs?: number;
  readonly streaks: Streaks;
  /** Last applied probe seq per source. */
  readonly probeSeqs: Map<string, number>;
  timer?: TimerHandle;
  /** What the pending timer does and when (monotonic), so a reload can re-arm it. */
  pending?: { kind: 'breaker' | 'step'; dueAt: number };
}

const OUTCOMES: readonly string[] = ['success', 'slow', 'failure'];

/**
 * A signal as a JavaScript caller of {@link FailoverController.apply} may pass it: refused with a
 * TypeError naming the field, before it changes any state (an unknown outcome reset the streaks, a
 * NaN `seq` was stored and then let every later signal through as never stale).
 */
function checkSignal(signal: HealthSignal): void {
  const where = (field: string) => `FailoverController.apply: signal${field}`;
  if (!isRecord(signal)) throw invalidInput(where(''), signal, 'a health signal { kind: "probe" | "traffic", region, … }');
  const s = signal as unknown as Record<string, unknown>;
  if (s.kind !== 'probe' && s.kind !== 'traffic') throw invalidInput(where('.kind'), s.kind, '"probe" or "traffic"');
  if (typeof s.region !== 'string') throw invalidInput(where('.region'), s.region, 'a region id');
  if (s.kind === 'traffic') {
    if (typeof s.errorRateExceeded !== 'boolean') throw invalidInput(where('.errorRateExceeded'), s.errorRateExceeded, 'true or false');
    if (typeof s.errorRate !== 'number' || !(s.errorRate >= 0 && s.errorRate <= 1))
      throw invalidInput(where('.errorRate'), s.errorRate, 'a fraction 0..1');
    return;
  }
  if (typeof s.seq !== 'number' || !Number.isSafeInteger(s.seq) || s.seq < 1)
    throw invalidInput(where('.seq'), s.seq, 'an integer >= 1 (per source and region, increasing)');
  if (typeof s.outcome !== 'string' || !OUTCOMES.includes(s.outcome))
    throw invalidInput(where('.outcome'), s.outcome, '"success", "slow" or "failure"');
  if (typeof s.latencyMs !== 'number' || !(Number.isFinite(s.latencyMs) && s.latencyMs >= 0))
    throw invalidInput(where('.latencyMs'), s.latencyMs, 'a finite number of milliseconds >= 0');
  if (s.source !== undefined && typeof s.source !== 'string') throw invalidInput(where('.source'), s.source, 'a source id string');
}

/** The per-region failover state machine for one routing table. */
export class FailoverController {
  readonly table: RoutingTable;
  private readonly clock: Clock;
  private readonly regions = new Map<string, RegionState>();
  private readonly events: TypedEmitter<FailoverEvents>;
  private disposed = false;

  constructor(tableInput: RoutingTable, options: FailoverControllerOptions = {}) {
    const table = checkedRoutingTable(tableInput, 'FailoverController');
    checkTableDurations(table, 'FailoverController');
    this.table = table;
    this.clock = options.clock ?? systemClock;
    this.events = new TypedEmitter({ name: 'FailoverController', onListenerError: options.onListenerError });
    const now = this.clock.now();
    for (const def of table.regions) {
      this.regions.set(def.id, {
        def,
        status: 'healthy',
        trafficPercent: 100,
        generation: 0,
        since: now,
        streaks: new Streaks(),
        probeSeqs: new Map(),
      });
    }
    if (options.previous !== undefined) this.adopt(options.previous);
  }

  /** Subscribes to state transitions; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.events.on('transition', listener);
  }

  /** Feeds this controller from a health source (a `HealthChecker`, `HealthProber`, `OutlierDetector`); returns the unsubscribe. */
  attach(source: HealthSource): () => void {
    const offSignals = source.onSignal((s) => {
      this.apply(s);
    });
    // A region that starts recovering from failed or an open circuit is judged on its traffic from now
    // on: errors from before it went out (still in the source's window) would reopen its circuit at once.
    const offEpisodes =
      source.startEpisode === undefined
        ? () => undefined
        : this.onTransition((e) => {
            if (e.to === 'recovering' && (e.from === 'failed' || e.from === 'circuit-open')) source.startEpisode!(e.region);
          });
    return () => {
      offSignals();
      offEpisodes();
    };
  }

  /**
   * Applies one signal. Returns false (and changes nothing) for a stale probe: a later-started
   * probe of the same source and region was already applied; or after dispose.
   */
  apply(signal: HealthSignal): boolean {
    if (this.disposed) return false;
    checkSignal(signal);
    const r = this.get(signal.region);
    if (signal.kind === 'traffic') {
      if (signal.errorRateExceeded) this.onErrorRate(r, signal.errorRate);
      return true;
    }
    const source = signal.source ?? '';
    if (signal.seq <= (r.probeSeqs.get(source) ?? 0)) return false;
    r.probeSeqs.set(source, signal.seq);
    r.streaks.record(signal.outcome, signal.latencyMs);
    switch (signal.outcome) {
      case 'failure':
        this.onFailure(r, signal.error ?? (signal.status !== undefined ? `HTTP ${signal.status}` : 'failure'));
        break;
      case 'slow':
        this.onSlow(r);
        break;
      case 'success':
        this.onSuccess(r);
        break;
    }
    return true;
  }

  snapshot(region: string): RegionSnapshot {
    return this.publicView(this.get(region));
  }

  snapshots(): RegionSnapshot[] {
    return [...this.regions.values()].map((r) => this.publicView(r));
  }

  /** True while the region takes traffic (healthy, degraded or recovering): the router's `HealthView`. */
  isHealthy(region: string): boolean {
    return this.get(region).trafficPercent > 0;
  }

  /**
   * Share of the region's own traffic it takes now, 0..100 (100 healthy, 50 degraded, the step while
   * recovering, 0 failed or circuit-open): the router's `TrafficShareView`.
   */
  trafficPercent(region: string): number {
    return this.get(region).trafficPercent;
  }

  /** Traffic weights per region (percent of its zone; each zone sums to 100 or is all 0). */
  weights(): Record<string, number> {
    return zoneWeights(this.table, this.factors());
  }

  /** Capacity check per zone given current states. */
  capacity(loads?: Record<string, number>, assumedUtilisation?: number): Record<string, ZoneCapacity> {
    return zoneCapacity(this.table, this.factors(), loads, assumedUtilisation);
  }

  /** Cancels all timers; further signals are ignored. */
  dispose(): void {
    this.disposed = true;
    for (const r of this.regions.values()) this.cancelTimer(r);
  }

  private factors(): Record<string, number> {
    const f: Record<string, number> = {};
    for (const r of this.regions.values()) f[r.def.id] = r.trafficPercent / 100;
    return f;
  }

  private get(region: string): RegionState {
    const r = this.regions.get(region);
    if (!r) throw new Error(`FailoverController: ${unknownName('region', region, this.regions.keys())}`);
    return r;
  }

  private publicView(r: RegionState): RegionSnapshot {
    const view: RegionSnapshot = {
      region: r.def.id,
      zone: r.def.residencyZone,
      status: r.status,
      step: r.step,
      trafficPercent: r.trafficPercent,
      generation: r.generation,
      since: r.since,
      consecutiveFailures: r.streaks.failures,
      consecutiveSlow: r.streaks.slow,
      consecutiveSuccess: r.streaks.successes,
      baselineLatencyMs: r.baselineLatencyMs,
    };
    if (view.step === undefined) delete view.step;
    if (view.baselineLatencyMs === undefined) delete view.baselineLatencyMs;
    return view;
  }

  private get thresholds() {
    return this.table.failover;
  }

  private onFailure(r: RegionState, reason: string): void {
    if (r.status === 'failed') return;
    if (r.status === 'recovering') {
      this.transition(r, 'failed', `relapse during recovery: ${reason}`);
      return;
    }
    const limit = this.thresholds.failureThresholds.serviceUnavailable;
    if (r.streaks.failures >= limit) {
      this.transition(r, 'failed', `${r.streaks.failures} consecutive failed checks (threshold ${limit}): ${reason}`);
    }
  }

  private onSlow(r: RegionState): void {
    const limit = this.thresholds.failureThresholds.highLatency;
    if (r.streaks.slow < limit) return;
    const mean = r.streaks.slowMeanMs;
    if (r.status === 'healthy') {
      r.baselineLatencyMs = mean;
      this.transition(
        r,
        'degraded',
        `${r.streaks.slow} consecutive slow checks (threshold ${limit}), mean ${mean.toFixed(0)} ms > ${r.def.latencyThresholdMs} ms`,
      );
    } else if (r.status === 'recovering') {
      r.baselineLatencyMs = mean;
      this.transition(r, 'failed', `relapse during recovery: ${r.streaks.slow} consecutive slow checks`);
    }
  }

  /**
   * Recovery: `consecutiveSuccess` consecutive successful checks, each answered within the region's
   * `latencyThresholdMs` (a check above it is `slow` and ends the streak). The threshold is the
   * latency target: a region back under it recovers, whatever it showed while slow.
   */
  private onSuccess(r: RegionState): void {
    if (r.status !== 'failed' && r.status !== 'degraded') return;
    const needed = this.thresholds.recoveryThresholds.consecutiveSuccess;
    if (r.streaks.successes < needed) return;
    const mean = r.streaks.successMeanMs;
    const baseline = r.baselineLatencyMs === undefined ? '' : ` (${mean.toFixed(0)} ms vs ${r.baselineLatencyMs.toFixed(0)} ms while slow)`;
    this.startRecovery(
      r,
      `${r.streaks.successes} consecutive successful checks (threshold ${needed}), mean ${mean.toFixed(0)} ms <= ${r.def.latencyThresholdMs} ms${baseline}`,
    );
  }

  private onErrorRate(r: RegionState, errorRate: number): void {
    if (r.status === 'failed' || r.status === 'circuit-open') return;
    const threshold = this.thresholds.failureThresholds.errorRate;
    this.transition(
      r,
      'circuit-open',
      `error rate ${(errorRate * 100).toFixed(1)} % > ${(threshold * 100).toFixed(1)} %${r.status === 'recovering' ? ' during recovery' : ''}`,
      undefined,
      { kind: 'breaker', delayMs: this.thresholds.actions.circuitBreakerMs },
    );
  }

  /** Enters recovering at the first step above the current share (10 % from failed, 75 % from degraded at 50 %). */
  private startRecovery(r: RegionState, reason: string): void {
    const first = this.thresholds.recovery.stepsPercent.findIndex((p) => p > r.trafficPercent);
    if (first === -1) this.transition(r, 'healthy', reason);
    else this.enterStep(r, first, reason);
  }

  private enterStep(r: RegionState, step: number, reason: string): void {
    const steps = this.thresholds.recovery.stepsPercent;
    if (steps[step] >= 100 && step === steps.length - 1) {
      this.transition(r, 'healthy', reason);
      return;
    }
    this.transition(r, 'recovering', reason, step, { kind: 'step', delayMs: this.thresholds.recovery.stepIntervalMs });
  }

  /** Schedules the region's one pending timer; it acts only if no transition happened since. */
  private arm(r: RegionState, kind: 'breaker' | 'step', delayMs: number): void {
    if (this.disposed) return; // a disposed controller keeps no timer (a reload may dispose it from a listener)
    const generation = r.generation;
    r.pending = { kind, dueAt: this.clock.monotonicNow() + delayMs };
    r.timer = this.clock.setTimeout(() => {
      r.timer = undefined;
      r.pending = undefined;
      if (r.generation !== generation) return;
      if (kind === 'breaker' && r.status === 'circuit-open') {
        this.startRecovery(r, `circuit breaker half-open after ${this.thresholds.actions.circuitBreakerMs} ms`);
      } else if (kind === 'step' && r.status === 'recovering') {
        const steps = this.thresholds.recovery.stepsPercent;
        const step = r.step ?? 0;
        if (step + 1 >= steps.length) this.transition(r, 'healthy', `recovery complete at ${steps[step]} %`);
        else this.enterStep(r, step + 1, `recovery step ${step + 2}/${steps.length}`);
      }
    }, delayMs);
  }

  private percentFor(status: RegionStatus, step?: number): number {
    switch (status) {
      case 'healthy':
        return 100;
      case 'degraded':
        return 100 - this.thresholds.actions.reduceTrafficPercent;
      case 'circuit-open':
      case 'failed':
        return 0;
      case 'recovering':
        return this.thresholds.recovery.stepsPercent[step ?? 0];
    }
  }

  private cancelTimer(r: RegionState): void {
    if (r.timer) this.clock.clearTimeout(r.timer);
    r.timer = undefined;
    r.pending = undefined;
  }

  /**
   * Moves a region to `to` and tells the listeners. The state's timer (`timer`: the breaker of an
   * open circuit, the next recovery step) is armed before they hear of it: a listener that reloads
   * the table builds a controller that adopts this one's state, pending timer included.
   */
  private transition(
    r: RegionState,
    to: RegionStatus,
    reason: string,
    step?: number,
    timer?: { kind: 'breaker' | 'step'; delayMs: number },
  ): void {
    this.cancelTimer(r);
    const from = r.status;
    r.generation++;
    r.status = to;
    r.step = to === 'recovering' ? step : undefined;
    r.trafficPercent = this.percentFor(to, step);
    r.since = this.clock.now();
    if (to === 'healthy') r.baselineLatencyMs = undefined;
    // A new episode: success counting starts afresh (failures keep counting for the record);
    // a reduced or recovering region also counts its slow checks afresh.
    r.streaks.endSuccess();
    if (to === 'degraded' || to === 'recovering') r.streaks.endSlow();
    if (timer !== undefined) this.arm(r, timer.kind, timer.delayMs);
    this.events.emit('transition', {
      region: r.def.id,
      zone: r.def.residencyZone,
      from,
      to,
      step: r.step,
      trafficPercent: r.trafficPercent,
      reason,
      generation: r.generation,
      at: r.since,
    });
  }

  /** Takes over the state of regions `previous` also knows; see {@link FailoverControllerOptions.previous}. */
  private adopt(previous: FailoverController): void {
    const now = this.clock.monotonicNow();
    for (const [id, old] of previous.regions) {
      const r = this.regions.get(id);
      if (r === undefined) continue;
      r.status = old.status;
      r.generation = old.generation;
      r.since = old.since;
      r.baselineLatencyMs = old.baselineLatencyMs;
      r.streaks.copyFrom(old.streaks);
      for (const [source, seq] of old.probeSeqs) r.probeSeqs.set(source, seq);
      const left = old.pending === undefined ? 0 : Math.max(0, old.pending.dueAt - now);
      if (old.status === 'recovering') {
        // The new table's steps may differ: continue from the first step at or above the old share.
        const steps = this.thresholds.recovery.stepsPercent;
        const step = steps.findIndex((p) => p >= old.trafficPercent);
        if (step === -1 || (steps[step] >= 100 && step === steps.length - 1)) {
          r.status = 'healthy';
          r.trafficPercent = 100;
          continue;
        }
        r.step = step;
        r.trafficPercent = steps[step];
        this.arm(r, 'step', Math.min(left, this.thresholds.recovery.stepIntervalMs));
      } else {
        r.trafficPercent = this.percentFor(old.status);
        if (old.status === 'circuit-open') this.arm(r, 'breaker', Math.min(left, this.thresholds.actions.circuitBreakerMs));
      }
    }
  }
}
