/**
 * Gateway load benchmark: `npm run bench:gateway` (options as environment variables below).
 *
 * One fake upstream process; in front of it, each in its own process, the gateway (full routing:
 * trusted-proxy client address, IP → country, residency zone, shard, traffic shares, metrics,
 * pino access log to a file, active health checks) and a bare reverse proxy on the same HTTP stack
 * (Node http + undici Pool, no routing, no metrics, no logs). Both are driven in the same run,
 * alternating, with the same requests (a GB client behind a trusted proxy, a user id).
 *
 * 1. Throughput (closed loop, autocannon): `BENCH_CONNECTIONS` connections, each sending as soon as
 *    it has its answer; median req/s per target over `BENCH_ROUNDS` rounds of `BENCH_SECONDS` s.
 *    Goal: gateway >= 0.9x the bare proxy. The bare proxy's median is "the bare max" below.
 * 2. Latency at loads the bare proxy holds (open loop, bench/gateway/paced-load.ts): for each share
 *    in `BENCH_RATE_SHARES` of the bare max, `BENCH_LATENCY_ROUNDS` rounds of
 *    `BENCH_LATENCY_SECONDS` s per target, alternating bare/gateway. Request i is sent at
 *    start + i/rate whatever the earlier ones did, and its latency runs from that scheduled time to
 *    the end of the response body. Per rate: p50/p99 of each (median over rounds), the added
 *    p50/p99 (median of the per-round differences), each proxy process's CPU time per request
 *    (/proc/PID/stat), and whether the bare proxy holds that rate (its p99 at most 2x its p99 at the
 *    lowest share, and >= 0.97x the rate achieved). Goal: added p99 <= 1 ms at a load the bare
 *    proxy holds; the verdict names every held rate, met or NOT met.
 *    Why not autocannon here: its rate limit (`overallRate`) is a per-connection quota per second,
 *    sent back to back at the start of each second: a burst at saturation, then silence. Its p99
 *    measured the queue of that burst, not latency at a held load; and a closed-loop client does
 *    not send while it waits, so a slow answer hides the requests that would have queued behind it
 *    (coordinated omission). The paced client sends on schedule and counts its own lateness.
 * 3. Memory: the gateway's RSS every second during a paced run at `BENCH_MEMORY_SHARE` of the bare
 *    max for `BENCH_MEMORY_SECONDS` (60 for the issue's memory-flat run): first, last, max, the
 *    least-squares slope over the second half (MB/min), and the slope of the floor (lowest sample
 *    per 5 s), which a garbage collection does not move and a leak does.
 *
 * CPU pinning (phases 2 and 3; `BENCH_PIN=0` turns it off): both proxies on the last CPU, this
 * process (the client) and the upstream on the others (`taskset -a -pc`), so the client and the
 * upstream do not take the proxy's CPU in the middle of a request and the proxies' latency is their
 * own. Throughput (phase 1) runs unpinned, as before. Without taskset, or with a single CPU,
 * pinning is skipped and said so on stderr.
 *
 * Figures depend on the machine; the two targets share it in the same run, so the differences and
 * ratios are what to read. Nothing here leaves 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { spawnFakeUpstream, spawnNode, type NodeProcess } from '../gateway/fake/processes';
import type { RoutingTable } from '../runtime/routing-table';
import { pacedLoad, type PacedLoadResult } from './gateway/paced-load';

// autocannon ships no types.
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Options of this benchmark: name → [default, what is allowed, parser (undefined: not allowed)]. */
type Parse<T> = (v: string) => T | undefined;
const positive: Parse<number> = (v) => (v.trim() !== '' && Number(v) > 0 && Number.isFinite(Number(v)) ? Number(v) : undefined);
const count: Parse<number> = (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 ? Number(v) : undefined);
const share: Parse<number> = (v) => {
  const n = positive(v);
  return n !== undefined && n <= 1 ? n : undefined;
};
const OPTIONS = {
  BENCH_SECONDS: { fallback: '5', allowed: 'a number > 0 (seconds)', parse: positive },
  BENCH_ROUNDS: { fallback: '3', allowed: 'an integer >= 1', parse: count },
  BENCH_CONNECTIONS: { fallback: '32', allowed: 'an integer >= 1', parse: count },
  BENCH_RATE_SHARES: {
    fallback: '0.1,0.2,0.3,0.5',
    allowed: 'comma-separated shares of the bare max, each > 0 and <= 1, such as "0.1,0.2,0.3,0.5"',
    parse: (v: string) => {
      const shares = v.split(',').map((x) => share(x));
      return shares.length > 0 && shares.every((x) => x !== undefined) ? [...new Set(shares)].sort((a, b) => a - b) : undefined;
    },
  },
  BENCH_LATENCY_ROUNDS: { fallback: '5', allowed: 'an integer >= 1', parse: count },
  BENCH_LATENCY_SECONDS: { fallback: '3', allowed: 'a number > 0 (seconds)', parse: positive },
  BENCH_MEMORY_SHARE: { fallback: '0.25', allowed: 'a share of the bare max, > 0 and <= 1', parse: share },
  BENCH_MEMORY_SECONDS: { fallback: '10', allowed: 'a number > 0 (seconds); 60 for the memory-flat run', parse: positive },
  BENCH_PIN: {
    fallback: '1',
    allowed: '1 (pin the proxies and the client to separate CPUs) or 0',
    parse: (v: string) => (v === '0' || v === '1' ? v === '1' : undefined),
  },
} as const;
/** Read by the other benchmarks (`npm run bench:*`); ignored here. */
const OTHER_BENCHES = new Set(['BENCH_SCALE', 'BENCH_CLI_RUNS', 'BENCH_HEALTH_CALLS', 'BENCH_BALANCE_KEYS']);

