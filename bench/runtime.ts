/**
 * Runtime benchmark: `npx tsx bench/runtime.ts` (npm run bench:runtime).
 *
 * - shard lookup ns/op: our ShardRing (weighted rendezvous) vs hashring 3.2.0 (md5 ketama),
 *   same 16 shards, same keys, same run; median of several rounds after a warm-up.
 * - route decision ns/op: RegionRouter.decide (country known) and RegionRouter.route with the
 *   client address + offline IP lookup, IPv4 and IPv6, from the socket and through a trusted
 *   proxy's X-Forwarded-For; the goal is a full decision (address, country, user id, shard,
 *   replica) <= 0.25x one hashring lookup measured in the same run, for both families.
 *   The same trusted-proxy rows also run on the router the gateway uses (a RoutingRuntime's, whose
 *   health and shares come from its FailoverController; the same region failed by health checks
 *   instead of a health function; no load or latency figures, as in the gateway).
 * - CLI start: wall time of `taishanglaojun route` (compiled, cached bundle) vs `node -e 0`.
 * - key movement when a 17th shard is added, and balance (max/mean) over the keys, for both.
 *
 * Each section (shards, routes) runs in a fresh child process of this script (BENCH_SECTION set),
 * compiled as the gateway runs it (an esbuild bundle through bin/run-entry.js, not a TypeScript
 * loader: a loader's module interop reads every import through a getter, which the deployed
 * gateway never pays), and every ratio's hashring baseline is measured in the same process as its subject: what one
 * section leaves behind (the balance section's million keys, the heap and GC state) otherwise moved
 * the IPv6 route rows between ~0.3x and ~0.5x from one run to the next. Inside the route section the
 * rows run one after the other in one process, as before (one router sees IPv4 and IPv6, socket and
 * proxy traffic, so its code is no more specialised than a gateway's). User ids, IPv4 and IPv6 addresses
 * are copied into flat strings once: a template literal gives a rope (cons string) that V8 keeps
 * reading through an indirection on every hash, where a real request's strings come flat from the
 * HTTP parser.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lookupCountry, packageLookup, preloadGeoDatabase } from '../runtime/geo';
import { RegionRouter } from '../runtime/router';
import { RoutingRuntime } from '../runtime/routing-runtime';
import type { RoutingTable } from '../runtime/routing-table';
import { ShardRing, type ShardLike } from '../runtime/shard-ring';

interface HashRingLike {
  get(key: string): string;
}
const HashRing = require('hashring') as new (servers: string[], algorithm?: string, options?: Record<string, unknown>) => HashRingLike;

/** The repository root: this file's folder's parent from the sources, found upwards from a compiled bundle. */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench', 'runtime.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error(`bench/runtime: no repository root above ${__dirname}`);
  }
})();

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SHARDS = 16;
const LOOKUP_KEYS = 200_000;
const BALANCE_KEYS = Number(process.env.BENCH_BALANCE_KEYS ?? 1_000_000);
const ROUTE_OPS = 200_000;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ns per call of `fn(i)` over `n` calls, ROUNDS rounds, after one warm-up round. */
function measure(n: number, fn: (i: number) => unknown): number {
  let sink = 0;
  const round = (): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (fn(i) === undefined) sink++;
    return Number(process.hrtime.bigint() - start) / n;
  };
  round(); // warm-up (JIT, caches, lazy loads)
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) times.push(round());
  if (sink < 0) console.log(sink);
  return median(times);
}

/** Deterministic pseudo-random public-looking IPv4 addresses (xorshift32). */
function addresses(n: number): string[] {
  let s = 0x2545f491;
  const out: string[] = [];
  while (out.length < n) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const a = (s >>> 24) & 255;
    if (a === 0 || a === 10 || a === 127 || a >= 224) continue;
    out.push(`${a}.${(s >>> 16) & 255}.${(s >>> 8) & 255}.${s & 255}`);
  }
  return out;
}

/**
 * Deterministic pseudo-random IPv6 client addresses inside the blocks the geo database lists
 * (real clients come from allocated space): a random record of geoip-country's IPv6 file, a
 * random address in its upper 64 bits' range, random lower 64 bits.
 */
