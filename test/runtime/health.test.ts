import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../runtime/clock';
import { FailoverController } from '../../runtime/failover';
import { BucketedErrorWindow, HealthChecker, HealthProber, OutlierDetector, type HealthSignal, type ProbeFn } from '../../runtime/health';
import { type RoutingTable, routingTableSchema } from '../../runtime/routing-table';
import { RoutingRuntime } from '../../runtime/routing-runtime';

function makeTable(
  overrides: { timeoutMs?: number; retries?: number; intervalMs?: number; latencyThresholdMs?: number } = {},
): RoutingTable {
  return routingTableSchema.parse({
    schemaVersion: 1,
    regions: ['eu-west-1', 'eu-central-1'].map((id, i) => ({
      id,
      location: id,
      continent: 'EMEA',
      residencyZone: 'emea',
      primary: i === 0,
      services: ['compute'],
      capacity: 100,
      latencyThresholdMs: overrides.latencyThresholdMs ?? 200,
    })),
    residencyZones: [{ id: 'emea', regions: ['eu-west-1', 'eu-central-1'], allowedCopyTo: ['emea'] }],
    countries: { DE: 'eu-central-1' },
    shards: [{ id: 'emea-0', residencyZone: 'emea', weight: 1, primary: { region: 'eu-west-1', endpoint: null }, replicas: [] }],
    routing: { maxLoadFactor: 0.8, loadWeight: 100 },
    failover: {
      healthCheck: {
        path: '/health',
        intervalMs: overrides.intervalMs ?? 30_000,
        timeoutMs: overrides.timeoutMs ?? 10_000,
        retries: overrides.retries ?? 3,
      },
      failureThresholds: { serviceUnavailable: 3, highLatency: 5, errorRate: 0.05 },
      recoveryThresholds: { consecutiveSuccess: 5, latencyImprovement: 0.8 },
      actions: { reduceTrafficPercent: 50, circuitBreakerMs: 300_000 },
      recovery: { stepsPercent: [10, 25, 50, 75, 100], stepIntervalMs: 120_000 },
    },
  });
}

/** A probe answering from a script: each call takes `latencyMs` on the manual clock. */
function scriptedProbe(clock: ManualClock, script: Array<{ status?: number; latencyMs: number; hang?: boolean }>) {
  const calls: string[] = [];
  const probe: ProbeFn = (url, signal) => {
    calls.push(url);
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    return new Promise<number>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      if (step.hang) return;
      clock.setTimeout(() => (step.status === undefined ? reject(new Error('ECONNREFUSED')) : resolve(step.status)), step.latencyMs);
    });
  };
  return { probe, calls };
}

