/**
 * Failover: a per-region state machine driven by health signals, and the traffic weights it implies.
 *
 * States: healthy | degraded | circuit-open | failed | recovering(step). See
 * docs/runtime-failover.md for the transition table. Weights are computed per residency zone and
 * never move traffic from one zone to another.
 *
 * Concurrency: JavaScript runs one callback at a time, but async probes can complete out of order.
 * Each signal carries the sequence number taken when its measurement started; a signal whose seq is
 * not newer than the last one applied for the region is dropped. Each transition bumps the
 * region's generation; recovery and circuit-breaker timers check it and are also cancelled on
 * transition, so a timer from an earlier episode can never advance a later one.
 */
import type { RoutingTable, RoutingTableRegion } from './routing-table';
import { type Clock, type TimerHandle, systemClock } from './clock';
import type { HealthSignal } from './health';

export type RegionStatus = 'healthy' | 'degraded' | 'circuit-open' | 'failed' | 'recovering';

export interface RegionSnapshot {
  region: string;
  zone: string;
  status: RegionStatus;
  /** Index into recovery.stepsPercent while recovering. */
  step?: number;
  /** Share of the region's capacity offered traffic: 0..100. */
  trafficPercent: number;
  generation: number;
  since: number;
  consecutiveFailures: number;
  consecutiveSlow: number;
  consecutiveSuccess: number;
  /** Latency (ms) the region showed when it was degraded / failed; recovery requires an improvement on it. */
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

export interface ZoneCapacity {
  /** Expected load of the whole zone (requests), from `loads` or the utilisation assumption. */
  demand: number;
  /** Capacity of the regions still taking traffic, scaled by their traffic share. */
  remainingCapacity: number;
  /** demand <= remainingCapacity * routing.maxLoadFactor, and some capacity remains. */
  ok: boolean;
  regionsDown: string[];
}

export interface FailoverPlan {
  /** Per region, percent of its zone's traffic; each zone sums to 100 or is all 0. */
  weights: Record<string, number>;
  zones: Record<string, ZoneCapacity>;
  /** The utilisation assumed for regions without a given load. */
  assumedUtilisation: number;
}

/**
 * When no current load is given for a region, it is assumed to run at this fraction of its
 * capacity. 0.5 matches "each region sized for twice its normal load".
 */
export const DEFAULT_ASSUMED_UTILISATION = 0.5;

const EPS = 1e-9;

function zoneIndex(table: RoutingTable): Map<string, string> {
  const zoneOf = new Map<string, string>();
  for (const r of table.regions) zoneOf.set(r.id, r.residencyZone);
  return zoneOf;
}

function zoneRegions(table: RoutingTable): Map<string, RoutingTableRegion[]> {
  const byZone = new Map<string, RoutingTableRegion[]>();
  for (const z of table.residencyZones) byZone.set(z.id, []);
  for (const r of table.regions) {
    const list = byZone.get(r.residencyZone) ?? [];
    list.push(r);
    byZone.set(r.residencyZone, list);
  }
  return byZone;
}

function allowedRegions(table: RoutingTable): string {
  return table.regions.map((r) => r.id).join(', ');
}

/**
 * Splits 100 % among `shares` (non-negative), proportionally, in hundredths of a percent, using the
 * largest-remainder method: results have at most 2 decimals and sum to exactly 100 (10 000
 * hundredths), or are all 0 when every share is 0. Ties go to the earlier key.
 */
export function proportionalPercent(shares: Array<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  const total = shares.reduce((s, [, v]) => s + v, 0);
  if (!(total > EPS)) {
    for (const [k] of shares) out[k] = 0;
    return out;
  }
  const raw = shares.map(([k, v], i) => ({ k, i, exact: (v / total) * 10_000 }));
  const floors = raw.map((r) => ({ ...r, units: Math.floor(r.exact + EPS), rem: r.exact - Math.floor(r.exact + EPS) }));
  let left = 10_000 - floors.reduce((s, r) => s + r.units, 0);
  const order = [...floors].sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const r of order) {
    if (left <= 0) break;
    if (r.exact <= EPS) continue;
    r.units += 1;
    left -= 1;
  }
  for (const r of floors) out[r.k] = r.units / 100;
  return out;
}

