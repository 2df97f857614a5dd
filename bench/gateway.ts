/**
 * Gateway load benchmark: `npm run bench:gateway` (options as environment variables below).
 *
 * One fake upstream process; in front of it, each in its own process, the gateway (full routing:
 * trusted-proxy client address, IP → country, residency zone, shard, traffic shares, metrics,
 * pino access log to a file, active health checks) and a bare reverse proxy on the same HTTP stack
 * (Node http + undici Pool, no routing, no metrics, no logs). autocannon drives both in the same
 * run, alternating rounds, with the same requests (a GB client behind a trusted proxy, a user id).
 *
 * 1. Throughput: `BENCH_CONNECTIONS` connections as fast as each answers; median req/s per target
 *    over `BENCH_ROUNDS` rounds of `BENCH_SECONDS` s. Goal: gateway >= 0.9x the bare proxy.
 * 2. Latency at a load the bare proxy holds: a fixed rate of `BENCH_RATE_SHARE` (default 0.5) of
 *    the bare proxy's measured throughput, on both; p50/p99 from every response time autocannon
 *    reports (sub-millisecond, not its 1 ms histogram). Goal: added p99 <= 1 ms.
 *    The CPU time each proxy process used per request in those runs (/proc) is printed too.
 * 3. Memory: the gateway's RSS every second during a fixed-rate run of `BENCH_MEMORY_SECONDS`
 *    (default 10; 60 for the memory-flat run): first, last, max, the least-squares slope
 *    over the second half (MB/min), and the slope of the floor (lowest sample per 5 s), which a
 *    garbage collection does not move and a leak does.
 *
 * Figures depend on the machine; the two targets share it in the same run, so the ratios are what
 * to read. Nothing here leaves 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnFakeUpstream, spawnNode, type NodeProcess } from '../gateway/fake/processes';
import type { RoutingTable } from '../runtime/routing-table';

// autocannon ships no types.
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<Record<string, unknown>> & {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n > 0)) {
    process.stderr.write(`bench:gateway: ${name}=${JSON.stringify(v)} is not allowed; allowed: a number > 0\n`);
    process.exit(2);
  }
  return n;
};
const SECONDS = num('BENCH_SECONDS', 5);
const ROUNDS = num('BENCH_ROUNDS', 3);
const CONNECTIONS = num('BENCH_CONNECTIONS', 32);
const RATE_SHARE = num('BENCH_RATE_SHARE', 0.5);
const MEMORY_SECONDS = num('BENCH_MEMORY_SECONDS', 10);
const HEADERS = { 'x-forwarded-for': '81.2.69.142', 'x-user-id': 'bench-user-42' };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

interface Run {
  rps: number;
  /** Responses received. */
  total: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(port: number, seconds: number, rate?: number): Promise<Run> {
  const times: number[] = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${port}/v1/bench`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: HEADERS,
    ...(rate === undefined ? {} : { overallRate: Math.max(1, Math.round(rate)) }),
  });
  instance.on('response', (_c, _s, _b, ms) => times.push(ms));
  const result = (await instance) as { requests: { average: number; total: number }; errors: number; non2xx: number };
  const sorted = Float64Array.from(times).sort();
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return (num / den) * 60;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const started: NodeProcess[] = [];
  try {
    const upstream = await spawnFakeUpstream('eu-west-2');
    started.push(upstream);
    const origin = `http://127.0.0.1:${upstream.port}`;
    const table = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
    const tableFile = join(dir, 'routing-table.json');
    writeFileSync(tableFile, JSON.stringify(table));
    const upstreamsFile = join(dir, 'upstreams.json');
    writeFileSync(upstreamsFile, JSON.stringify(Object.fromEntries(table.regions.map((r) => [r.id, origin]))));
    // Both targets run compiled JavaScript (as the deployed gateway does), not through a TypeScript loader.
    const gateway = await spawnNode(
      'bin/taishanglaojun',
      ['gateway', '--table', tableFile, '--port', '0', '--trusted-proxy', '127.0.0.1', '--upstreams', upstreamsFile],
      {
        isReady: (l) => l.event === 'listening',
        timeoutMs: 60_000,
        // Access logs to a file, as a container runtime's log driver takes them: read from a pipe by
        // this process, they would cost the load generator CPU during the gateway's rounds only.
        stdoutFile: join(dir, 'gateway-access.log'),
      },
    );
    started.push(gateway);
    const bare = await spawnNode('bench/gateway/bare-proxy', ['--upstream', origin, '--port', '0'], {
      isReady: (l) => l.event === 'listening',
      timeoutMs: 60_000,
    });
    started.push(bare);
    const targets = { bare: bare.ready.port as number, gateway: gateway.ready.port as number };

    process.stdout.write(`gateway benchmark: ${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, upstream ${origin}\n`);
    // Warm-up (JIT, pools, geo database).
    await load(targets.bare, 1);
    await load(targets.gateway, 1);

    // 1. Throughput, alternating.
    const rps: Record<'bare' | 'gateway', number[]> = { bare: [], gateway: [] };
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 === 0 ? (['bare', 'gateway'] as const) : (['gateway', 'bare'] as const)) {
        const r = await load(targets[name], SECONDS);
        rps[name].push(r.rps);
        failures += r.errors + r.non2xx;
      }
    }
    const bareRps = median(rps.bare);
    const gatewayRps = median(rps.gateway);

    // 2. Latency at a fixed rate the bare proxy holds.
    const rate = bareRps * RATE_SHARE;
    const fixed: Record<'bare' | 'gateway', Run[]> = { bare: [], gateway: [] };
    // The proxy process's own CPU per request at that rate: less sensitive than throughput to what
    // else runs on the machine (the client and the upstream share it).
    const cpuPerRequest: Record<'bare' | 'gateway', number[]> = { bare: [], gateway: [] };
    const pids = { bare: bare.proc.pid!, gateway: gateway.proc.pid! };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 === 0 ? (['bare', 'gateway'] as const) : (['gateway', 'bare'] as const)) {
        const before = cpuMicros(pids[name]);
        const r = await load(targets[name], SECONDS, rate);
        cpuPerRequest[name].push((cpuMicros(pids[name]) - before) / Math.max(1, r.total));
        fixed[name].push(r);
        failures += r.errors + r.non2xx;
      }
    }
    const p = (name: 'bare' | 'gateway', key: 'p50' | 'p99') => median(fixed[name].map((r) => r[key]));

    // 3. Memory of the gateway under the fixed rate.
    const samples: Array<[number, number]> = [];
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push([(Date.now() - t0) / 1000, rssMb(gateway.proc.pid!)]), 1000);
    samples.push([0, rssMb(gateway.proc.pid!)]);
    const memRun = await load(targets.gateway, MEMORY_SECONDS, rate);
    clearInterval(sampler);
    samples.push([(Date.now() - t0) / 1000, rssMb(gateway.proc.pid!)]);
    failures += memRun.errors + memRun.non2xx;
    const secondHalf = samples.filter(([t]) => t >= MEMORY_SECONDS / 2);
    // RSS rises and falls with each garbage collection; a leak shows as a rising floor. The floor:
    // the lowest sample of each 5-second window, and its slope over the whole run.
    const floors: Array<[number, number]> = [];
    for (let start = 0; start < MEMORY_SECONDS; start += 5) {
      const window = samples.filter(([t]) => t >= start && t < start + 5);
      if (window.length > 0) floors.push(window.reduce((lo, p) => (p[1] < lo[1] ? p : lo)));
    }

    const f = (x: number) => x.toFixed(3);
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${f(x)}`;
    const lines = [
      '',
      'target    req/s (median)   p50 ms @ fixed rate   p99 ms @ fixed rate',
      `bare      ${bareRps.toFixed(0).padStart(14)}   ${f(p('bare', 'p50')).padStart(19)}   ${f(p('bare', 'p99')).padStart(19)}`,
      `gateway   ${gatewayRps.toFixed(0).padStart(14)}   ${f(p('gateway', 'p50')).padStart(19)}   ${f(p('gateway', 'p99')).padStart(19)}`,
      '',
      `throughput ratio gateway/bare: ${(gatewayRps / bareRps).toFixed(3)}x (goal >= 0.9x)   rounds: bare ${rps.bare.map((x) => x.toFixed(0)).join(', ')}; gateway ${rps.gateway.map((x) => x.toFixed(0)).join(', ')}`,
      `added latency at ${rate.toFixed(0)} req/s (${RATE_SHARE} x bare max): p50 ${signed(p('gateway', 'p50') - p('bare', 'p50'))} ms, p99 ${signed(p('gateway', 'p99') - p('bare', 'p99'))} ms (goal p99 <= +1 ms)`,
      `proxy process CPU per request at that rate: bare ${median(cpuPerRequest.bare).toFixed(1)} µs, gateway ${median(cpuPerRequest.gateway).toFixed(1)} µs (${(median(cpuPerRequest.gateway) / median(cpuPerRequest.bare)).toFixed(2)}x; the client and the upstream use the rest of the machine)`,
      `gateway RSS over ${MEMORY_SECONDS} s at that rate: first ${samples[0][1].toFixed(1)} MB, last ${samples[samples.length - 1][1].toFixed(1)} MB, max ${Math.max(...samples.map(([, y]) => y)).toFixed(1)} MB, slope over the second half ${slopePerMinute(secondHalf).toFixed(2)} MB/min (GC sawtooth included); floor (lowest per 5 s) ${floors[0]?.[1].toFixed(1)} → ${floors[floors.length - 1]?.[1].toFixed(1)} MB, its slope ${slopePerMinute(floors).toFixed(2)} MB/min`,
      `errors and non-2xx answers over the whole run: ${failures}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (failures > 0) process.exitCode = 1;
  } catch (err) {
    for (const p of started)
      if (p.proc.exitCode !== null)
        process.stderr.write(`a benchmark process exited early (${p.proc.exitCode}):\n${p.output().slice(-2000)}\n`);
    throw err;
  } finally {
    await Promise.all(started.map((p) => p.stop('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:gateway: ${err.message}\n`);
  process.exit(1);
});
