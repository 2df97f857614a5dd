import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../runtime/clock';
import type { TransitionEvent } from '../../runtime/failover';
import type { ProbeFn } from '../../runtime/health';
import type { RoutingTable } from '../../runtime/routing-table';
import { RoutingRuntime } from '../../runtime/routing-runtime';

const fixture = (): RoutingTable => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));

/** The fixture without ca-central-1 and with a new emea region eu-south-1. */
function reshaped(): RoutingTable {
  const t = fixture();
  t.regions = t.regions.filter((r) => r.id !== 'ca-central-1');
  const euw2 = t.regions.find((r) => r.id === 'eu-west-2')!;
  t.regions.push({ ...euw2, id: 'eu-south-1', location: 'Milan' });
  for (const z of t.residencyZones) z.regions = z.regions.filter((r) => r !== 'ca-central-1');
  t.residencyZones.find((z) => z.id === 'emea')!.regions.push('eu-south-1');
  for (const [country, region] of Object.entries(t.countries)) if (region === 'ca-central-1') t.countries[country] = 'us-east-1';
  t.countries.IT = 'eu-south-1';
  for (const s of t.shards) {
    if (s.primary.region === 'ca-central-1') s.primary.region = 'us-west-2';
    s.replicas = s.replicas.filter((r) => r.region !== 'ca-central-1' && r.region !== s.primary.region);
  }
  return t;
}

function runtime(clock: ManualClock, probe: ProbeFn = async () => 200) {
  return new RoutingRuntime(fixture(), { clock, router: { geoLookup: () => undefined }, health: { probe, minSamples: 5 } });
}