type Options = { [K in keyof typeof OPTIONS]: Exclude<ReturnType<(typeof OPTIONS)[K]['parse']>, undefined> };

/** Every BENCH_* variable checked; the first bad one ends the run with a message naming it. */
function readOptions(env: NodeJS.ProcessEnv): Options {
  const fail = (message: string): never => {
    process.stderr.write(`bench:gateway: ${message}\n`);
    process.exit(2);
  };
  for (const name of Object.keys(env)) {
    if (!name.startsWith('BENCH_') || name in OPTIONS || OTHER_BENCHES.has(name)) continue;
    if (name === 'BENCH_RATE_SHARE')
      fail(
        `BENCH_RATE_SHARE=${JSON.stringify(env[name])} is no longer read; allowed: BENCH_RATE_SHARES (${OPTIONS.BENCH_RATE_SHARES.allowed})`,
      );
    fail(`${name}=${JSON.stringify(env[name])} is not an option of this benchmark; allowed: ${Object.keys(OPTIONS).join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const raw = env[name] ?? spec.fallback;
    const value = (spec.parse as Parse<unknown>)(raw);
    if (value === undefined) fail(`${name}=${JSON.stringify(raw)} is not allowed; allowed: ${spec.allowed}`);
    out[name] = value;
  }
  return out as Options;
}

const opt = readOptions(process.env);
const HEADERS = { 'x-forwarded-for': '81.2.69.142', 'x-user-id': 'bench-user-42' };
const TARGETS = ['bare', 'gateway'] as const;
type Target = (typeof TARGETS)[number];
/** Alternating order: bare first in even rounds, the gateway first in odd ones. */
const order = (round: number): readonly Target[] => (round % 2 === 0 ? TARGETS : ['gateway', 'bare']);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function throughput(port: number, seconds: number): Promise<{ rps: number; failures: number }> {
  const result = (await autocannon({
    url: `http://127.0.0.1:${port}/v1/bench`,
    connections: opt.BENCH_CONNECTIONS,
    duration: seconds,
    headers: HEADERS,
  })) as { requests: { average: number }; errors: number; non2xx: number };
  return { rps: result.requests.average, failures: result.errors + result.non2xx };
}

/** Clock ticks per second of /proc/PID/stat's utime and stime. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, every thread) a process has used, in µs, from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
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

/** CPUs this process may run on (/proc/self/status), e.g. [0, 1]. */
function allowedCpus(): number[] {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    if (!Number.isInteger(lo)) continue;
    for (let c = lo; c <= (Number.isInteger(hi) ? hi : lo); c++) cpus.push(c);
  }
  return cpus;
}