describe('HealthChecker active checks (injected probe, manual clock)', () => {
  it('classifies success and slow by the region latency threshold, probing <base><path>', async () => {
    const clock = new ManualClock();
    const { probe, calls } = scriptedProbe(clock, [
      { status: 200, latencyMs: 50 },
      { status: 204, latencyMs: 350 },
    ]);
    const hc = new HealthChecker(makeTable(), { clock, probe });
    hc.addTarget('eu-west-1', 'http://gw.example:8080/api/');
    const first = hc.checkNow('eu-west-1');
    await clock.advanceAsync(50);
    expect(await first).toMatchObject({ outcome: 'success', latencyMs: 50, status: 200, attempts: 1, seq: 1 });
    const second = hc.checkNow('eu-west-1');
    await clock.advanceAsync(350);
    expect(await second).toMatchObject({ outcome: 'slow', latencyMs: 350, status: 204, seq: 2 });
    expect(calls[0]).toBe('http://gw.example:8080/api/health');
  });

  it('retries up to `retries` times; a later success wins; non-2xx and errors count as failures', async () => {
    const clock = new ManualClock();
    const { probe, calls } = scriptedProbe(clock, [{ status: 500, latencyMs: 10 }, { latencyMs: 10 }, { status: 200, latencyMs: 10 }]);
    const hc = new HealthChecker(makeTable(), { clock, probe });
    hc.addTarget('eu-west-1', 'http://gw.example');
    const p = hc.checkNow('eu-west-1');
    await clock.advanceAsync(100);
    expect(await p).toMatchObject({ outcome: 'success', attempts: 3 });
    expect(calls).toHaveLength(3);

    const { probe: always500 } = scriptedProbe(clock, [{ status: 503, latencyMs: 5 }]);
    const hc2 = new HealthChecker(makeTable(), { clock, probe: always500 });
    hc2.addTarget('eu-west-1', 'http://gw.example');
    const q = hc2.checkNow('eu-west-1');
    await clock.advanceAsync(100);
    expect(await q).toMatchObject({ outcome: 'failure', attempts: 4, status: 503 });
  });

  it('times each attempt out after timeoutMs, aborting the probe, even a probe that ignores its signal', async () => {
    const clock = new ManualClock();
    let aborted = 0;
    const hanging: ProbeFn = (_url, signal) => {
      signal.addEventListener('abort', () => aborted++);
      return new Promise<number>(() => undefined); // ignores the signal entirely
    };
    const hc = new HealthChecker(makeTable({ retries: 1 }), { clock, probe: hanging });
    hc.addTarget('eu-west-1', 'http://gw.example');
    let done: HealthSignal | undefined;
    void hc.checkNow('eu-west-1').then((s) => (done = s));
    await clock.advanceAsync(19_999);
    expect(done).toBeUndefined();
    await clock.advanceAsync(1);
    expect(done).toMatchObject({ outcome: 'failure', attempts: 2, error: 'timed out after 10000 ms', latencyMs: 10_000 });
    expect(aborted).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('start() probes at once, then intervalMs after each check completes, never overlapping; stop() ends it', async () => {
    const clock = new ManualClock();
    const { probe, calls } = scriptedProbe(clock, [{ status: 200, latencyMs: 1_000 }]);
    const hc = new HealthChecker(makeTable(), { clock, probe });
    const signals: HealthSignal[] = [];
    hc.onSignal((s) => signals.push(s));
    hc.addTarget('eu-west-1', 'http://a.example');
    hc.addTarget('eu-central-1', 'http://b.example');
    hc.start();
    await clock.advanceAsync(0);
    expect(calls).toHaveLength(2);
    await clock.advanceAsync(1_000 + 30_000 - 1);
    expect(calls).toHaveLength(2);
    await clock.advanceAsync(1);
    expect(calls).toHaveLength(4);
    await clock.advanceAsync(1_000);
    expect(signals.map((s) => s.region).sort()).toEqual(['eu-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-1']);
    hc.stop();
    await clock.advanceAsync(10 * 60_000);
    expect(calls).toHaveLength(4);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects bad targets and unknown regions with the value and what is allowed', () => {
    const hc = new HealthChecker(makeTable(), { clock: new ManualClock(), probe: async () => 200 });
    expect(() => hc.addTarget('eu-west-9', 'http://x')).toThrow(/unknown region "eu-west-9"; allowed: eu-west-1, eu-central-1/);
    expect(() => hc.addTarget('eu-west-1', 'not a url')).toThrow(/baseUrl "not a url" for region "eu-west-1" is not an absolute URL/);
    expect(() => hc.addTarget('eu-west-1', 'ftp://x')).toThrow(/protocol "ftp:"; allowed: http:, https:/);
    hc.addTarget('eu-west-1', 'http://x');
    expect(() => hc.addTarget('eu-west-1', 'http://y')).toThrow(/already has a target \(http:\/\/x\/health\)/);
    expect(() => new HealthChecker(makeTable(), { windowMs: 600_000 })).toThrow(
      /windowMs must be > 0 and <= failover.actions.circuitBreakerMs \(300000\).*got 600000/,
    );
  });
  it('a table whose circuit half-opens within a minute gets an error window as long as its breaker (no table the validators accept is refused)', () => {
    const table = makeTable();
    const quick = { ...table, failover: { ...table.failover, actions: { ...table.failover.actions, circuitBreakerMs: 10_000 } } };
    expect(new HealthChecker(quick, { clock: new ManualClock() }).outliers.windowMs).toBe(10_000);
    expect(new HealthChecker(table, { clock: new ManualClock() }).outliers.windowMs).toBe(60_000);
    expect(() => new RoutingRuntime(quick).dispose()).not.toThrow();
  });
});

describe('HealthChecker passive outlier detection', () => {
  it('flags the error rate only with enough samples in the sliding window', async () => {
    const clock = new ManualClock();
    const hc = new HealthChecker(makeTable(), { clock, probe: async () => 200, windowMs: 60_000, minSamples: 20 });
    for (let i = 0; i < 10; i++) expect(hc.recordResult('eu-west-1', { ok: false, latencyMs: 5 }).errorRateExceeded).toBe(false); // 100 % but 10 samples
    clock.advance(61_000); // the failures leave the window
    expect(hc.errorRate('eu-west-1')).toEqual({ errorRate: 0, samples: 0 });
    for (let i = 0; i < 19; i++) hc.recordResult('eu-west-1', { ok: true, latencyMs: 5 });
    const one = hc.recordResult('eu-west-1', { ok: false, latencyMs: 5 }); // 1/20 = 5 %: not over 5 %
    expect(one).toMatchObject({ errorRate: 0.05, samples: 20, errorRateExceeded: false });
    const two = hc.recordResult('eu-west-1', { ok: false, latencyMs: 5 }); // 2/21
    expect(two.errorRateExceeded).toBe(true);
    expect(hc.errorRate('eu-central-1').samples).toBe(0);
    expect(() => hc.recordResult('eu-west-1', { ok: true, latencyMs: -1 })).toThrow(/latencyMs must be a finite number >= 0, got -1/);
  });

  it('feeds a FailoverController: high live error rate opens the circuit', () => {
    const clock = new ManualClock();
    const table = makeTable();
    const hc = new HealthChecker(table, { clock, probe: async () => 200, minSamples: 10 });
    const ctl = new FailoverController(table, { clock });
    ctl.attach(hc);
    for (let i = 0; i < 9; i++) hc.recordResult('eu-central-1', { ok: false, latencyMs: 5 });
    expect(ctl.snapshot('eu-central-1').status).toBe('healthy');
    hc.recordResult('eu-central-1', { ok: false, latencyMs: 5 });
    expect(ctl.snapshot('eu-central-1').status).toBe('circuit-open');
    expect(ctl.weights()).toEqual({ 'eu-west-1': 100, 'eu-central-1': 0 });
  });

  it('out-of-order probe completions: the check that started first but finished last is ignored', async () => {
    const clock = new ManualClock();
    const table = makeTable({ retries: 0, latencyThresholdMs: 10_000 });
    // 1st call: slow success (5 s); calls 2-4: fast connection failures.
    const { probe } = scriptedProbe(clock, [{ status: 200, latencyMs: 5_000 }, { latencyMs: 1 }]);
    const hc = new HealthChecker(table, { clock, probe });
    const ctl = new FailoverController(table, { clock });
    ctl.attach(hc);
    hc.addTarget('eu-west-1', 'http://a.example');
    const late = hc.checkNow('eu-west-1');
    const fails = [hc.checkNow('eu-west-1'), hc.checkNow('eu-west-1'), hc.checkNow('eu-west-1')];
    await clock.advanceAsync(10);
    await Promise.all(fails);
    expect(ctl.snapshot('eu-west-1').status).toBe('failed');
    await clock.advanceAsync(5_000);
    expect(await late).toMatchObject({ outcome: 'success', seq: 1 });
    expect(ctl.snapshot('eu-west-1')).toMatchObject({ status: 'failed', consecutiveSuccess: 0 });
  });
});

describe('health checks interleaved with live traffic (ordering model)', () => {
  /** Runs one active check of `region` while `liveResults` live results are recorded during its flight. */
  async function checkDuringTraffic(clock: ManualClock, hc: HealthChecker, region: string, liveResults: number, flightMs: number) {
    const check = hc.checkNow(region);
    for (let i = 0; i < liveResults; i++) hc.recordResult(region, { ok: true, latencyMs: 30 });
    await clock.advanceAsync(flightMs);
    return check;
  }

  it('failed checks fail the region although requests are recorded during every check', async () => {
    const clock = new ManualClock();
    const table = makeTable({ retries: 0 });
    const { probe } = scriptedProbe(clock, [{ status: 503, latencyMs: 100 }]);
    const hc = new HealthChecker(table, { clock, probe });
    const ctl = new FailoverController(table, { clock });
    ctl.attach(hc);
    hc.addTarget('eu-west-1', 'http://a.example');
    const statuses: string[] = [];
    for (let i = 0; i < 10; i++) {
      await checkDuringTraffic(clock, hc, 'eu-west-1', 25, 100);
      statuses.push(ctl.snapshot('eu-west-1').status);
    }
    expect(statuses.slice(0, 3)).toEqual(['healthy', 'healthy', 'failed']);
    expect(statuses.every((x, i) => i < 2 || x === 'failed')).toBe(true);
    expect(ctl.snapshot('eu-west-1').consecutiveFailures).toBe(10);
  });

  it('a recovering region whose checks fail under traffic relapses instead of ramping to 100 %', async () => {
    const clock = new ManualClock();
    const table = makeTable({ retries: 0 });
    let status = 503;
    const probe: ProbeFn = () => new Promise((resolve) => clock.setTimeout(() => resolve(status), 100));
    const hc = new HealthChecker(table, { clock, probe });
    const ctl = new FailoverController(table, { clock });
    ctl.attach(hc);
    hc.addTarget('eu-central-1', 'http://b.example');
    for (let i = 0; i < 3; i++) await checkDuringTraffic(clock, hc, 'eu-central-1', 10, 100);
    expect(ctl.snapshot('eu-central-1').status).toBe('failed');
    status = 200;
    for (let i = 0; i < 5; i++) await checkDuringTraffic(clock, hc, 'eu-central-1', 10, 100);
    expect(ctl.snapshot('eu-central-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    status = 500;
    await checkDuringTraffic(clock, hc, 'eu-central-1', 10, 100);
    expect(ctl.snapshot('eu-central-1')).toMatchObject({ status: 'failed', trafficPercent: 0 });
    await clock.advanceAsync(10 * 60_000);
    expect(ctl.snapshot('eu-central-1').trafficPercent).toBe(0);
  });

  it('a new HealthChecker attached to an existing controller counts from its first check', async () => {
    const clock = new ManualClock();
    const table = makeTable({ retries: 0 });
    const { probe } = scriptedProbe(clock, [{ status: 200, latencyMs: 10 }]);
    const ctl = new FailoverController(table, { clock });
    const old = new HealthChecker(table, { clock, probe });
    const detach = ctl.attach(old);
    old.addTarget('eu-west-1', 'http://a.example');
    for (let i = 0; i < 20; i++) await checkDuringTraffic(clock, old, 'eu-west-1', 0, 10);
    detach();
    const { probe: failing } = scriptedProbe(clock, [{ status: 500, latencyMs: 10 }]);
    const fresh = new HealthChecker(table, { clock, probe: failing });
    ctl.attach(fresh);
    fresh.addTarget('eu-west-1', 'http://a.example');
    for (let i = 0; i < 3; i++) await checkDuringTraffic(clock, fresh, 'eu-west-1', 0, 10);
    expect(ctl.snapshot('eu-west-1').status).toBe('failed');
  });
});

describe('durations use the monotonic clock', () => {
  it('a wall-clock step back during a check does not shorten its latency', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const probe: ProbeFn = () =>
      new Promise((resolve) =>
        clock.setTimeout(() => {
          clock.stepWallClock(-3_600_000); // NTP steps the wall clock back an hour mid-check
          resolve(200);
        }, 9_000),
      );
    const hc = new HealthChecker(makeTable({ retries: 0 }), { clock, probe });
    hc.addTarget('eu-west-1', 'http://a.example');
    const check = hc.checkNow('eu-west-1');
    await clock.advanceAsync(9_000);
    expect(await check).toMatchObject({ outcome: 'slow', latencyMs: 9_000 });
  });

  it('old errors leave the window after a wall-clock step back', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const hc = new HealthChecker(makeTable(), { clock, minSamples: 1 });
    for (let i = 0; i < 10; i++) hc.recordResult('eu-west-1', { ok: false, latencyMs: 5 });
    clock.stepWallClock(-3_600_000);
    clock.advance(61_000);
    expect(hc.errorRate('eu-west-1')).toEqual({ errorRate: 0, samples: 0 });
  });

  it('classifies a check at exactly the latency threshold as success, one ms above as slow (boundary)', async () => {
    const clock = new ManualClock();
    const { probe } = scriptedProbe(clock, [
      { status: 200, latencyMs: 200 },
      { status: 200, latencyMs: 201 },
    ]);
    const prober = new HealthProber(makeTable({ retries: 0, latencyThresholdMs: 200 }), { clock, probe });
    prober.addTarget('eu-west-1', 'http://a.example');
    const at = prober.checkNow('eu-west-1');
    await clock.advanceAsync(200);
    expect(await at).toMatchObject({ outcome: 'success', latencyMs: 200 });
    const above = prober.checkNow('eu-west-1');
    await clock.advanceAsync(201);
    expect(await above).toMatchObject({ outcome: 'slow', latencyMs: 201 });
  });

  it('rejects table durations above 2^31 - 1 ms instead of letting Node fire them after 1 ms', () => {
    const table = makeTable();
    table.failover.healthCheck.intervalMs = 3_000_000_000;
    expect(() => new HealthChecker(table)).toThrow(
      /failover.healthCheck.intervalMs = 3000000000; allowed: a number of milliseconds in \(0, 2147483647\]/,
    );
  });
});

describe('OutlierDetector window', () => {
  it('keeps counts in fixed buckets: the window covers windowMs - bucketMs .. windowMs of history', () => {
    const w = new BucketedErrorWindow(1_000, 60);
    w.add(500, false); // bucket 0
    w.add(59_999, true); // bucket 59
    expect(w.rate(59_999)).toEqual({ errorRate: 0.5, samples: 2 });
    expect(w.rate(60_000)).toEqual({ errorRate: 0, samples: 1 }); // bucket 0 left
    expect(w.rate(118_999)).toEqual({ errorRate: 0, samples: 1 }); // 59,000 ms later: still in
    expect(w.rate(119_000)).toEqual({ errorRate: 0, samples: 0 }); // its bucket left
    // A gap far longer than the window clears everything in one step.
    w.add(1e12, false);
    expect(w.rate(1e12)).toEqual({ errorRate: 1, samples: 1 });
  });

  it('counts 100,000 results in one second exactly, and forgets them a window later', () => {
    const clock = new ManualClock();
    const od = new OutlierDetector(makeTable(), { clock });
    for (let i = 0; i < 100_000; i++) od.recordResult('eu-west-1', { ok: i % 10 !== 0, latencyMs: 1 });
    expect(od.errorRate('eu-west-1')).toEqual({ errorRate: 0.1, samples: 100_000 });
    clock.advance(60_000);
    expect(od.errorRate('eu-west-1').samples).toBe(0);
    expect(() => new OutlierDetector(makeTable(), { buckets: 0 })).toThrow(/buckets must be an integer in 1..10000, got 0/);
  });
});

describe('listener errors (one policy for every emitter)', () => {
  it('a throwing listener neither stops the other listeners nor the caller, and is reported', async () => {
    const clock = new ManualClock();
    const reported: string[] = [];
    const table = makeTable({ retries: 0 });
    const hc = new HealthChecker(table, {
      clock,
      probe: async () => 200,
      onListenerError: (err, event, emitter) => reported.push(`${emitter}/${event}: ${(err as Error).message}`),
    });
    const seen: HealthSignal[] = [];
    hc.onSignal(() => {
      throw new Error('metrics down');
    });
    hc.onSignal((s) => seen.push(s));
    expect(hc.recordResult('eu-west-1', { ok: true, latencyMs: 1 }).kind).toBe('traffic');
    hc.addTarget('eu-west-1', 'http://a.example');
    await expect(hc.checkNow('eu-west-1')).resolves.toMatchObject({ outcome: 'success' });
    expect(seen.map((s) => s.kind)).toEqual(['traffic', 'probe']);
    expect(reported).toEqual(['OutlierDetector/signal: metrics down', 'HealthProber/signal: metrics down']);
  });
});

describe('HealthChecker against a real HTTP server on 127.0.0.1', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok/health') res.writeHead(200).end('ok');
      else if (req.url === '/err/health') res.writeHead(500).end('boom');
      else if (req.url === '/hang/health')
        return; // never answers
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('200 -> success, 500 -> failure after retries, hanging handler -> timeout', async () => {
    const hc = new HealthChecker(makeTable({ timeoutMs: 300, retries: 1, latencyThresholdMs: 2_000 }));
    hc.addTarget('eu-west-1', `${base}/ok`);
    hc.addTarget('eu-central-1', `${base}/err`);
    expect(await hc.checkNow('eu-west-1')).toMatchObject({ outcome: 'success', status: 200, attempts: 1 });
    expect(await hc.checkNow('eu-central-1')).toMatchObject({ outcome: 'failure', status: 500, attempts: 2 });
    hc.removeTarget('eu-central-1');
    hc.addTarget('eu-central-1', `${base}/hang`);
    const started = Date.now();
    const hung = await hc.checkNow('eu-central-1');
    expect(hung).toMatchObject({ outcome: 'failure', attempts: 2, error: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('a region that comes back is judged on its traffic from then on', () => {
  it('errors from before it failed do not reopen its circuit at the first request of its recovery', () => {
    const clock = new ManualClock();
    const table = makeTable();
    const hc = new HealthChecker(table, { clock });
    const ctl = new FailoverController(table, { clock });
    const off = ctl.attach(hc);
    let seq = 0;
    const probe = (outcome: 'success' | 'failure', times: number) => {
      for (let i = 0; i < times; i++)
        ctl.apply({ kind: 'probe', region: 'eu-west-1', seq: ++seq, outcome, latencyMs: 20, attempts: 1, at: clock.now() });
    };
    // Live traffic while the region dies: 95 answered, 5 failed (5 %: at the threshold, not over it).
    for (let i = 0; i < 95; i++) hc.recordResult('eu-west-1', { ok: true, latencyMs: 20 });
    for (let i = 0; i < 5; i++) hc.recordResult('eu-west-1', { ok: false, latencyMs: 20 });
    probe('failure', 3);
    expect(ctl.snapshot('eu-west-1').status).toBe('failed');
    // It comes back 10 s later (well inside the 60 s error window) and passes its checks.
    clock.advance(10_000);
    probe('success', 5);
    expect(ctl.snapshot('eu-west-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    // Its first request fails: 1 of 1 since it came back. The old window would read 6/101 (5.9 %) and
    // reopen the circuit; with too few samples since the episode began, nothing happens.
    hc.recordResult('eu-west-1', { ok: false, latencyMs: 20 });
    expect(ctl.snapshot('eu-west-1')).toMatchObject({ status: 'recovering', trafficPercent: 10 });
    expect(hc.outliers.errorRate('eu-west-1')).toEqual({ errorRate: 1, samples: 1 });
    // Errors of the recovery itself still open the circuit.
    for (let i = 0; i < 30; i++) hc.recordResult('eu-west-1', { ok: i % 5 !== 0, latencyMs: 20 });
    expect(ctl.snapshot('eu-west-1').status).toBe('circuit-open');
    // A region that never failed keeps its window (degraded is live traffic, nothing to forget).
    for (let i = 0; i < 40; i++) hc.recordResult('eu-central-1', { ok: true, latencyMs: 20 });
    expect(hc.outliers.errorRate('eu-central-1').samples).toBe(40);
    off();
    ctl.dispose();
  });
});

describe('a region with several instances', () => {
  it('is as healthy as its best instance; each instance result is reported', async () => {
    const clock = new ManualClock();
    const alive = new Set(['http://b:1/health']);
    const probe: ProbeFn = (url) => (alive.has(url) ? Promise.resolve(200) : Promise.reject(new Error('ECONNREFUSED')));
    const prober = new HealthProber(makeTable({ retries: 0 }), { clock, probe });
    const instances: string[] = [];
    prober.onInstanceResult((r) => instances.push(`${r.baseUrl} ${r.outcome}`));
    prober.addTarget('eu-west-1', ['http://a:1', 'http://b:1']);
    expect(prober.targetUrls('eu-west-1')).toEqual(['http://a:1/health', 'http://b:1/health']);
    expect(await prober.checkNow('eu-west-1')).toMatchObject({ outcome: 'success', status: 200 });
    expect(instances.sort()).toEqual(['http://a:1 failure', 'http://b:1 success']);
    alive.clear();
    expect(await prober.checkNow('eu-west-1')).toMatchObject({ outcome: 'failure', error: 'ECONNREFUSED' });
    expect(() => prober.addTarget('eu-central-1', [])).toThrow('region "eu-central-1" was given no base URL');
  });

  it('a hung instance does not hold up its region: the first success answers, and the hung one is not checked again until it ends', async () => {
    const clock = new ManualClock();
    const probes: string[] = [];
    const probe: ProbeFn = (url, signal) => {
      probes.push(url);
      return new Promise<number>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
        if (url.startsWith('http://hung')) return; // never answers
        clock.setTimeout(() => resolve(200), 20);
      });
    };
    const prober = new HealthProber(makeTable({ retries: 3, timeoutMs: 10_000 }), { clock, probe });
    const instances: string[] = [];
    prober.onInstanceResult((r) => instances.push(`${r.baseUrl} ${r.outcome}`));
    prober.addTarget('eu-west-1', ['http://hung:1', 'http://ok:1']);
    const first = prober.checkNow('eu-west-1');
    await clock.advanceAsync(20);
    await expect(first).resolves.toMatchObject({ outcome: 'success', latencyMs: 20 });
    expect(instances).toEqual(['http://ok:1 success']); // the hung one is still being checked
    // The next region check does not probe the hung instance again.
    const second = prober.checkNow('eu-west-1');
    await clock.advanceAsync(20);
    await expect(second).resolves.toMatchObject({ outcome: 'success' });
    expect(probes.filter((u) => u.startsWith('http://hung'))).toHaveLength(1);
  });
});

describe('HealthProber / HealthChecker inputs (QA, stop 30)', () => {
  it('refuses a table that is not one, naming the class (before: "Cannot read properties of undefined (reading \'failover\')")', () => {
    expect(() => new HealthChecker({} as RoutingTable)).toThrow(/routing table given to HealthProber is not valid/);
    expect(() => new FailoverController(undefined as unknown as RoutingTable)).toThrow(
      /routing table given to FailoverController is not valid/,
    );
  });
  it('refuses a probe that is not a function (before: every check failed with "this.probe is not a function")', () => {
    expect(() => new HealthProber(makeTable(), { probe: 42 as unknown as ProbeFn })).toThrow(
      'HealthProber: options.probe: 42; allowed: a function (url, signal) => Promise<HTTP status code>',
    );
  });
  it('refuses a base URL with a user name or password, without echoing the password (fetch refuses such URLs: every check failed)', () => {
    const hc = new HealthChecker(makeTable(), { clock: new ManualClock(), probe: async () => 200 });
    let message = '';
    try {
      hc.addTarget('eu-west-1', 'http://admin:s3cret@127.0.0.1:8080');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/baseUrl for region "eu-west-1" holds a user name or password .*; a health check sends no credentials/);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('admin');
    // One that cannot be parsed is shown without them too.
    expect(() => hc.addTarget('eu-west-1', 'http://user:s3cret@exa mple.com')).toThrow(
      'HealthProber.addTarget: baseUrl "http://<credentials>@exa mple.com" for region "eu-west-1" is not an absolute URL',
    );
  });
  it('counts a probe answer that is no HTTP status ("200", 200.5) as a failed attempt, not a success', async () => {
    for (const answer of ['200', 200.5]) {
      const hc = new HealthChecker(makeTable({ retries: 0 }), { clock: new ManualClock(), probe: async () => answer as unknown as number });
      hc.addTarget('eu-west-1', 'http://127.0.0.1:1');
      const signal = await hc.checkNow('eu-west-1');
      expect(signal).toMatchObject({ outcome: 'failure' });
      expect(signal.kind === 'probe' && signal.error).toMatch(/the probe answered .*, not an HTTP status code/);
    }
  });
});
