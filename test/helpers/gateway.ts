/** Shared pieces of the gateway tests: a routing table with fast failover timings, HTTP helpers. */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { RoutingTable } from '../../runtime/routing-table';

/** A GB address (eu-west-2, zone emea) and a US one (us-east-1, zone na), from the geo database (checked by the tests that use them). */
export const GB_IP = '81.2.69.142';
export const US_IP = '8.8.8.8';
/** A DE address (eu-central-1, zone emea). */
export const DE_IP = '85.214.132.117';

/**
 * The fixture table with timings for tests: checks every `intervalMs`, thresholds of 2, recovery
 * steps every `stepMs`. Same regions, zones and country map as the fixture.
 */
export function fastTable(options: { intervalMs?: number; stepMs?: number; timeoutMs?: number } = {}): RoutingTable {
  const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
  table.failover = {
    healthCheck: { path: '/health', intervalMs: options.intervalMs ?? 250, timeoutMs: options.timeoutMs ?? 200, retries: 0 },
    failureThresholds: { serviceUnavailable: 2, highLatency: 2, errorRate: 0.5 },
    recoveryThresholds: { consecutiveSuccess: 2, latencyImprovement: 1 },
    actions: { reduceTrafficPercent: 50, circuitBreakerMs: 60_000 },
    recovery: { stepsPercent: [10, 25, 50, 75, 100], stepIntervalMs: options.stepMs ?? 400 },
  };
  for (const r of table.regions) r.latencyThresholdMs = 100;
  return table;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to 127.0.0.1:port with a fresh connection; never rejects for an HTTP status. */
export function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Value of one sample of a Prometheus text exposition, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[pair[1]] = pair[2];
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** {@link fastTable} cut down to `regions`: zones, countries and shards of the other regions removed. */
export function tableOf(regions: readonly string[], options: Parameters<typeof fastTable>[0] = {}): RoutingTable {
  const table = fastTable(options);
  const keep = new Set(regions);
  table.regions = table.regions.filter((r) => keep.has(r.id));
  const zones = new Set(table.regions.map((r) => r.residencyZone));
  table.residencyZones = table.residencyZones
    .filter((z) => zones.has(z.id))
    .map((z) => ({ ...z, regions: z.regions.filter((r) => keep.has(r)), allowedCopyTo: z.allowedCopyTo.filter((a) => zones.has(a)) }));
  table.countries = Object.fromEntries(Object.entries(table.countries).filter(([, r]) => keep.has(r)));
  table.shards = table.shards
    .filter((s) => zones.has(s.residencyZone) && keep.has(s.primary.region))
    .map((s) => ({ ...s, replicas: s.replicas.filter((r) => keep.has(r.region)) }));
  return table;
}