/**
 * Pins the proxies to the last allowed CPU and the client and the upstream to the others, every
 * thread (`taskset -a -pc`). Returns a description, or undefined when pinning was skipped (said on
 * stderr).
 */
function pin(proxies: readonly number[], others: readonly number[]): string | undefined {
  const cpus = allowedCpus();
  if (cpus.length < 2) {
    process.stderr.write(
      `bench:gateway: *** CPU PINNING SKIPPED: ${cpus.length} CPU allowed (${cpus.join(',')}); the proxies share a CPU with the client and the upstream ***\n`,
    );
    return undefined;
  }
  const proxyCpu = String(cpus[cpus.length - 1]);
  const rest = cpus.slice(0, -1).join(',');
  try {
    for (const pid of proxies) execFileSync('taskset', ['-a', '-pc', proxyCpu, String(pid)], { stdio: 'ignore' });
    for (const pid of others) execFileSync('taskset', ['-a', '-pc', rest, String(pid)], { stdio: 'ignore' });
  } catch (err) {
    const why = (err as { code?: string }).code === 'ENOENT' ? 'taskset not found (util-linux)' : (err as Error).message.split('\n')[0];
    process.stderr.write(`bench:gateway: *** CPU PINNING SKIPPED: ${why}; the proxies share CPUs with the client and the upstream ***\n`);
    return undefined;
  }
  return `proxies on CPU ${proxyCpu}, client and upstream on CPU ${rest}`;
}

interface LatencyRun {
  run: PacedLoadResult;
  /** The proxy process's CPU time per response, µs. */
  cpuPerRequest: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const started: NodeProcess[] = [];
  const pools: Pool[] = [];
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
    const ports: Record<Target, number> = { bare: bare.ready.port as number, gateway: gateway.ready.port as number };
    const pids: Record<Target, number> = { bare: bare.proc.pid!, gateway: gateway.proc.pid! };
    const url = (t: Target) => `http://127.0.0.1:${ports[t]}/v1/bench`;

    process.stdout.write(
      `gateway benchmark: throughput ${opt.BENCH_ROUNDS} rounds x ${opt.BENCH_SECONDS} s, ${opt.BENCH_CONNECTIONS} connections; ` +
        `latency at shares ${opt.BENCH_RATE_SHARES.join(', ')} of the bare max, ${opt.BENCH_LATENCY_ROUNDS} rounds x ${opt.BENCH_LATENCY_SECONDS} s; ` +
        `memory ${opt.BENCH_MEMORY_SECONDS} s at ${opt.BENCH_MEMORY_SHARE}; upstream ${origin}\n`,
    );
    // Warm-up (JIT, pools, geo database).
    for (const t of TARGETS) await throughput(ports[t], 1);

    // 1. Throughput (closed loop), alternating.
    const rps: Record<Target, number[]> = { bare: [], gateway: [] };
    let failures = 0;
    for (let round = 0; round < opt.BENCH_ROUNDS; round++) {
      for (const t of order(round)) {
        const r = await throughput(ports[t], opt.BENCH_SECONDS);
        rps[t].push(r.rps);
        failures += r.failures;
      }
    }
    const bareMax = median(rps.bare);
    const gatewayRps = median(rps.gateway);
    const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
    process.stdout.write(
      `\nthroughput (closed loop, median of ${opt.BENCH_ROUNDS}): bare ${f(bareMax, 0)} req/s, gateway ${f(gatewayRps, 0)} req/s, ` +
        `ratio ${f(gatewayRps / bareMax)}x (goal >= 0.9x: ${gatewayRps / bareMax >= 0.9 ? 'met' : 'NOT met'})   ` +
        `rounds: bare ${rps.bare.map((x) => x.toFixed(0)).join(', ')}; gateway ${rps.gateway.map((x) => x.toFixed(0)).join(', ')}\n`,
    );