/**
 * Weights for the given traffic factors (0..1 of each region's capacity): per zone, proportional to
 * capacity x factor. Pure.
 */
export function zoneWeights(table: RoutingTable, factors: Record<string, number>): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const [, regions] of zoneRegions(table)) {
    Object.assign(weights, proportionalPercent(regions.map((r) => [r.id, r.capacity * Math.max(0, factors[r.id] ?? 0)])));
  }
  return weights;
}

function checkLoads(table: RoutingTable, loads: Record<string, number> | undefined, zoneOf: Map<string, string>): void {
  for (const [region, load] of Object.entries(loads ?? {})) {
    if (!zoneOf.has(region)) throw new Error(`loads: unknown region "${region}"; allowed: ${allowedRegions(table)}`);
    if (!Number.isFinite(load) || load < 0) throw new RangeError(`loads["${region}"]: must be a finite number >= 0, got ${String(load)}`);
  }
}

/** Capacity check per zone for the given traffic factors (0 = down). Pure. */
export function zoneCapacity(
  table: RoutingTable,
  factors: Record<string, number>,
  loads?: Record<string, number>,
  assumedUtilisation = DEFAULT_ASSUMED_UTILISATION,
): Record<string, ZoneCapacity> {
  if (!(assumedUtilisation >= 0) || !Number.isFinite(assumedUtilisation)) {
    throw new RangeError(`assumedUtilisation: must be a finite number >= 0, got ${String(assumedUtilisation)}`);
  }
  checkLoads(table, loads, zoneIndex(table));
  const zones: Record<string, ZoneCapacity> = {};
  for (const [zone, regions] of zoneRegions(table)) {
    let demand = 0;
    let remainingCapacity = 0;
    const regionsDown: string[] = [];
    for (const r of regions) {
      demand += loads?.[r.id] ?? r.capacity * assumedUtilisation;
      const f = Math.max(0, Math.min(1, factors[r.id] ?? 0));
      if (f <= 0) regionsDown.push(r.id);
      remainingCapacity += r.capacity * f;
    }
    const ok = remainingCapacity > 0 && demand <= remainingCapacity * table.routing.maxLoadFactor + EPS;
    zones[zone] = { demand, remainingCapacity, ok, regionsDown };
  }
  return zones;
}

/**
 * What happens to traffic if `downRegions` fail: their weight is 0, the rest of each zone shares the
 * zone's traffic by capacity, and each zone reports whether what remains can absorb its demand.
 * Traffic never moves between zones. Pure; throws on unknown regions.
 */
export function planFailover(
  table: RoutingTable,
  downRegions: string[],
  loads?: Record<string, number>,
  options: { assumedUtilisation?: number } = {},
): FailoverPlan {
  const zoneOf = zoneIndex(table);
  for (const r of downRegions) {
    if (!zoneOf.has(r)) throw new Error(`planFailover: unknown region "${r}" in downRegions; allowed: ${allowedRegions(table)}`);
  }
  const down = new Set(downRegions);
  const factors: Record<string, number> = {};
  for (const r of table.regions) factors[r.id] = down.has(r.id) ? 0 : 1;
  const assumedUtilisation = options.assumedUtilisation ?? DEFAULT_ASSUMED_UTILISATION;
  return { weights: zoneWeights(table, factors), zones: zoneCapacity(table, factors, loads, assumedUtilisation), assumedUtilisation };
}

interface RegionRuntime extends RegionSnapshot {
  def: RoutingTableRegion;
  lastSeq: number;
  timer?: TimerHandle;
  /** Latencies of the current success streak (for the latency-improvement check). */
  streakLatencies: number[];
  /** Latencies of the current slow streak. */
  slowLatencies: number[];
}

export interface FailoverControllerOptions {
  clock?: Clock;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The per-region failover state machine for one routing table. */
export class FailoverController {
  private readonly clock: Clock;
  private readonly regions = new Map<string, RegionRuntime>();
  private readonly listeners = new Set<TransitionListener>();
  private disposed = false;

  constructor(
    private readonly table: RoutingTable,
    options: FailoverControllerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    const now = this.clock.now();
    for (const def of table.regions) {
      this.regions.set(def.id, {
        def,
        region: def.id,
        zone: def.residencyZone,
        status: 'healthy',
        trafficPercent: 100,
        generation: 0,
        since: now,
        consecutiveFailures: 0,
        consecutiveSlow: 0,
        consecutiveSuccess: 0,
        lastSeq: 0,
        streakLatencies: [],
        slowLatencies: [],
      });
    }
  }