function addresses6(n: number): string[] {
  const buf = readFileSync(join(dirname(require.resolve('geoip-country/package.json')), 'data', 'geoip-country6.dat'));
  const records = buf.length / 18;
  let s = 0x9e3779b9;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const hex = (v: number) => v.toString(16);
  const out: string[] = [];
  while (out.length < n) {
    const o = (next() % records) * 18;
    const hi = buf.readUInt32BE(o);
    const lo = buf.readUInt32BE(o + 4);
    const endHi = buf.readUInt32BE(o + 8);
    const endLo = buf.readUInt32BE(o + 12);
    const span = endHi === hi ? endLo - lo : 0xffffffff - lo;
    const low = (lo + (span > 0 ? next() % (span + 1) : 0)) >>> 0;
    const w = [hi >>> 16, hi & 0xffff, low >>> 16, low & 0xffff, next() & 0xffff, next() & 0xffff, next() & 0xffff, next() & 0xffff];
    out.push(
      w
        .map(hex)
        .join(':')
        .replace(/(^|:)0(:0)+(:|$)/, '::'),
    );
  }
  return out;
}

/** Median wall-clock ms of `runs` spawns of `args` (after one warm-up spawn). */
function spawnMs(args: string[], runs: number): number {
  const once = () => {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r: (string | number)[]) =>
    r.map((v, c) => (typeof v === 'number' ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const fmt = (x: number, digits = 1) => Number(x.toFixed(digits));

/** A flat copy of a string (see the header: template literals give ropes; requests give flat strings). */
const flat = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

const shardIds = () => Array.from({ length: SHARDS }, (_, i) => `shard-${String(i).padStart(2, '0')}`);
const lookupKeys = () => Array.from({ length: LOOKUP_KEYS }, (_, i) => flat(`user-${i}-${(i * 2654435761) >>> 0}`));

/** One hashring lookup in this process: the faster of the default and the cache-off hashring, distinct keys. */
function hashringBaseline(ids: string[], keys: string[]): { ketamaNs: number; ketamaNoCacheNs: number; hashringNs: number } {
  const ketama = new HashRing(ids);
  const ketamaNoCache = new HashRing(ids, 'md5', { 'max cache size': 1 });
  const ketamaNs = measure(LOOKUP_KEYS, (i) => ketama.get(keys[i]));
  const ketamaNoCacheNs = measure(LOOKUP_KEYS, (i) => ketamaNoCache.get(keys[i]));
  return { ketamaNs, ketamaNoCacheNs, hashringNs: Math.min(ketamaNs, ketamaNoCacheNs) };
}

/** Runs one section of this script in a fresh process and prints what it printed. */
function section(name: 'shards' | 'routes'): void {
  const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-entry.js'), 'bench/runtime'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_SECTION: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`bench section ${name} exited ${res.status}`);
  process.stdout.write(res.stdout);
}

function main(): void {
  // Machine calibration: a plain loop over a 20-char string, so figures can be compared across machines.
  const probe = 'calibration-probe-20';
  const calibrationNs = measure(1_000_000, () => {
    let sum = 0;
    for (let c = 0; c < probe.length; c++) sum += probe.charCodeAt(c);
    return sum;
  });
  console.log(
    `runtime benchmark — node ${process.version}, ${ROUNDS} rounds, medians; calibration loop ${fmt(calibrationNs)} ns (≈10 ns on a current server core); each section in its own process, compiled (bin/run-entry.js)\n`,
  );
  section('shards');
  section('routes');
  cliSection();
}

function shardSection(): void {
  const ids = shardIds();
  const shards: ShardLike[] = ids.map((id) => ({ id, residencyZone: 'emea', weight: 1 }));
  const keys = lookupKeys();

  const ring = new ShardRing(shards);
  const ketama = new HashRing(ids);
  const ketamaNoCache = new HashRing(ids, 'md5', { 'max cache size': 1 });

  const oursNs = measure(LOOKUP_KEYS, (i) => ring.shardFor(keys[i], 'emea'));
  const ketamaNs = measure(LOOKUP_KEYS, (i) => ketama.get(keys[i]));
  const ketamaHotNs = measure(LOOKUP_KEYS, (i) => ketama.get(keys[i & 1023]));
  const oursHotNs = measure(LOOKUP_KEYS, (i) => ring.shardFor(keys[i & 1023], 'emea'));
  const ketamaNoCacheNs = measure(LOOKUP_KEYS, (i) => ketamaNoCache.get(keys[i]));

  // Movement: add a 17th shard.
  const ring17 = new ShardRing([...shards, { id: 'shard-16', residencyZone: 'emea', weight: 1 }]);
  const ketama17 = new HashRing([...ids, 'shard-16']);
  let movedOurs = 0;
  let movedKetama = 0;
  for (const key of keys) {
    if (ring.shardFor(key, 'emea').id !== ring17.shardFor(key, 'emea').id) movedOurs++;
    if (ketama.get(key) !== ketama17.get(key)) movedKetama++;
  }

  // Balance over BALANCE_KEYS keys.
  const countsOurs = new Map<string, number>();
  const countsKetama = new Map<string, number>();
  for (let i = 0; i < BALANCE_KEYS; i++) {
    const key = `balance-${i}`;
    const a = ring.shardFor(key, 'emea').id;
    countsOurs.set(a, (countsOurs.get(a) ?? 0) + 1);
    const b = ketamaNoCache.get(key);
    countsKetama.set(b, (countsKetama.get(b) ?? 0) + 1);
  }
  const balance = (counts: Map<string, number>) => Math.max(...counts.values()) / (BALANCE_KEYS / SHARDS);

  // One baseline for every ratio of this process: the faster of the two hashring rows.
  const hashringNs = Math.min(ketamaNs, ketamaNoCacheNs);
  const ratio = hashringNs / oursNs;
  console.log(
    table([
      ['shard lookup (16 shards)', 'ns/op', 'note'],
      ['ShardRing (rendezvous)', fmt(oursNs), `${LOOKUP_KEYS} distinct keys`],
      ['hashring 3.2.0 (md5 ketama)', fmt(ketamaNs), 'default options (LRU cache, 5000) — misses'],
      ['hashring 3.2.0, cache off', fmt(ketamaNoCacheNs), 'max cache size 1'],
      ['ShardRing, 1024 hot keys', fmt(oursHotNs), 'no cache'],
      ['hashring, 1024 hot keys', fmt(ketamaHotNs), 'LRU cache hits'],
    ]),
  );
  console.log(
    `\nShardRing vs hashring (distinct keys, the faster of the two hashring rows): ${fmt(ratio)}x faster (goal >= 15x: ${ratio >= 15 ? 'met' : 'NOT met'})\n`,
  );
  console.log(
    table([
      ['16 -> 17 shards', 'keys moved', 'ideal 1/17', `balance max/mean (${BALANCE_KEYS} keys)`],
      ['ShardRing', `${fmt((100 * movedOurs) / LOOKUP_KEYS, 2)} %`, `${fmt(100 / 17, 2)} %`, fmt(balance(countsOurs), 4)],
      ['hashring', `${fmt((100 * movedKetama) / LOOKUP_KEYS, 2)} %`, `${fmt(100 / 17, 2)} %`, fmt(balance(countsKetama), 4)],
    ]),
  );
  console.log('');
}

function routeSection(): void {
  const keys = lookupKeys();
  // The baseline first, in this process, on the same keys as the shard section's.
  const { ketamaNs, ketamaNoCacheNs, hashringNs } = hashringBaseline(shardIds(), keys);

  // Route decisions on the fixture table (the same format synth writes).
  const routing = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
  const loads = new Map<string, number>(routing.regions.map((r, i) => [r.id, (i % 5) / 10]));
  const latencies = new Map<string, number>(routing.regions.map((r, i) => [r.id, 20 + i * 7]));
  const down = new Set(['eu-central-1']);
  const router = new RegionRouter(routing, { trustedProxies: ['10.0.0.0/8', 'fd00::/8'], health: (r) => !down.has(r), loads, latencies });
  const countries = Object.keys(routing.countries);
  const ips = addresses(ROUTE_OPS).map(flat);
  const users = keys;
  preloadGeoDatabase();
  const decideNs = measure(ROUTE_OPS, (i) =>
    router.decide({ country: countries[i % countries.length], preferredRegion: i % 4 === 0 ? 'us-east-1' : undefined }),
  );
  const decideUserNs = measure(ROUTE_OPS, (i) => router.decide({ country: countries[i % countries.length], userId: users[i] }));
  const ips6 = addresses6(ROUTE_OPS).map(flat); // built by join/replace: flattened like the IPv4 ones
  const located6 = ips6.filter((ip) => lookupCountry(ip).ok).length;
  const routeIpNs = measure(ROUTE_OPS, (i) => router.route({ socketAddress: ips[i], headers: {} }));
  const routeIpUserNs = measure(ROUTE_OPS, (i) => router.route({ socketAddress: ips[i], headers: {}, userId: users[i] }));
  const routeXffNs = measure(ROUTE_OPS, (i) =>
    router.route({ socketAddress: '10.1.2.3', headers: { 'x-forwarded-for': ips[i] }, userId: users[i] }),
  );
  const route6UserNs = measure(ROUTE_OPS, (i) => router.route({ socketAddress: ips6[i], headers: {}, userId: users[i] }));
  const route6XffNs = measure(ROUTE_OPS, (i) =>
    router.route({ socketAddress: 'fd00::1', headers: { 'x-forwarded-for': ips6[i] }, userId: users[i] }),
  );
  // The gateway's router: a RoutingRuntime's (FailoverController as health and shares), with the
  // same region failed by consecutive failed health checks.
  const runtime = new RoutingRuntime(routing, { router: { trustedProxies: ['10.0.0.0/8', 'fd00::/8'] } });
  const failures = runtime.current.table.failover.failureThresholds.serviceUnavailable;
  for (let seq = 1; seq <= failures; seq++) {
    runtime.current.failover.apply({ kind: 'probe', region: 'eu-central-1', seq, outcome: 'failure', latencyMs: 1, attempts: 1, at: 0 });
  }
  if (runtime.current.failover.isHealthy('eu-central-1')) throw new Error('bench: eu-central-1 should be failed');
  const gatewayRouter = runtime.current.router;
  const gatewayXffNs = measure(ROUTE_OPS, (i) =>
    gatewayRouter.route({ socketAddress: '10.1.2.3', headers: { 'x-forwarded-for': ips[i] }, userId: users[i] }),
  );
  const gateway6XffNs = measure(ROUTE_OPS, (i) =>
    gatewayRouter.route({ socketAddress: 'fd00::1', headers: { 'x-forwarded-for': ips6[i] }, userId: users[i] }),
  );
  runtime.dispose();
  const geoOnlyNs = measure(ROUTE_OPS, (i) => lookupCountry(ips[i]));
  const geo6OnlyNs = measure(ROUTE_OPS, (i) => lookupCountry(ips6[i]));
  const geo6PackageNs = measure(20_000, (i) => packageLookup(ips6[i]));
  const hotIps = ips.slice(0, 1024);
  const routeHotIpNs = measure(ROUTE_OPS, (i) => router.route({ socketAddress: hotIps[i & 1023], headers: {}, userId: users[i] }));

  const share = (ns: number) => `${fmt(ns / hashringNs, 3)}x`;
  console.log(
    table([
      ['route decision', 'ns/op', 'x hashring lookup'],
      ['decide(country, preference)', fmt(decideNs), share(decideNs)],
      ['decide(country, userId) + shard + replica', fmt(decideUserNs), share(decideUserNs)],
      ['route(IPv4 socket -> geo)', fmt(routeIpNs), share(routeIpNs)],
      ['route(IPv4 socket -> geo, userId)', fmt(routeIpUserNs), share(routeIpUserNs)],
      ['route(trusted proxy + XFF IPv4 -> geo, userId)', fmt(routeXffNs), share(routeXffNs)],
      ['route(IPv6 socket -> geo, userId)', fmt(route6UserNs), share(route6UserNs)],
      ['route(trusted proxy + XFF IPv6 -> geo, userId)', fmt(route6XffNs), share(route6XffNs)],
      ['route(1024 repeating IPv4s, userId)', fmt(routeHotIpNs), share(routeHotIpNs)],
      ["  gateway's router: trusted proxy + XFF IPv4", fmt(gatewayXffNs), share(gatewayXffNs)],
      ["  gateway's router: trusted proxy + XFF IPv6", fmt(gateway6XffNs), share(gateway6XffNs)],
      ['  of which: IPv4 geo lookup alone', fmt(geoOnlyNs), share(geoOnlyNs)],
      [`  of which: IPv6 geo lookup alone (${fmt((100 * located6) / ROUTE_OPS, 0)} % located)`, fmt(geo6OnlyNs), share(geo6OnlyNs)],
      ['  geoip-country package, IPv6 (baseline)', fmt(geo6PackageNs), share(geo6PackageNs)],
    ]),
  );
  const worst4 = Math.max(routeIpUserNs, routeXffNs);
  const worst6 = Math.max(route6UserNs, route6XffNs);
  const verdict = (ns: number) => `${fmt(ns)} ns = ${share(ns)} (goal <= 0.25x: ${ns <= 0.25 * hashringNs ? 'met' : 'NOT met'})`;
  console.log(
    `\none hashring lookup, measured in this section's process (faster of default ${fmt(ketamaNs)} ns and cache off ${fmt(ketamaNoCacheNs)} ns): ${fmt(hashringNs)} ns`,
  );
  console.log(`full route decision, IPv4 (worst of socket / trusted proxy): ${verdict(worst4)}`);
  console.log(`full route decision, IPv6 (worst of socket / trusted proxy): ${verdict(worst6)}`);
  console.log('');
}

function cliSection(): void {
  // CLI start: the compiled command (cached bundle) against node's own start, same run.
  const bin = join(ROOT, 'bin', 'taishanglaojun.js');
  const fixture = join(ROOT, 'test', 'fixtures', 'routing-table.json');
  const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 7);
  const nodeStartMs = spawnMs(['-e', '0'], CLI_RUNS);
  const cliRouteMs = spawnMs([bin, 'route', '--table', fixture, '--country', 'DE', '--user', 'alice'], CLI_RUNS);
  const cliRouteIpMs = spawnMs([bin, 'route', '--table', fixture, '--ip', '2a00:1450:4001::1', '--user', 'alice'], CLI_RUNS);
  const cliHelpMs = spawnMs([bin, 'help'], CLI_RUNS);
  console.log(
    table([
      [`CLI start (median of ${CLI_RUNS} spawns)`, 'ms', 'over node -e 0'],
      ['node -e 0 (baseline)', fmt(nodeStartMs), '-'],
      ['taishanglaojun help', fmt(cliHelpMs), `+${fmt(cliHelpMs - nodeStartMs)} ms`],
      ['taishanglaojun route --country DE --user', fmt(cliRouteMs), `+${fmt(cliRouteMs - nodeStartMs)} ms`],
      ['taishanglaojun route --ip <IPv6> --user', fmt(cliRouteIpMs), `+${fmt(cliRouteIpMs - nodeStartMs)} ms`],
    ]),
  );
  const worstCli = Math.max(cliRouteMs, cliRouteIpMs, cliHelpMs);
  console.log(`\nCLI start: worst ${fmt(worstCli)} ms (goal < 500 ms: ${worstCli < 500 ? 'met' : 'NOT met'})`);
}

/** The entry bin/run-entry.js calls for a section; `npm run bench:runtime` runs the whole bench. */
export { runSection as main };

function runSection(): void {
  if (process.env.BENCH_SECTION === 'shards') shardSection();
  else if (process.env.BENCH_SECTION === 'routes') routeSection();
  else main();
}

if (require.main === module) runSection();