    // 2. Latency at fixed rates (open loop), pinned.
    const pinned = opt.BENCH_PIN ? pin([pids.bare, pids.gateway], [process.pid, upstream.proc.pid!]) : undefined;
    if (!opt.BENCH_PIN) process.stderr.write('bench:gateway: CPU pinning off (BENCH_PIN=0)\n');
    process.stdout.write(`CPU pinning for latency and memory: ${pinned ?? 'none'}\n`);
    // One pool per target for the whole run: connections stay open between rounds.
    const pool: Record<Target, Pool> = {
      bare: new Pool(`http://127.0.0.1:${ports.bare}`, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 }),
      gateway: new Pool(`http://127.0.0.1:${ports.gateway}`, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 }),
    };
    pools.push(pool.bare, pool.gateway);
    const paced = async (t: Target, rate: number, seconds: number): Promise<LatencyRun> => {
      const before = cpuMicros(pids[t]);
      const run = await pacedLoad({ url: url(t), rate, durationSeconds: seconds, headers: HEADERS, pool: pool[t] });
      failures += run.errors + run.non2xx;
      return { run, cpuPerRequest: (cpuMicros(pids[t]) - before) / Math.max(1, run.count) };
    };
    for (const t of TARGETS) await paced(t, opt.BENCH_RATE_SHARES[0] * bareMax, 1); // connections and pinning settle

    const rows: Array<{
      share: number;
      rate: number;
      runs: Record<Target, LatencyRun[]>;
      addedP50: number;
      addedP99: number;
    }> = [];
    for (const s of opt.BENCH_RATE_SHARES) {
      const rate = s * bareMax;
      const runs: Record<Target, LatencyRun[]> = { bare: [], gateway: [] };
      for (let round = 0; round < opt.BENCH_LATENCY_ROUNDS; round++)
        for (const t of order(round)) runs[t].push(await paced(t, rate, opt.BENCH_LATENCY_SECONDS));
      const added = (key: 'p50' | 'p99') => median(runs.gateway.map((g, i) => g.run[key] - runs.bare[i].run[key]));
      rows.push({ share: s, rate, runs, addedP50: added('p50'), addedP99: added('p99') });
    }
    const m = (runs: LatencyRun[], pick: (r: LatencyRun) => number) => median(runs.map(pick));
    const bareP99AtLowest = m(rows[0].runs.bare, (r) => r.run.p99);
    const held = rows.map(
      (row) => m(row.runs.bare, (r) => r.run.p99) <= 2 * bareP99AtLowest && m(row.runs.bare, (r) => r.run.achievedRate) >= 0.97 * row.rate,
    );

    const signed = (x: number) => `${x >= 0 ? '+' : ''}${f(x)}`;
    const tableLines = [
      '',
      `latency (open loop, ms from the scheduled send to the end of the body; median of ${opt.BENCH_LATENCY_ROUNDS} rounds x ${opt.BENCH_LATENCY_SECONDS} s; added = median of per-round gateway - bare)`,
      'share  rate req/s  bare p50  bare p99  gw p50   gw p99   added p50  added p99  CPU µs/req bare  gw     achieved bare/gw  client lag p99/max ms  bare holds',
      ...rows.map((row, i) => {
        const b = row.runs.bare;
        const g = row.runs.gateway;
        const all = [...b, ...g];
        const lag = Math.max(...all.map((r) => r.run.maxLagMs));
        const lagP99 = median(all.map((r) => r.run.lagP99Ms));
        return [
          f(row.share, 2).padEnd(5),
          f(row.rate, 0).padStart(11),
          f(m(b, (r) => r.run.p50)).padStart(9),
          f(m(b, (r) => r.run.p99)).padStart(9),
          f(m(g, (r) => r.run.p50)).padStart(8),
          f(m(g, (r) => r.run.p99)).padStart(8),
          signed(row.addedP50).padStart(10),
          signed(row.addedP99).padStart(10),
          f(
            m(b, (r) => r.cpuPerRequest),
            1,
          ).padStart(15),
          f(
            m(g, (r) => r.cpuPerRequest),
            1,
          ).padStart(6),
          `${f(m(b, (r) => r.run.achievedRate) / row.rate, 3)}/${f(m(g, (r) => r.run.achievedRate) / row.rate, 3)}`.padStart(18),
          `${f(lagP99, 1)}/${f(lag, 1)}`.padStart(21),
          held[i] ? '  yes' : '  NO',
        ].join(' ');
      }),
      '(achieved = responses/s over the rate asked; bare holds = its p99 <= 2x its p99 at the lowest share and achieved >= 0.97;',
      " client lag = how late the client itself sent, median of the rounds' p99 / worst of all; it is part of both targets' latency)",
    ];
    const worstLag = Math.max(...rows.flatMap((row) => [...row.runs.bare, ...row.runs.gateway].map((r) => r.run.maxLagMs)));
    if (worstLag > 10)
      tableLines.push(
        `WARNING: the client itself ran up to ${f(worstLag, 1)} ms late (a busy machine: its CPU was taken from it); p99 differences of a few ms are within that noise`,
      );
    process.stdout.write(`${tableLines.join('\n')}\n`);

    const verdicts = rows.map((row, i) => {
      const at = `${f(row.share, 2)} (${f(row.rate, 0)} req/s)`;
      if (!held[i]) return `${at}: not judged, the bare proxy does not hold it`;
      return `${at}: added p99 ${signed(row.addedP99)} ms → ${row.addedP99 <= 1 ? 'met' : 'NOT met'}`;
    });
    const metShares = rows.filter((row, i) => held[i] && row.addedP99 <= 1);
    const notMetHeld = rows.filter((row, i) => held[i] && row.addedP99 > 1);
    const highest = metShares.length > 0 ? metShares[metShares.length - 1] : undefined;
    process.stdout.write(
      `\nverdict, goal "added p99 <= +1 ms at a load the bare proxy holds":\n${verdicts.map((v) => `  ${v}`).join('\n')}\n` +
        `  highest share where it is met: ${highest ? `${f(highest.share, 2)} (${f(highest.rate, 0)} req/s)` : 'none'}` +
        `${notMetHeld.length > 0 ? `; NOT met at ${notMetHeld.map((r) => f(r.share, 2)).join(', ')}, loads the bare proxy holds` : ''}\n`,
    );

    // 3. Memory of the gateway under a paced load.
    const memoryRate = opt.BENCH_MEMORY_SHARE * bareMax;
    const samples: Array<[number, number]> = [];
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push([(Date.now() - t0) / 1000, rssMb(pids.gateway)]), 1000);
    samples.push([0, rssMb(pids.gateway)]);
    const memRun = await paced('gateway', memoryRate, opt.BENCH_MEMORY_SECONDS);
    clearInterval(sampler);
    samples.push([(Date.now() - t0) / 1000, rssMb(pids.gateway)]);
    const secondHalf = samples.filter(([t]) => t >= opt.BENCH_MEMORY_SECONDS / 2);
    // RSS rises and falls with each garbage collection; a leak shows as a rising floor. The floor:
    // the lowest sample of each 5-second window, and its slope over the whole run.
    const floors: Array<[number, number]> = [];
    for (let start = 0; start < opt.BENCH_MEMORY_SECONDS; start += 5) {
      const window = samples.filter(([t]) => t >= start && t < start + 5);
      if (window.length > 0) floors.push(window.reduce((lo, p) => (p[1] < lo[1] ? p : lo)));
    }
    process.stdout.write(
      [
        `gateway RSS over ${opt.BENCH_MEMORY_SECONDS} s at ${f(memoryRate, 0)} req/s (${opt.BENCH_MEMORY_SHARE} x bare max, paced; p99 ${f(memRun.run.p99)} ms): ` +
          `first ${f(samples[0][1], 1)} MB, last ${f(samples[samples.length - 1][1], 1)} MB, max ${f(Math.max(...samples.map(([, y]) => y)), 1)} MB, ` +
          `slope over the second half ${f(slopePerMinute(secondHalf), 2)} MB/min (GC sawtooth included); ` +
          `floor (lowest per 5 s) ${floors[0]?.[1].toFixed(1)} → ${floors[floors.length - 1]?.[1].toFixed(1)} MB, its slope ${f(slopePerMinute(floors), 2)} MB/min`,
        `errors and non-2xx answers over the whole run: ${failures}`,
      ].join('\n') + '\n',
    );
    if (failures > 0) process.exitCode = 1;
  } catch (err) {
    for (const p of started)
      if (p.proc.exitCode !== null)
        process.stderr.write(`a benchmark process exited early (${p.proc.exitCode}):\n${p.output().slice(-2000)}\n`);
    throw err;
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    await Promise.all(started.map((p) => p.stop('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:gateway: ${err.message}\n`);
  process.exit(1);
});
