/**
 * Health benchmark: `npm run bench:health` (node --import tsx bench/health.ts).
 *
 * ns per `recordResult` (passive outlier detection) at simulated request rates of 10, 1,000 and
 * 100,000 req/s per region: a ManualClock moves 1000/rate ms between calls, so the 60 s window holds
 * what it would hold at that rate (600, 60,000 and 6,000,000 results). Measured on a window already
 * at its steady state. Three figures per rate, same run:
 * - `OutlierDetector.recordResult` alone (fixed time buckets);
 * - `HealthChecker.recordResult` with a `FailoverController` attached (what a gateway runs);
 * - baseline: the sliding window the runtime used before (every result of the window kept in an
 *   array, pruned with `filter` and counted on every call), pre-filled to its steady state. Not run
 *   at 100,000 req/s: 6 M kept results would need ~0.3 GB and ~30 ms per call.
 * Median of several rounds after a warm-up; heap growth over the measured calls is printed too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../runtime/clock';
import { FailoverController } from '../runtime/failover';
import { HealthChecker, OutlierDetector } from '../runtime/health';
import type { RoutingTable } from '../runtime/routing-table';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_HEALTH_CALLS ?? 200_000);
const BASELINE_CALLS = 200;
const WINDOW_MS = 60_000;
const RATES = [10, 1_000, 100_000];
const REGION = 'eu-west-1';

const table: RoutingTable = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'routing-table.json'), 'utf8'));

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ns per call over `n` calls per round; `step` runs before each call (not timed separately: it only moves the clock). */
function measure(n: number, call: (i: number) => void): number {
  const round = (): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) call(i);
    return Number(process.hrtime.bigint() - start) / n;
  };
  round();
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) times.push(round());
  return median(times);
}

/** 1 % errors: below the 5 % threshold, so nothing trips and every call does the same work. */
const okAt = (i: number) => i % 100 !== 0;

function ours(rate: number): { detector: number; withController: number; heapKb: number } {
  const dt = 1000 / rate;
  const clock = new ManualClock();
  const detector = new OutlierDetector(table, { clock });
  // Fill the window to its steady state first.
  for (let t = 0; t < WINDOW_MS; t += Math.max(dt, WINDOW_MS / 10_000)) {
    clock.advance(Math.max(dt, WINDOW_MS / 10_000));
    detector.recordResult(REGION, { ok: true, latencyMs: 20 });
  }
  const detectorNs = measure(CALLS, (i) => {
    clock.advance(dt);
    detector.recordResult(REGION, { ok: okAt(i), latencyMs: 20 });
  });
  const clock2 = new ManualClock();
  const checker = new HealthChecker(table, { clock: clock2 });
  const controller = new FailoverController(table, { clock: clock2 });
  controller.attach(checker);
  const withControllerNs = measure(CALLS, (i) => {
    clock2.advance(dt);
    checker.recordResult(REGION, { ok: okAt(i), latencyMs: 20 });
  });
  if (typeof global.gc === 'function') global.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < CALLS; i++) {
    clock2.advance(dt);
    checker.recordResult(REGION, { ok: okAt(i), latencyMs: 20 });
  }
  if (typeof global.gc === 'function') global.gc();
  const heapKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  controller.dispose();
  return { detector: detectorNs, withController: withControllerNs, heapKb };
}

/** The previous algorithm, for the baseline: an array of every result of the window. */
function baseline(rate: number): number | undefined {
  const dt = 1000 / rate;
  const size = Math.round(WINDOW_MS / dt);
  if (size > 100_000) return undefined;
  let now = WINDOW_MS;
  let window: Array<{ at: number; ok: boolean }> = Array.from({ length: size }, (_, i) => ({
    at: now - WINDOW_MS + (i + 1) * dt,
    ok: true,
  }));
  let sink = 0;
  const ns = measure(BASELINE_CALLS, (i) => {
    now += dt;
    window = window.filter((s) => now - s.at < WINDOW_MS);
    window.push({ at: now, ok: okAt(i) });
    const errors = window.reduce((n, s) => n + (s.ok ? 0 : 1), 0);
    sink += errors / window.length;
  });
  if (sink < 0) console.log(sink);
  return ns;
}

function fmt(ns: number | undefined): string {
  if (ns === undefined) return 'not run'.padStart(12);
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs`.padStart(12) : `${ns.toFixed(0)} ns`.padStart(12);
}

console.log(
  `recordResult, ns per call (median of ${ROUNDS} rounds of ${CALLS} calls; baseline ${BASELINE_CALLS} calls), window ${WINDOW_MS / 1000} s`,
);
console.log(
  `${'req/s'.padStart(8)} ${'detector'.padStart(12)} ${'+controller'.padStart(12)} ${'baseline'.padStart(12)} ${'heap Δ'.padStart(10)}`,
);
const rows: Array<{ rate: number; detector: number }> = [];
for (const rate of RATES) {
  const r = ours(rate);
  const b = baseline(rate);
  rows.push({ rate, detector: r.detector });
  console.log(
    `${String(rate).padStart(8)} ${fmt(r.detector)} ${fmt(r.withController)} ${fmt(b)} ${`${r.heapKb.toFixed(0)} KB`.padStart(10)}`,
  );
}
const spread = Math.max(...rows.map((r) => r.detector)) / Math.min(...rows.map((r) => r.detector));
console.log(`detector max/min across rates: ${spread.toFixed(2)}x (flat = independent of the request rate)`);