  /** Subscribes to state transitions; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Feeds this controller from a health source (e.g. a `HealthChecker`); returns the unsubscribe. */
  attach(source: { onSignal(listener: (s: HealthSignal) => void): () => void }): () => void {
    return source.onSignal((s) => {
      this.apply(s);
    });
  }

  /**
   * Applies one signal. Returns false (and changes nothing) when it is stale: its seq is not newer
   * than the last applied for its region.
   */
  apply(signal: HealthSignal): boolean {
    if (this.disposed) return false;
    const r = this.get(signal.region);
    if (signal.seq <= r.lastSeq) return false;
    r.lastSeq = signal.seq;
    if (signal.kind === 'traffic') {
      if (signal.errorRateExceeded) this.onErrorRate(r, signal.errorRate);
      return true;
    }
    switch (signal.outcome) {
      case 'failure':
        this.onFailure(r, signal.error ?? (signal.status !== undefined ? `HTTP ${signal.status}` : 'failure'));
        break;
      case 'slow':
        this.onSlow(r, signal.latencyMs);
        break;
      case 'success':
        this.onSuccess(r, signal.latencyMs);
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

  /**
   * True while the region takes traffic (healthy, degraded or recovering). Satisfies the router's
   * `HealthView` (`{ isHealthy(region) }`).
   */
  isHealthy(region: string): boolean {
    return this.get(region).trafficPercent > 0;
  }

  /**
   * Share of the region's own traffic it takes now, 0..100 (100 healthy, 50 degraded, the step while
   * recovering, 0 failed or circuit-open). Satisfies the router's `TrafficShareView`.
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
    for (const r of this.regions.values()) f[r.region] = r.trafficPercent / 100;
    return f;
  }

  private get(region: string): RegionRuntime {
    const r = this.regions.get(region);
    if (!r) throw new Error(`FailoverController: unknown region "${region}"; allowed: ${allowedRegions(this.table)}`);
    return r;
  }

  private publicView(r: RegionRuntime): RegionSnapshot {
    const { def: _def, lastSeq: _seq, timer: _timer, streakLatencies: _s, slowLatencies: _l, ...view } = r;
    return { ...view };
  }

  private get thresholds() {
    return this.table.failover;
  }

  private onFailure(r: RegionRuntime, reason: string): void {
    r.consecutiveSuccess = 0;
    r.streakLatencies = [];
    r.consecutiveSlow = 0;
    r.slowLatencies = [];
    r.consecutiveFailures++;
    if (r.status === 'failed') return;
    if (r.status === 'recovering') {
      this.transition(r, 'failed', `relapse during recovery: ${reason}`);
      return;
    }
    if (r.consecutiveFailures >= this.thresholds.failureThresholds.serviceUnavailable) {
      this.transition(
        r,
        'failed',
        `${r.consecutiveFailures} consecutive failed checks (threshold ${this.thresholds.failureThresholds.serviceUnavailable}): ${reason}`,
      );
    }
  }

  private onSlow(r: RegionRuntime, latencyMs: number): void {
    r.consecutiveFailures = 0;
    r.consecutiveSuccess = 0;
    r.streakLatencies = [];
    r.consecutiveSlow++;
    r.slowLatencies.push(latencyMs);
    const limit = this.thresholds.failureThresholds.highLatency;
    if (r.consecutiveSlow < limit) return;
    const baseline = mean(r.slowLatencies.slice(-limit));
    if (r.status === 'healthy') {
      r.baselineLatencyMs = baseline;
      this.transition(
        r,
        'degraded',
        `${r.consecutiveSlow} consecutive slow checks (threshold ${limit}), mean ${baseline.toFixed(0)} ms > ${r.def.latencyThresholdMs} ms`,
      );
    } else if (r.status === 'recovering') {
      r.baselineLatencyMs = baseline;
      this.transition(r, 'failed', `relapse during recovery: ${r.consecutiveSlow} consecutive slow checks`);
    }
  }

  private onSuccess(r: RegionRuntime, latencyMs: number): void {
    r.consecutiveFailures = 0;
    r.consecutiveSlow = 0;
    r.slowLatencies = [];
    r.consecutiveSuccess++;
    r.streakLatencies.push(latencyMs);
    if (r.status !== 'failed' && r.status !== 'degraded') return;
    const { consecutiveSuccess: needed, latencyImprovement } = this.thresholds.recoveryThresholds;
    if (r.consecutiveSuccess < needed) return;
    const recent = mean(r.streakLatencies.slice(-needed));
    if (r.baselineLatencyMs !== undefined && recent > r.baselineLatencyMs * latencyImprovement) return;
    this.startRecovery(
      r,
      `${r.consecutiveSuccess} consecutive successful checks (threshold ${needed})${r.baselineLatencyMs !== undefined ? `, mean ${recent.toFixed(0)} ms <= ${latencyImprovement} x baseline ${r.baselineLatencyMs.toFixed(0)} ms` : ''}`,
    );
  }

  private onErrorRate(r: RegionRuntime, errorRate: number): void {
    if (r.status === 'failed' || r.status === 'circuit-open') return;
    const threshold = this.thresholds.failureThresholds.errorRate;
    this.transition(
      r,
      'circuit-open',
      `error rate ${(errorRate * 100).toFixed(1)} % > ${(threshold * 100).toFixed(1)} %${r.status === 'recovering' ? ' during recovery' : ''}`,
    );
    const generation = r.generation;
    r.timer = this.clock.setTimeout(() => {
      r.timer = undefined;
      if (r.generation !== generation || r.status !== 'circuit-open') return;
      this.startRecovery(r, `circuit breaker half-open after ${this.thresholds.actions.circuitBreakerMs} ms`);
    }, this.thresholds.actions.circuitBreakerMs);
  }

  /** Enters recovering at the first step above the current share (10 % from failed, 75 % from degraded at 50 %). */
  private startRecovery(r: RegionRuntime, reason: string): void {
    const steps = this.thresholds.recovery.stepsPercent;
    const first = steps.findIndex((p) => p > r.trafficPercent);
    if (first === -1) {
      this.transition(r, 'healthy', reason);
      return;
    }
    this.enterStep(r, first, reason);
  }

  private enterStep(r: RegionRuntime, step: number, reason: string): void {
    const steps = this.thresholds.recovery.stepsPercent;
    if (steps[step] >= 100 && step === steps.length - 1) {
      this.transition(r, 'healthy', reason);
      return;
    }
    this.transition(r, 'recovering', reason, step);
    const generation = r.generation;
    r.timer = this.clock.setTimeout(() => {
      r.timer = undefined;
      if (r.generation !== generation || r.status !== 'recovering') return;
      if (step + 1 >= steps.length) this.transition(r, 'healthy', `recovery complete at ${steps[step]} %`);
      else this.enterStep(r, step + 1, `recovery step ${step + 2}/${steps.length}`);
    }, this.thresholds.recovery.stepIntervalMs);
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

  private cancelTimer(r: RegionRuntime): void {
    if (r.timer) this.clock.clearTimeout(r.timer);
    r.timer = undefined;
  }

  private transition(r: RegionRuntime, to: RegionStatus, reason: string, step?: number): void {
    this.cancelTimer(r);
    const from = r.status;
    r.generation++;
    r.status = to;
    r.step = to === 'recovering' ? step : undefined;
    r.trafficPercent = this.percentFor(to, step);
    r.since = this.clock.now();
    if (to === 'healthy') r.baselineLatencyMs = undefined;
    if (to === 'failed' || to === 'circuit-open' || to === 'healthy') {
      // A new episode: success counting starts afresh, failures keep counting for the record.
      r.consecutiveSuccess = 0;
      r.streakLatencies = [];
    }
    if (to === 'degraded' || to === 'recovering') {
      r.consecutiveSuccess = 0;
      r.streakLatencies = [];
      r.consecutiveSlow = 0;
      r.slowLatencies = [];
    }
    const event: TransitionEvent = {
      region: r.region,
      zone: r.zone,
      from,
      to,
      step: r.step,
      trafficPercent: r.trafficPercent,
      reason,
      generation: r.generation,
      at: r.since,
    };
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener (metrics, logging) must not break the state machine.
      }
    }
  }
}
