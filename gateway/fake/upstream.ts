/**
 * A fake regional upstream for local runs, fault tests and the load benchmark: one process per
 * region on 127.0.0.1. It answers every request with a small JSON body naming its region, counts
 * what it receives, and takes faults at run time:
 *
 *   POST /__fake/config  {"latencyMs": 300, "status": 503, "healthLatencyMs": 300, "healthStatus": 500}
 *   GET  /__fake/stats   {"region", "requests", "health", "byTag": {...}}
 *   (config values: latencies 0..600000 ms, statuses 100..599; anything else is a 400 naming the field)
 *
 *   node bin/run-entry.js gateway/fake/upstream --region eu-west-1 --port 0 [--health-path /health]
 *
 * Prints one JSON line {"region","port","pid"} on stdout once it listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REGION_ID } from '../../runtime/ids';

export interface FakeUpstreamFaults {
  /** Delay before answering an API request. */
  latencyMs: number;
  /** Status of API answers. */
  status: number;
  /** Delay before answering a health check. */
  healthLatencyMs: number;
  /** Status of health checks. */
  healthStatus: number;
}

const FAULT_RANGES: Readonly<Record<keyof FakeUpstreamFaults, readonly [number, number]>> = {
  latencyMs: [0, 600_000],
  status: [100, 599],
  healthLatencyMs: [0, 600_000],
  healthStatus: [100, 599],
};

/** What is wrong with a POSTed config (an object of known fields, each an integer in its range), or undefined. */
export function configProblem(cfg: unknown): string | undefined {
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) return 'the config must be a JSON object';
  for (const [field, value] of Object.entries(cfg)) {
    const range = (FAULT_RANGES as Record<string, readonly [number, number]>)[field];
    if (range === undefined) return `${field} is not a field; allowed: ${Object.keys(FAULT_RANGES).join(', ')}`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1])
      return `${field} ${JSON.stringify(value)} is not allowed; allowed: an integer from ${range[0]} to ${range[1]}`;
  }
  return undefined;
}

export interface FakeUpstreamStats {
  region: string;
  /** API requests received (health checks and /__fake excluded). */
  requests: number;
  /** Health checks received. */
  health: number;
  /** API requests by the value of the `x-test-tag` header ("" when absent). */
  byTag: Record<string, number>;
}

const NO_FAULTS: FakeUpstreamFaults = { latencyMs: 0, status: 200, healthLatencyMs: 0, healthStatus: 200 };

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function startFakeUpstream(region: string, port: number, healthPath = '/health'): Promise<{ port: number; close(): Promise<void> }> {
  let faults: FakeUpstreamFaults = { ...NO_FAULTS };
  const stats: FakeUpstreamStats = { region, requests: 0, health: 0, byTag: {} };
  const later = (ms: number, fn: () => void) => (ms > 0 ? setTimeout(fn, ms) : fn());
  const body = Buffer.from(JSON.stringify({ region, ok: true }));
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/__fake/config' && req.method === 'POST') {
      readJson(req).then(
        (cfg) => {
          const problem = configProblem(cfg);
          if (problem !== undefined) {
            send(res, 400, { error: 'bad-config', detail: problem });
            return;
          }
          faults = { ...faults, ...(cfg as Partial<FakeUpstreamFaults>) };
          send(res, 200, faults);
        },
        () => send(res, 400, { error: 'config must be JSON' }),
      );
      return;
    }
    if (url === '/__fake/stats') {
      send(res, 200, stats);
      return;
    }
    if (url === healthPath) {
      stats.health++;
      const f = faults;
      later(f.healthLatencyMs, () => send(res, f.healthStatus, { region, status: f.healthStatus < 300 ? 'ok' : 'failing' }));
      return;
    }
    stats.requests++;
    const tag = req.headers['x-test-tag'];
    const key = typeof tag === 'string' ? tag : '';
    stats.byTag[key] = (stats.byTag[key] ?? 0) + 1;
    const f = faults;
    req.resume();
    req.on('end', () =>
      later(f.latencyMs, () => {
        if (f.status === 200) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-upstream-region': region });
          res.end(body);
        } else send(res, f.status, { region, error: 'injected' });
      }),
    );
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      }),
    );
  });
}

/** `fake upstream --region REGION --port N [--health-path /health]`: runs until SIGTERM; exit 2 on bad flags. */
export function main(args: readonly string[]): Promise<number | void> {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const region = flag('--region');
  const port = Number(flag('--port') ?? '0');
  if (region === undefined || !REGION_ID.pattern.test(region) || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      'usage: fake upstream --region REGION --port N [--health-path /health]; REGION a region id such as eu-west-1, N 0..65535\n',
    );
    return Promise.resolve(2);
  }
  process.on('SIGTERM', () => process.exit(0));
  // A fake for local runs: it goes with the process that started it (fake-upstreams killed with
  // SIGKILL left ten orphans holding their ports).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500).unref();
  return startFakeUpstream(region, port, flag('--health-path') ?? '/health').then(
    (s) => {
      process.stdout.write(`${JSON.stringify({ region, port: s.port, pid: process.pid })}\n`);
    },
    (err: Error) => {
      process.stderr.write(`fake upstream ${region}: ${err.message}\n`);
      return 1;
    },
  );
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (typeof code === 'number' ? process.exit(code) : undefined));