describe('RoutingRuntime', () => {
  it('routes with shares from its own controller', () => {
    const clock = new ManualClock();
    const rt = runtime(clock);
    for (let i = 0; i < 5; i++) rt.recordResult('eu-central-1', { ok: false, latencyMs: 5 });
    expect(rt.current.failover.snapshot('eu-central-1').status).toBe('circuit-open');
    const d = rt.decide({ country: 'DE', userId: 'alice' });
    expect(d).toMatchObject({ kind: 'routed', zone: 'emea' });
    expect((d as { region: string }).region).not.toBe('eu-central-1');
    rt.dispose();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('reload swaps table, controller, checks and router together, keeping state of regions that still exist', async () => {
    const clock = new ManualClock();
    let status = 500;
    const calls: string[] = [];
    const probe: ProbeFn = async (url) => {
      calls.push(url);
      return status;
    };
    const rt = runtime(clock, probe);
    const transitions: TransitionEvent[] = [];
    rt.onTransition((e) => transitions.push(e));
    rt.addTarget('eu-west-2', 'http://euw2.internal');
    rt.addTarget('ca-central-1', 'http://cac1.internal');
    rt.start();
    await clock.advanceAsync(0); // first checks
    await clock.advanceAsync(2 * 30_000); // two more
    expect(rt.current.failover.snapshot('eu-west-2').status).toBe('failed');
    for (let i = 0; i < 3; i++) rt.recordResult('eu-west-1', { ok: false, latencyMs: 5 });
    const before = rt.current;

    const result = rt.reload(reshaped());
    expect(result).toMatchObject({ ok: true, added: ['eu-south-1'], removed: ['ca-central-1'] });
    const now = rt.current;
    expect(now).not.toBe(before);
    expect(now.version).toBe(2);
    expect(now.failover.snapshot('eu-west-2')).toMatchObject({ status: 'failed', trafficPercent: 0 });
    expect(now.failover.snapshot('eu-south-1')).toMatchObject({ status: 'healthy', trafficPercent: 100 });
    expect(() => now.failover.snapshot('ca-central-1')).toThrow(/unknown region "ca-central-1"/);
    // The router knows the new region and reads the new controller.
    expect(rt.decide({ country: 'IT' })).toMatchObject({ region: 'eu-south-1', reason: 'geo' });
    expect(rt.decide({ country: 'GB' })).not.toMatchObject({ region: 'eu-west-2' });
    // The live-traffic window carried over: 3 earlier errors + 2 now reach minSamples 5.
    rt.recordResult('eu-west-1', { ok: false, latencyMs: 5 });
    rt.recordResult('eu-west-1', { ok: false, latencyMs: 5 });
    expect(now.failover.snapshot('eu-west-1').status).toBe('circuit-open');
    // Checks continue for the kept target only; transitions still reach the listener.
    calls.length = 0;
    status = 200;
    await clock.advanceAsync(5 * 30_000);
    expect(new Set(calls)).toEqual(new Set(['http://euw2.internal/health']));
    expect(now.failover.snapshot('eu-west-2').status).toBe('recovering');
    expect(transitions.map((e) => `${e.region}:${e.to}`)).toContain('eu-west-2:recovering');
    // The old parts are inert: its controller ignores signals and has no timers.
    expect(
      before.failover.apply({ kind: 'probe', region: 'eu-west-2', seq: 1e9, outcome: 'failure', latencyMs: 1, attempts: 1, at: 0 }),
    ).toBe(false);
    rt.dispose();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('an invalid table, or one its options cannot use, changes nothing and names the problem', () => {
    const clock = new ManualClock();
    const rt = new RoutingRuntime(fixture(), { clock, router: { defaultRegion: 'ca-central-1' } });
    for (let i = 0; i < 20; i++) rt.recordResult('us-east-1', { ok: false, latencyMs: 5 }); // breaker timer pending
    const state = rt.current;
    const bad = fixture();
    bad.countries.FR = 'nowhere-1';
    const r1 = rt.reload(bad);
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.problems.map((p) => p.path)).toEqual(['countries.FR']);
    const r2 = rt.reload(reshaped()); // defaultRegion ca-central-1 no longer exists
    expect(r2).toMatchObject({
      ok: false,
      problems: [{ path: '', message: expect.stringMatching(/defaultRegion: unknown region "ca-central-1"/) }],
    });
    expect(rt.current).toBe(state);
    expect(clock.pendingTimers()).toBe(1); // only the current breaker: the failed build left no timer
    expect(() => new RoutingRuntime(bad)).toThrow(/countries\.FR/);
    rt.dispose();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('RoutingRuntime after dispose()', () => {
  it('start(), addTarget() and reload() throw "the runtime is disposed"; no health check is scheduled again', () => {
    const clock = new ManualClock();
    let probes = 0;
    const rt = runtime(clock, async () => {
      probes++;
      return 200;
    });
    rt.dispose();
    expect(() => rt.start()).toThrow('RoutingRuntime.start: the runtime is disposed');
    expect(() => rt.addTarget('eu-west-1', 'http://127.0.0.1:24001')).toThrow('RoutingRuntime.addTarget: the runtime is disposed');
    expect(() => rt.reload(fixture())).toThrow('RoutingRuntime.reload: the runtime is disposed');
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(60_000);
    expect(probes).toBe(0);
    expect(rt.current.health.targetUrl('eu-west-1')).toBeUndefined();
  });

  it('a target added before dispose() is not checked again by a start() after it', () => {
    const clock = new ManualClock();
    const rt = runtime(clock);
    rt.addTarget('eu-west-1', 'http://127.0.0.1:24001');
    rt.dispose();
    expect(() => rt.start()).toThrow(/disposed/);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('route(), decide() and recordResult() go on answering from the last state (a request in flight at shutdown is not failed)', () => {
    const clock = new ManualClock();
    const rt = runtime(clock);
    rt.dispose();
    expect(rt.decide({ country: 'DE' })).toMatchObject({ kind: 'routed', region: 'eu-central-1' });
    expect(rt.route({ socketAddress: '81.2.69.142' }).kind).toBe('routed');
    expect(() => rt.recordResult('eu-west-1', { ok: true, latencyMs: 1 })).not.toThrow();
    expect(() => rt.stop()).not.toThrow();
    expect(() => rt.dispose()).not.toThrow();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('RoutingRuntime: arguments of the wrong type (JavaScript callers)', () => {
  const clock = new ManualClock();
  const rt = runtime(clock);
  afterAll(() => rt.dispose());

  it.each([
    ['onTransition(5)', () => rt.onTransition(5 as never), 'RoutingRuntime: listener of "transition": 5; allowed: a function'],
    ['onReload("x")', () => rt.onReload('x' as never), 'RoutingRuntime: listener of "reloaded": "x"; allowed: a function'],
    [
      'onInstanceResult(null)',
      () => rt.onInstanceResult(null as never),
      'RoutingRuntime: listener of "instance": null; allowed: a function',
    ],
    [
      'recordResult(region)',
      () => rt.recordResult('eu-west-1', undefined as never),
      'OutlierDetector.recordResult: result: undefined; allowed: an object { ok: boolean, latencyMs: number }',
    ],
    [
      'recordResult ok "yes"',
      () => rt.recordResult('eu-west-1', { ok: 'yes', latencyMs: 1 } as never),
      'OutlierDetector.recordResult: ok must be a boolean, got "yes"',
    ],
    [
      'addTarget(region, 5)',
      () => rt.addTarget('eu-west-1', 5 as never),
      'HealthProber.addTarget: baseUrl of region "eu-west-1": 5; allowed: an http(s) URL or a list of them',
    ],
    ['addTarget(region, [5])', () => rt.addTarget('eu-west-1', [5] as never), 'baseUrl of region "eu-west-1": [5]; allowed'],
  ])('%s: a TypeError naming the argument and its value', (_name, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });
});
