import fc from 'fast-check';
import { ManualClock } from '../../runtime/clock';
import {
  FailoverController,
  type TransitionEvent,
  planFailover,
  proportionalPercent,
  zoneCapacity,
  zoneWeights,
} from '../../runtime/failover';
import type { HealthSignal, ProbeOutcome } from '../../runtime/health';
import { type RoutingTable, routingTableSchema } from '../../runtime/routing-table';

interface RegionSpec {
  id: string;
  zone: string;
  capacity: number;
  latencyThresholdMs?: number;
}

const continentOf: Record<string, 'APAC' | 'EMEA' | 'NA'> = { apac: 'APAC', emea: 'EMEA', na: 'NA' };

/** A small valid routing table with the design document's failover settings. */
function makeTable(regions: RegionSpec[]): RoutingTable {
  const zones = [...new Set(regions.map((r) => r.zone))];
  return routingTableSchema.parse({
    schemaVersion: 1,
    regions: regions.map((r, i) => ({
      id: r.id,
      location: r.id,
      continent: continentOf[r.zone] ?? 'NA',
      residencyZone: r.zone,
      primary: i === 0,
      services: ['compute'],
      capacity: r.capacity,
      latencyThresholdMs: r.latencyThresholdMs ?? 200,
    })),
    residencyZones: zones.map((z) => ({ id: z, regions: regions.filter((r) => r.zone === z).map((r) => r.id), allowedCopyTo: [z] })),
    countries: { DE: regions[0].id },
    shards: zones.map((z) => ({
      id: `${z}-0`,
      residencyZone: z,
      weight: 1,
      primary: { region: regions.find((r) => r.zone === z)!.id, endpoint: null },
      replicas: [],
    })),
    routing: { maxLoadFactor: 0.8, loadWeight: 100 },
    failover: {
      healthCheck: { path: '/health', intervalMs: 30_000, timeoutMs: 10_000, retries: 3 },
      failureThresholds: { serviceUnavailable: 3, highLatency: 5, errorRate: 0.05 },
      recoveryThresholds: { consecutiveSuccess: 5, latencyImprovement: 0.8 },
      actions: { reduceTrafficPercent: 50, circuitBreakerMs: 300_000 },
      recovery: { stepsPercent: [10, 25, 50, 75, 100], stepIntervalMs: 120_000 },
    },
  });
}

const TABLE = makeTable([
  { id: 'ap-east-1', zone: 'apac', capacity: 100 },
  { id: 'ap-southeast-1', zone: 'apac', capacity: 300 },
  { id: 'eu-west-1', zone: 'emea', capacity: 200 },
  { id: 'eu-central-1', zone: 'emea', capacity: 200 },
  { id: 'us-east-1', zone: 'na', capacity: 500 },
]);

const MIN = 60_000;

/** Feeds signals with increasing sequence numbers per region. */
function harness(table = TABLE) {
  const clock = new ManualClock();
  const fc2 = new FailoverController(table, { clock });
  const events: TransitionEvent[] = [];
  fc2.onTransition((e) => events.push(e));
  const seqs = new Map<string, number>();
  const next = (region: string) => {
    const s = (seqs.get(region) ?? 0) + 1;
    seqs.set(region, s);
    return s;
  };
  const probe = (region: string, outcome: ProbeOutcome, latencyMs = 50, times = 1) => {
    for (let i = 0; i < times; i++) {
      fc2.apply({ kind: 'probe', region, seq: next(region), outcome, latencyMs, attempts: 1, at: clock.now() });
    }
  };
  const errorRate = (region: string, exceeded = true) =>
    fc2.apply({
      kind: 'traffic',
      region,
      errorRate: exceeded ? 0.2 : 0.01,
      samples: 50,
      errorRateExceeded: exceeded,
      latencyMs: 40,
      at: clock.now(),
    });
  const status = (region: string) => fc2.snapshot(region).status;
  return { clock, ctl: fc2, events, probe, errorRate, status, next };
}

function sumBp(weights: Record<string, number>, regions: string[]): number {
  return regions.reduce((s, r) => s + Math.round(weights[r] * 100), 0);
}

describe('planFailover (pure)', () => {
  it('with nothing down, splits each zone by capacity and sums to 100 per zone', () => {
    const plan = planFailover(TABLE, []);
    expect(plan.weights).toEqual({ 'ap-east-1': 25, 'ap-southeast-1': 75, 'eu-west-1': 50, 'eu-central-1': 50, 'us-east-1': 100 });
    expect(plan.zones.apac).toEqual({ demand: 200, remainingCapacity: 400, ok: true, regionsDown: [] });
  });

  it("moves a down region's share only to the rest of its own zone, and checks capacity", () => {
    const plan = planFailover(TABLE, ['eu-west-1']);
    expect(plan.weights['eu-west-1']).toBe(0);
    expect(plan.weights['eu-central-1']).toBe(100);
    // Other zones untouched.
    expect(plan.weights['ap-east-1']).toBe(25);
    expect(plan.weights['us-east-1']).toBe(100);
    // emea demand 400*0.5 = 200; remaining 200 * maxLoadFactor 0.8 = 160 < 200.
    expect(plan.zones.emea).toEqual({ demand: 200, remainingCapacity: 200, ok: false, regionsDown: ['eu-west-1'] });
    // With measured loads the check uses them.
    expect(planFailover(TABLE, ['eu-west-1'], { 'eu-west-1': 50, 'eu-central-1': 60 }).zones.emea.ok).toBe(true);
  });

  it('all regions of a zone down -> zone weights all 0, capacity not ok, nothing borrowed from another zone', () => {
    const plan = planFailover(TABLE, ['ap-east-1', 'ap-southeast-1']);
    expect(plan.weights['ap-east-1']).toBe(0);
    expect(plan.weights['ap-southeast-1']).toBe(0);
    expect(plan.zones.apac).toMatchObject({ remainingCapacity: 0, ok: false, regionsDown: ['ap-east-1', 'ap-southeast-1'] });
    expect(sumBp(plan.weights, ['eu-west-1', 'eu-central-1'])).toBe(10_000);
    expect(plan.weights['us-east-1']).toBe(100);
  });

  it('names the unknown region and the allowed ones', () => {
    expect(() => planFailover(TABLE, ['eu-west-9'])).toThrow(
      /downRegions: unknown region "eu-west-9"; allowed: ap-east-1, ap-southeast-1, eu-west-1, eu-central-1, us-east-1/,
    );
    expect(() => planFailover(TABLE, [], { 'xx-north-1': 3 })).toThrow(/loads: unknown region "xx-north-1"/);
    expect(() => planFailover(TABLE, [], { 'us-east-1': -3 })).toThrow(/loads\["us-east-1"\]: must be a finite number >= 0, got -3/);
  });

  it('rounds to hundredths with largest remainder so a zone sums to exactly 100', () => {
    const w = proportionalPercent([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(w).toEqual({ a: 33.34, b: 33.33, c: 33.33 });
    expect(
      proportionalPercent([
        ['a', 0],
        ['b', 0],
      ]),
    ).toEqual({ a: 0, b: 0 });
  });
});

describe('weight functions reject bad shares', () => {
  it('names the key and value of a NaN, negative or infinite share, or a sum that overflows', () => {
    expect(() =>
      proportionalPercent([
        ['a', 1],
        ['b', Number.NaN],
      ]),
    ).toThrow(/share of "b" = NaN; allowed: a finite number >= 0/);
    expect(() =>
      proportionalPercent([
        ['a', -1],
        ['b', 3],
      ]),
    ).toThrow(/share of "a" = -1/);
    expect(() => proportionalPercent([['a', Infinity]])).toThrow(/share of "a" = Infinity/);
    expect(() =>
      proportionalPercent([
        ['a', 1e308],
        ['b', 1e308],
      ]),
    ).toThrow(/sum to Infinity; allowed: a finite sum/);
  });

  it('zoneWeights and zoneCapacity reject factors outside 0..1 and unknown regions', () => {
    expect(() => zoneWeights(TABLE, { 'eu-west-1': Number.NaN })).toThrow(/factors\["eu-west-1"\] = NaN; allowed: a finite number in 0..1/);
    expect(() => zoneWeights(TABLE, { 'eu-west-1': -0.5 })).toThrow(/factors\["eu-west-1"\] = -0.5/);
    expect(() => zoneWeights(TABLE, { 'eu-west-1': 2 })).toThrow(/= 2; allowed/);
    expect(() => zoneCapacity(TABLE, { 'eu-west-1': Infinity })).toThrow(/= Infinity; allowed/);
    expect(() => zoneWeights(TABLE, { 'mars-1': 1 })).toThrow(/factors: unknown region "mars-1"; allowed: ap-east-1/);
  });
});

describe('FailoverController transitions', () => {
  it('3 consecutive unavailable -> failed, weight 0, zone peers absorb its share', () => {
    const h = harness();
    h.probe('eu-west-1', 'failure', 10_000, 2);
    expect(h.status('eu-west-1')).toBe('healthy');
    h.probe('eu-west-1', 'success');
    h.probe('eu-west-1', 'failure', 10_000, 2);
    expect(h.status('eu-west-1')).toBe('healthy'); // the success reset the count
    h.probe('eu-west-1', 'failure');
    expect(h.status('eu-west-1')).toBe('failed');
    expect(h.ctl.weights()).toMatchObject({ 'eu-west-1': 0, 'eu-central-1': 100, 'ap-east-1': 25, 'ap-southeast-1': 75 });
    expect(h.ctl.isHealthy('eu-west-1')).toBe(false);
    expect(h.ctl.isHealthy('eu-central-1')).toBe(true);
    expect(h.events.map((e) => `${e.region}:${e.from}->${e.to}`)).toEqual(['eu-west-1:healthy->failed']);
  });

  it('5 consecutive slow -> degraded at 50 % traffic; recovers via 75 % after 5 checks back under the threshold', () => {
    const h = harness();
    h.probe('ap-east-1', 'slow', 500, 4);
    expect(h.status('ap-east-1')).toBe('healthy');
    h.probe('ap-east-1', 'slow', 500);
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'degraded', trafficPercent: 50, baselineLatencyMs: 500 });
    // capacity 100*0.5 vs 300 -> 50/350.
    expect(h.ctl.weights()['ap-east-1']).toBeCloseTo((50 / 350) * 100, 1);
    // Four checks under the threshold, then a slow one: the streak starts again.
    h.probe('ap-east-1', 'success', 190, 4);
    h.probe('ap-east-1', 'slow', 201);
    h.probe('ap-east-1', 'success', 190, 4);
    expect(h.status('ap-east-1')).toBe('degraded');
    h.probe('ap-east-1', 'success', 190);
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'recovering', trafficPercent: 75 });
    h.clock.advance(2 * MIN);
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'healthy', trafficPercent: 100 });
  });

  it('a region slow just above its threshold recovers once back at it: no baseline-relative target (boundary)', () => {
    // Threshold 200 ms; the slow spell averaged 210 ms. 0.8 x 210 = 168 ms would be below the
    // region's normal 200 ms: the old rule kept it at 50 % forever.
    const h = harness();
    h.probe('ap-east-1', 'slow', 210, 5);
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'degraded', baselineLatencyMs: 210 });
    h.probe('ap-east-1', 'success', 200, 5); // exactly the threshold is a success (see the prober test)
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'recovering', trafficPercent: 75 });
    // The same from failed after a slow relapse.
    h.probe('ap-east-1', 'slow', 210, 5);
    expect(h.status('ap-east-1')).toBe('failed');
    h.probe('ap-east-1', 'success', 200, 4);
    expect(h.status('ap-east-1')).toBe('failed');
    h.probe('ap-east-1', 'success', 200);
    expect(h.ctl.snapshot('ap-east-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
  });

  it('keeps constant memory in long streaks: counts and sums, no latency lists', () => {
    const h = harness();
    h.probe('us-east-1', 'slow', 300, 5);
    const before = JSON.stringify(h.ctl.snapshot('us-east-1')).length;
    h.probe('us-east-1', 'slow', 300, 10_000);
    h.probe('eu-west-1', 'success', 20, 10_000);
    const snap = h.ctl.snapshot('us-east-1');
    // Entering degraded starts the slow count afresh: 10,000 since.
    expect(snap).toMatchObject({ status: 'degraded', consecutiveSlow: 10_000, baselineLatencyMs: 300 });
    expect(JSON.stringify(snap).length).toBeLessThanOrEqual(before + 5);
    expect(h.ctl.snapshot('eu-west-1').consecutiveSuccess).toBe(10_000);
  });

  it('failed -> recovering only after 5 consecutive successes; steps 10/25/50/75/100 every 2 minutes', () => {
    const h = harness();
    h.probe('us-east-1', 'failure', 10_000, 3);
    expect(h.status('us-east-1')).toBe('failed');
    h.probe('us-east-1', 'success', 50, 4);
    h.probe('us-east-1', 'failure');
    h.probe('us-east-1', 'success', 50, 4);
    expect(h.status('us-east-1')).toBe('failed');
    h.probe('us-east-1', 'success');
    const seen: number[] = [h.ctl.snapshot('us-east-1').trafficPercent];
    for (let i = 0; i < 4; i++) {
      h.clock.advance(2 * MIN - 1);
      expect(h.ctl.snapshot('us-east-1').trafficPercent).toBe(seen[seen.length - 1]);
      h.clock.advance(1);
      seen.push(h.ctl.snapshot('us-east-1').trafficPercent);
    }
    expect(seen).toEqual([10, 25, 50, 75, 100]);
    expect(h.status('us-east-1')).toBe('healthy');
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('relapse at 50 % -> failed with weight 0, and the old recovery timer does nothing', () => {
    const h = harness();
    h.probe('eu-central-1', 'failure', 0, 3);
    h.probe('eu-central-1', 'success', 50, 5);
    h.clock.advance(4 * MIN);
    expect(h.ctl.snapshot('eu-central-1')).toMatchObject({ status: 'recovering', trafficPercent: 50, step: 2 });
    h.probe('eu-central-1', 'failure');
    expect(h.ctl.snapshot('eu-central-1')).toMatchObject({ status: 'failed', trafficPercent: 0 });
    expect(h.ctl.weights()).toMatchObject({ 'eu-central-1': 0, 'eu-west-1': 100 });
    expect(h.clock.pendingTimers()).toBe(0);
    h.clock.advance(30 * MIN);
    expect(h.status('eu-central-1')).toBe('failed');
  });

  it('error rate over threshold -> circuit-open (weight 0) for 5 minutes, then half-open recovery from 10 %', () => {
    const h = harness();
    expect(h.errorRate('eu-west-1', false)).toBe(true);
    expect(h.status('eu-west-1')).toBe('healthy');
    h.errorRate('eu-west-1');
    expect(h.ctl.snapshot('eu-west-1')).toMatchObject({ status: 'circuit-open', trafficPercent: 0 });
    expect(h.ctl.weights()['eu-west-1']).toBe(0);
    h.clock.advance(5 * MIN - 1);
    expect(h.status('eu-west-1')).toBe('circuit-open');
    h.clock.advance(1);
    expect(h.ctl.snapshot('eu-west-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    // Errors again while half-open: the breaker opens for another 5 minutes.
    h.errorRate('eu-west-1');
    expect(h.status('eu-west-1')).toBe('circuit-open');
    h.clock.advance(5 * MIN);
    expect(h.status('eu-west-1')).toBe('recovering');
    h.clock.advance(8 * MIN);
    expect(h.status('eu-west-1')).toBe('healthy');
  });

  it('an open circuit whose checks fail outright becomes failed and its breaker timer is cancelled', () => {
    const h = harness();
    h.errorRate('us-east-1');
    h.probe('us-east-1', 'failure', 0, 3);
    expect(h.status('us-east-1')).toBe('failed');
    h.clock.advance(10 * MIN);
    expect(h.status('us-east-1')).toBe('failed');
  });

  it('a recovering region that turns slow again relapses to failed', () => {
    const h = harness();
    h.probe('ap-southeast-1', 'failure', 0, 3);
    h.probe('ap-southeast-1', 'success', 50, 5);
    expect(h.status('ap-southeast-1')).toBe('recovering');
    h.probe('ap-southeast-1', 'slow', 900, 5);
    expect(h.ctl.snapshot('ap-southeast-1')).toMatchObject({ status: 'failed', baselineLatencyMs: 900 });
  });

  it('drops a stale probe result: a check started earlier that completes later cannot overwrite newer state', () => {
    const h = harness();
    const staleSeq = h.next('eu-west-1'); // a slow check starts...
    h.probe('eu-west-1', 'failure', 0, 3); // ...newer checks fail the region meanwhile
    expect(h.status('eu-west-1')).toBe('failed');
    const late = {
      kind: 'probe' as const,
      region: 'eu-west-1',
      seq: staleSeq,
      outcome: 'success' as const,
      latencyMs: 10,
      attempts: 1,
      at: 0,
    };
    expect(h.ctl.apply(late)).toBe(false);
    expect(h.ctl.snapshot('eu-west-1').consecutiveSuccess).toBe(0);
    // Sequence numbers are compared per source only: another prober's first check counts.
    expect(h.ctl.apply({ ...late, source: 'prober-new', seq: 1 })).toBe(true);
    expect(h.ctl.snapshot('eu-west-1').consecutiveSuccess).toBe(1);
    expect(h.ctl.apply({ ...late, source: 'prober-new', seq: 1 })).toBe(false); // a replay is not
  });

  it('never drops a probe because live traffic was recorded while it was in flight', () => {
    const h = harness();
    for (let check = 0; check < 10; check++) {
      const seq = h.next('eu-west-1'); // the check starts
      for (let i = 0; i < 50; i++) h.errorRate('eu-west-1', false); // live results meanwhile
      expect(h.ctl.apply({ kind: 'probe', region: 'eu-west-1', seq, outcome: 'failure', latencyMs: 10_000, attempts: 4, at: 0 })).toBe(
        true,
      );
    }
    expect(h.ctl.snapshot('eu-west-1')).toMatchObject({ status: 'failed', consecutiveFailures: 10 });
  });

  it('reports capacity per zone from current states', () => {
    const h = harness();
    h.probe('ap-southeast-1', 'failure', 0, 3);
    const cap = h.ctl.capacity();
    expect(cap.apac).toEqual({ demand: 200, remainingCapacity: 100, ok: false, regionsDown: ['ap-southeast-1'] });
    expect(h.ctl.capacity({ 'ap-east-1': 30, 'ap-southeast-1': 40 }).apac.ok).toBe(true);
  });

  it('unknown regions in signals are named with the allowed list; listeners that throw do not break transitions', () => {
    const h = harness();
    expect(() => h.ctl.apply({ kind: 'probe', region: 'mars-1', seq: 1, outcome: 'failure', latencyMs: 0, attempts: 1, at: 0 })).toThrow(
      /unknown region "mars-1"; allowed: ap-east-1/,
    );
    h.ctl.onTransition(() => {
      throw new Error('metrics down');
    });
    h.probe('us-east-1', 'failure', 0, 3);
    expect(h.status('us-east-1')).toBe('failed');
    expect(h.events).toHaveLength(1);
  });

  it('dispose cancels every timer', () => {
    const h = harness();
    h.errorRate('us-east-1');
    h.probe('eu-west-1', 'failure', 0, 3);
    h.probe('eu-west-1', 'success', 0, 5);
    expect(h.clock.pendingTimers()).toBe(2);
    h.ctl.dispose();
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('FailoverController durations and reloads', () => {
  it('rejects timer durations a timer cannot honour (> 2^31 - 1 ms), naming the field', () => {
    const t = makeTable([{ id: 'us-east-1', zone: 'na', capacity: 1 }]);
    t.failover.actions.circuitBreakerMs = 2 ** 31;
    expect(() => new FailoverController(t)).toThrow(
      /failover.actions.circuitBreakerMs = 2147483648; allowed: a number of milliseconds in \(0, 2147483647\]/,
    );
  });

  it('carries region state over to a controller of a new table: status, streaks and the time left on timers', () => {
    const h = harness();
    h.probe('eu-west-1', 'failure', 0, 3);
    h.probe('eu-west-1', 'success', 20, 5); // recovering at 10 %, next step in 2 min
    h.errorRate('us-east-1'); // circuit open for 5 min
    h.probe('ap-east-1', 'slow', 500, 5); // degraded
    h.clock.advance(MIN);
    const next = makeTable([
      { id: 'eu-west-1', zone: 'emea', capacity: 200 },
      { id: 'eu-central-1', zone: 'emea', capacity: 200 },
      { id: 'eu-west-2', zone: 'emea', capacity: 100 },
      { id: 'us-east-1', zone: 'na', capacity: 500 },
      { id: 'ap-east-1', zone: 'apac', capacity: 100 },
    ]);
    const ctl = new FailoverController(next, { clock: h.clock, previous: h.ctl });
    h.ctl.dispose();
    expect(ctl.snapshot('eu-west-1')).toMatchObject({ status: 'recovering', trafficPercent: 10, step: 0 });
    expect(ctl.snapshot('us-east-1')).toMatchObject({ status: 'circuit-open', trafficPercent: 0 });
    expect(ctl.snapshot('ap-east-1')).toMatchObject({ status: 'degraded', trafficPercent: 50, baselineLatencyMs: 500 });
    expect(ctl.snapshot('eu-west-2')).toMatchObject({ status: 'healthy', trafficPercent: 100 });
    expect(() => ctl.snapshot('ap-southeast-1')).toThrow(/unknown region "ap-southeast-1"/);
    h.clock.advance(MIN - 1);
    expect(ctl.trafficPercent('eu-west-1')).toBe(10);
    h.clock.advance(1); // 2 min after it entered step 0
    expect(ctl.trafficPercent('eu-west-1')).toBe(25);
    h.clock.advance(3 * MIN - 1);
    expect(ctl.snapshot('us-east-1').status).toBe('circuit-open');
    h.clock.advance(1); // 5 min after the breaker opened
    expect(ctl.snapshot('us-east-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    ctl.dispose();
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('FailoverController property', () => {
  const regions = TABLE.regions.map((r) => r.id);
  const zones = TABLE.residencyZones.map((z) => z.regions);
  type Step =
    | { t: 'probe'; region: string; outcome: ProbeOutcome; latencyMs: number; stale: boolean }
    | { t: 'errors'; region: string; exceeded: boolean }
    | { t: 'advance'; ms: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      t: fc.constant('probe' as const),
      region: fc.constantFrom(...regions),
      outcome: fc.constantFrom<ProbeOutcome>('success', 'slow', 'failure'),
      latencyMs: fc.integer({ min: 0, max: 2000 }),
      stale: fc.boolean(),
    }),
    fc.record({ t: fc.constant('errors' as const), region: fc.constantFrom(...regions), exceeded: fc.boolean() }),
    fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6 * MIN }) }),
  );

  it('weights per zone are >= 0, sum to 100 or are all 0, and failed / open regions get 0', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const h = harness();
        for (const s of steps) {
          if (s.t === 'advance') h.clock.advance(s.ms);
          else if (s.t === 'errors') h.errorRate(s.region, s.exceeded);
          else {
            const seq = s.stale ? Math.max(1, h.next(s.region) - 5) : h.next(s.region);
            const signal: HealthSignal = {
              kind: 'probe',
              region: s.region,
              seq,
              outcome: s.outcome,
              latencyMs: s.latencyMs,
              attempts: 1,
              at: h.clock.now(),
            };
            h.ctl.apply(signal);
          }
          const w = h.ctl.weights();
          for (const zoneRegions of zones) {
            const total = sumBp(w, zoneRegions);
            if (total !== 0 && total !== 10_000) return false;
          }
          for (const snap of h.ctl.snapshots()) {
            if (w[snap.region] < 0) return false;
            if ((snap.status === 'failed' || snap.status === 'circuit-open') && w[snap.region] !== 0) return false;
            if (snap.status === 'recovering' && snap.trafficPercent !== TABLE.failover.recovery.stepsPercent[snap.step ?? -1]) return false;
          }
          // Zone totals never depend on another zone: a table holding only that zone, and the full
          // table with every other zone down, give the zone the same weights as the controller.
          const factors = Object.fromEntries(h.ctl.snapshots().map((x) => [x.region, x.trafficPercent / 100]));
          for (const zone of TABLE.residencyZones) {
            const own = new Set(zone.regions);
            const pick = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([k]) => own.has(k)));
            const alone = zoneWeights(
              { ...TABLE, regions: TABLE.regions.filter((r) => own.has(r.id)), residencyZones: [zone] },
              pick(factors),
            );
            if (JSON.stringify(alone) !== JSON.stringify(pick(w))) return false;
            const othersDown = zoneWeights(TABLE, pick(factors));
            if (JSON.stringify(pick(othersDown)) !== JSON.stringify(pick(w))) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('failover weights leave out a region without compute', () => {
  it('gives it 0 % and splits its zone among the compute regions', () => {
    const t = makeTable([
      { id: 'eu-west-1', zone: 'emea', capacity: 200 },
      { id: 'eu-central-1', zone: 'emea', capacity: 200 },
      { id: 'eu-west-2', zone: 'emea', capacity: 500 },
    ]);
    t.regions.find((r) => r.id === 'eu-west-2')!.services = ['storage'];
    expect(zoneWeights(t, { 'eu-west-1': 1, 'eu-central-1': 1, 'eu-west-2': 1 })).toEqual({
      'eu-west-1': 50,
      'eu-central-1': 50,
      'eu-west-2': 0,
    });
    const plan = planFailover(t, ['eu-west-1']);
    expect(plan.weights).toEqual({ 'eu-west-1': 0, 'eu-central-1': 100, 'eu-west-2': 0 });
    // Its capacity absorbs nothing: the zone's demand (200 + 200 at 0.5) against eu-central-1's 200 alone.
    expect(plan.zones.emea).toMatchObject({ remainingCapacity: 200, demand: 200, regionsDown: ['eu-west-1'] });
  });
});

describe('FailoverController: reloads from a listener, signals from JavaScript callers (QA, stop 30)', () => {
  const trip = (ctl: FailoverController, region: string) =>
    ctl.apply({ kind: 'traffic', region, errorRate: 0.5, samples: 100, errorRateExceeded: true, latencyMs: 1, at: 0 });

  it('a controller built inside the circuit-open transition (a table reload) keeps the full breaker time (before: recovering after 0 ms, and a stray timer)', () => {
    const clock = new ManualClock();
    const old = new FailoverController(TABLE, { clock });
    let next: FailoverController | undefined;
    old.onTransition((e) => {
      if (e.to !== 'circuit-open' || next !== undefined) return;
      next = new FailoverController(TABLE, { clock, previous: old });
      old.dispose();
    });
    trip(old, 'ap-east-1');
    expect(next!.snapshot('ap-east-1').status).toBe('circuit-open');
    expect(clock.pendingTimers()).toBe(1); // the new controller's breaker; the disposed one keeps none
    clock.advance(TABLE.failover.actions.circuitBreakerMs - 1);
    expect(next!.snapshot('ap-east-1').status).toBe('circuit-open');
    clock.advance(1);
    expect(next!.snapshot('ap-east-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    expect(clock.pendingTimers()).toBe(1);
  });

  it.each([
    ['an unknown kind', { kind: 'probes', region: 'ap-east-1', seq: 1, outcome: 'failure', latencyMs: 1 }, 'signal.kind: "probes"'],
    ['an unknown outcome', { kind: 'probe', region: 'ap-east-1', seq: 1, outcome: 'maybe', latencyMs: 1 }, 'signal.outcome: "maybe"'],
    ['a NaN seq', { kind: 'probe', region: 'ap-east-1', seq: NaN, outcome: 'failure', latencyMs: 1 }, 'signal.seq: NaN'],
    ['a seq as text', { kind: 'probe', region: 'ap-east-1', seq: '3', outcome: 'failure', latencyMs: 1 }, 'signal.seq: "3"'],
    ['a negative latency', { kind: 'probe', region: 'ap-east-1', seq: 1, outcome: 'success', latencyMs: -5 }, 'signal.latencyMs: -5'],
    ['a traffic signal without its verdict', { kind: 'traffic', region: 'ap-east-1', errorRate: 0.5 }, 'signal.errorRateExceeded'],
  ])('refuses %s, naming the field, before any state changes', (_name, signal, message) => {
    const ctl = new FailoverController(TABLE, { clock: new ManualClock() });
    const before = ctl.snapshot('ap-east-1');
    expect(() => ctl.apply(signal as unknown as HealthSignal)).toThrow(`FailoverController.apply: ${message}`);
    expect(ctl.snapshot('ap-east-1')).toEqual(before);
    // A NaN seq stored once let every later signal through: the next real one is still in order.
    expect(ctl.apply({ kind: 'probe', region: 'ap-east-1', seq: 1, outcome: 'failure', latencyMs: 1, attempts: 1, at: 0 })).toBe(true);
  });

  it('planFailover refuses a region given as a string, not a list (before: "unknown region "a"")', () => {
    expect(() => planFailover(TABLE, 'ap-east-1' as unknown as string[])).toThrow(
      'planFailover: downRegions: "ap-east-1"; allowed: a list of region ids such as ["eu-west-1"]',
    );
  });

  it('splits by capacity however small the capacities are (before: 1e-12 gave every region 0 %)', () => {
    expect(
      proportionalPercent([
        ['a', 1e-12],
        ['b', 3e-12],
      ]),
    ).toEqual({ a: 25, b: 75 });
    expect(
      proportionalPercent([
        ['a', 0],
        ['b', 0],
      ]),
    ).toEqual({ a: 0, b: 0 });
  });
});
