/**
 * The gateway in this process against in-process upstreams: routing, refusals, retries, bad
 * input, reload, metrics, access logs, shutdown. (Real processes and faults: faults.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Gateway, type GatewayProps } from '../../gateway/gateway';
import { startFakeUpstream } from '../../gateway/fake/upstream';
import { servingRegionIds, type RoutingTable, type RoutingTableProblem } from '../../runtime/routing-table';
import { MemoryRegistry } from '../../runtime/registry/memory';
import { GB_IP, US_IP, call, eventually, fastTable, sample } from '../helpers/gateway';
import { ORIGIN_AUTH_HEADER } from '../../runtime/origin-auth';

interface Upstream {
  region: string;
  port: number;
  url: string;
  seen: IncomingHttpHeaders[];
  status: number;
  delayMs: number;
  server: Server;
}

/** An upstream that records the headers it receives and answers `status` after `delayMs`. */
function echoUpstream(region: string): Promise<Upstream> {
  const u = { region, seen: [] as IncomingHttpHeaders[], status: 200, delayMs: 0 } as Upstream;
  u.server = createServer((req, res) => {
    if (req.url === '/health') {
      res.end('ok');
      return;
    }
    u.seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(u.status, { 'content-type': 'application/json', connection: 'keep-alive' });
        res.end(JSON.stringify({ region, status: u.status }));
      }, u.delayMs);
      timers.add(timer);
    });
  });
  return new Promise((resolve) =>
    u.server.listen(0, '127.0.0.1', () => {
      u.port = (u.server.address() as AddressInfo).port;
      u.url = `http://127.0.0.1:${u.port}`;
      resolve(u);
    }),
  );
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const upstreams: Record<string, Upstream> = {};
const timers = new Set<NodeJS.Timeout>();
const gateways: Gateway[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  for (const region of ['eu-west-1', 'eu-central-1', 'eu-west-2', 'us-east-1']) upstreams[region] = await echoUpstream(region);
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.shutdown()));
  for (const u of Object.values(upstreams)) {
    u.seen = [];
    u.status = 200;
    u.delayMs = 0;
  }
});

afterAll(async () => {
  for (const t of timers) clearTimeout(t);
  for (const u of Object.values(upstreams)) {
    u.server.closeAllConnections();
    await new Promise<void>((r) => u.server.close(() => r()));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function startGateway(
  props: Partial<GatewayProps> & { only?: readonly string[]; table?: RoutingTable } = {},
): Promise<{ gw: Gateway; port: number; logs: Array<Record<string, unknown>> }> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ base: undefined }, { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) });
  const only = props.only ?? Object.keys(upstreams);
  const gw = new Gateway({
    table: props.table ?? fastTable(),
    resolveUpstreams: () => Object.fromEntries(only.map((r) => [r, upstreams[r].url])),
    trustedProxies: ['127.0.0.1'],
    activeHealthChecks: false,
    processMetrics: false,
    logger,
    ...props,
  });
  gateways.push(gw);
  const { port } = await gw.listen(0);
  return { gw, port, logs };
}

const fromGB = { 'x-forwarded-for': GB_IP };

/**
 * Writes `text` on a raw socket and resolves with what comes back (until close or `waitMs`);
 * `halfClose` ends the sending side after the text (as `nc` does at the end of its input).
 */
function raw(port: number, text: string, waitMs = 3000, halfClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, waitMs);
    socket.on('data', (d) => (got += d.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', reject);
    if (halfClose) socket.end(text);
    else socket.write(text);
  });
}

describe('routing and answers', () => {
  it('proxies to the region of the client country and says which region and rule served it', async () => {
    const { port, logs } = await startGateway();
    const res = await call(port, '/v1/chat?q=secret', { headers: { ...fromGB, 'x-user-id': 'alice' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ region: 'eu-west-2', status: 200 });
    expect(res.headers['x-served-by-region']).toBe('eu-west-2');
    expect(res.headers['x-routing-reason']).toBe('geo');
    const seen = upstreams['eu-west-2'].seen[0];
    expect(seen['x-taishanglaojun-region']).toBe('eu-west-2');
    expect(seen['x-taishanglaojun-shard']).toMatch(/^emea-/);
    expect(seen['x-forwarded-for']).toBe(GB_IP);
    const line = logs.find((l) => l.path === '/v1/chat');
    expect(line).toMatchObject({
      method: 'GET',
      status: 200,
      region: 'eu-west-2',
      reason: 'geo',
      zone: 'emea',
      country: 'GB',
      attempts: 1,
    });
    expect(line?.shard).toMatch(/^emea-/);
    expect(typeof line?.latencyMs).toBe('number');
    // No personal data by default: no query string, no address, no user id.
    expect(JSON.stringify(line)).not.toMatch(/secret|alice|81\.2\.69/);
  });

  it('logs the client address only when the config allows it', async () => {
    const { port, logs } = await startGateway({ logClientAddress: true });
    await call(port, '/v1/x', { headers: fromGB });
    expect(logs.find((l) => l.path === '/v1/x')?.client).toBe(GB_IP);
  });

  it('refuses with 503, Retry-After and a JSON reason when the zone has no healthy region, and never uses another zone', async () => {
    const { port, gw } = await startGateway({ only: ['us-east-1'] });
    const res = await call(port, '/v1/x', { headers: { ...fromGB, 'x-user-id': 'bob' } });
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'refused', code: 'no-healthy-region', zone: 'emea' });
    expect(upstreams['us-east-1'].seen).toHaveLength(0);
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'gateway_refusals_total', { zone: 'emea' })).toBe(1);
    expect(sample(metrics, 'http_requests_total', { region: 'none', status: '503', country: 'GB' })).toBe(1);
    expect(sample(metrics, 'gateway_routing_decisions_total', { reason: 'refused', region: 'none' })).toBe(1);
  });

  it('answers 400 without Retry-After to a residency zone the table does not have (before: 503 and Retry-After, though a retry cannot succeed)', async () => {
    const { port, gw, logs } = await startGateway();
    const res = await call(port, '/v1/x', { headers: { ...fromGB, 'x-user-id': 'bob', 'x-residency-zone': 'mars' } });
    expect(res.status).toBe(400);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(res.body)).toEqual({
      error: 'unknown-residency-zone',
      detail: expect.stringMatching(/^x-residency-zone: unknown residency zone "mars"; allowed: /),
    });
    for (const u of Object.values(upstreams)) expect(u.seen).toHaveLength(0);
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'http_requests_total', { region: 'none', status: '400', country: 'GB' })).toBe(1);
    // Bad input: a rejection, not a routing decision (before: also counted as a refused decision).
    expect(sample(metrics, 'gateway_rejected_requests_total', { status: '400' })).toBe(1);
    expect(sample(metrics, 'gateway_routing_decisions_total', { reason: 'refused', region: 'none' }) ?? 0).toBe(0);
    expect(logs.find((l) => l.path === '/v1/x')).toMatchObject({ status: 400, reason: 'unknown-zone' });
  });
});

describe('retries', () => {
  it('retries an idempotent request that got a 5xx once on another region of the same zone', async () => {
    upstreams['eu-west-2'].status = 503;
    const { port, gw, logs } = await startGateway();
    const res = await call(port, '/v1/x', { headers: fromGB });
    expect(res.status).toBe(200);
    expect(['eu-west-1', 'eu-central-1']).toContain(res.headers['x-served-by-region']);
    expect(upstreams['us-east-1'].seen).toHaveLength(0);
    expect(
      sample(await gw.metrics.registry.metrics(), 'gateway_upstream_retries_total', { region: 'eu-west-2', cause: 'upstream-5xx' }),
    ).toBe(1);
    expect(logs.find((l) => l.path === '/v1/x')).toMatchObject({ attempts: 2, retriedFrom: 'eu-west-2', retryCause: 'upstream-5xx' });
  });

  it('retries an idempotent request whose region refuses connections', async () => {
    const dead = await closedPort();
    const { port } = await startGateway({
      resolveUpstreams: () => ({ 'eu-west-2': `http://127.0.0.1:${dead}`, 'eu-west-1': upstreams['eu-west-1'].url }),
    });
    const res = await call(port, '/v1/x', { method: 'PUT', headers: fromGB, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.headers['x-served-by-region']).toBe('eu-west-1');
  });

  it('does not retry a non-idempotent request: the 5xx goes back to the client', async () => {
    upstreams['eu-west-2'].status = 502;
    const { port } = await startGateway();
    const res = await call(port, '/v1/x', { method: 'POST', headers: fromGB, body: '{}' });
    expect(res.status).toBe(502);
    expect(res.headers['x-served-by-region']).toBe('eu-west-2');
    expect(upstreams['eu-west-1'].seen).toHaveLength(0);
    expect(upstreams['eu-central-1'].seen).toHaveLength(0);
  });

  it('answers 502 (never 500) when the only region of the zone cannot be reached and nothing is left to retry', async () => {
    const dead = await closedPort();
    const { port } = await startGateway({ resolveUpstreams: () => ({ 'eu-west-2': `http://127.0.0.1:${dead}` }) });
    const res = await call(port, '/v1/x', { headers: fromGB });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'upstream-unavailable', region: 'eu-west-2', cause: 'connect-error' });
  });
});

describe('bad input', () => {
  it('ignores an over-long or unknown x-preferred-region and routes by country', async () => {
    const { port, logs } = await startGateway();
    const long = await call(port, '/long', { headers: { ...fromGB, 'x-preferred-region': 'us-east-1'.padEnd(8000, 'x') } });
    expect(long.status).toBe(200);
    expect(long.headers['x-served-by-region']).toBe('eu-west-2');
    expect(logs.find((l) => l.path === '/long')?.ignoredPreference).toBe('too-long');
    const odd = await call(port, '/odd', { headers: { ...fromGB, 'x-preferred-region': '../../etc/passwd' } });
    expect(odd.status).toBe(200);
    expect(odd.headers['x-served-by-region']).toBe('eu-west-2');
    expect(logs.find((l) => l.path === '/odd')?.ignoredPreference).toBe('unknown-region');
  });

  it('honours a preference for another zone only when the data may go there: a GB user asking for us-east-1 stays in emea', async () => {
    const { port } = await startGateway();
    const res = await call(port, '/v1/x', { headers: { ...fromGB, 'x-user-id': 'carol', 'x-preferred-region': 'us-east-1' } });
    expect(res.headers['x-served-by-region']).toBe('eu-west-2');
    expect(upstreams['us-east-1'].seen).toHaveLength(0);
  });

  it('does not believe X-Forwarded-For from an untrusted peer and does not forward the spoofed value', async () => {
    const { port } = await startGateway({ trustedProxies: [] });
    const res = await call(port, '/v1/x', { headers: { 'x-forwarded-for': GB_IP, 'x-user-id': 'mallory' } });
    // 127.0.0.1 has no country: a user request of unknown residency is refused, not placed by the spoofed address.
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'residency-unknown' });
    const anon = await call(port, '/v1/anon', { headers: { 'x-forwarded-for': GB_IP } });
    expect(anon.status).toBe(200);
    const seen = Object.values(upstreams).flatMap((u) => u.seen);
    expect(seen).toHaveLength(1);
    expect(seen[0]['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('answers 413 to a body over the limit, by Content-Length and by chunked transfer', async () => {
    const { port, gw } = await startGateway({ limits: { maxBodyBytes: 1000 } });
    const declared = await call(port, '/v1/x', {
      method: 'POST',
      headers: { ...fromGB, 'content-length': '5000' },
      body: 'x'.repeat(5000),
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'body-too-large', limitBytes: 1000 });
    const chunked = await call(port, '/v1/x', {
      method: 'POST',
      headers: { ...fromGB, 'transfer-encoding': 'chunked' },
      body: 'y'.repeat(5000),
    });
    expect(chunked.status).toBe(413);
    const ok = await call(port, '/v1/x', { method: 'POST', headers: fromGB, body: 'z'.repeat(900) });
    expect(ok.status).toBe(200);
    expect(Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0)).toBe(1);
    expect(sample(await gw.metrics.registry.metrics(), 'gateway_rejected_requests_total', { status: '413' })).toBe(2);
  });

  it('answers 431 to oversized headers and 400 to a malformed request, with a JSON body, and keeps serving', async () => {
    const { port, gw } = await startGateway({ limits: { maxHeaderBytes: 2048 } });
    const big = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toContain('"error":"headers-too-large"');
    expect(sample(await gw.metrics.registry.metrics(), 'http_requests_total', { region: 'none', status: '431' })).toBe(1);
    const bad = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect((await call(port, '/v1/x', { headers: fromGB })).status).toBe(200);
  });

  it('answers 408 to a slowloris client that never finishes its headers', async () => {
    const { port, gw } = await startGateway({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const started = Date.now();
    const slow = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n', 5000);
    expect(slow).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(sample(await gw.metrics.registry.metrics(), 'gateway_rejected_requests_total', { status: '408' })).toBe(1);
  });
});

describe('requests that cannot be forwarded as sent (before: counted as upstream failures, opening the breakers)', () => {
  it('answers 400 to a request target that is not a path, and never holds it against a region', async () => {
    const { port, gw } = await startGateway();
    for (let i = 0; i < 40; i++) {
      const res = await raw(port, `OPTIONS * HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${GB_IP}\r\nConnection: close\r\n\r\n`, 2000);
      expect(res).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0)).toBe(0);
    for (const r of gw.routing.current.failover.snapshots()) expect(r.status).toBe('healthy');
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'gateway_upstream_retries_total')).toBeUndefined();
    expect(sample(metrics, 'http_requests_total', { region: 'none', status: '400' })).toBe(40);
    expect((await call(port, '/v1/x', { headers: fromGB })).status).toBe(200);
  });

  it('forwards an absolute-form target as its path and query', async () => {
    const { port } = await startGateway();
    const res = await raw(
      port,
      `GET http://api.example.com/v1/abs?x=1 HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: ${GB_IP}\r\nConnection: close\r\n\r\n`,
    );
    expect(res).toMatch(/^HTTP\/1\.1 200 /);
    expect(upstreams['eu-west-2'].seen).toHaveLength(1);
  });

  it('answers Expect: 100-continue itself and forwards the request without it', async () => {
    const { port, gw } = await startGateway();
    for (const method of ['GET', 'POST']) {
      const res = await call(port, '/v1/upload', {
        method,
        headers: { ...fromGB, expect: '100-continue', 'content-length': '5' },
        body: 'hello',
      });
      expect(res.status).toBe(200);
    }
    const seen = upstreams['eu-west-2'].seen;
    expect(seen).toHaveLength(2);
    for (const h of seen) expect(h.expect).toBeUndefined();
    for (const r of gw.routing.current.failover.snapshots()) expect(r.status).toBe('healthy');
  });

  it("does not pass a client's Forwarded or X-Real-IP on to the upstream", async () => {
    const { port } = await startGateway({ trustedProxies: ['10.0.0.0/8'] });
    await call(port, '/v1/x', { headers: { forwarded: 'for=5.9.0.1', 'x-real-ip': '5.9.0.1', 'x-forwarded-for': '5.9.0.1' } });
    const seen = Object.values(upstreams).flatMap((u) => u.seen);
    expect(seen).toHaveLength(1);
    expect(seen[0].forwarded).toBeUndefined();
    expect(seen[0]['x-real-ip']).toBeUndefined();
    expect(seen[0]['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('client address behind the edge (--client-address-header)', () => {
  it('locates the client by the edge header from a trusted peer, forwards it as X-Forwarded-For, and never forwards the origin secret', async () => {
    // The stacks' chain: X-Forwarded-For ends with Google's egress address (US); Cloudflare names the user (GB).
    const { port, logs } = await startGateway({ clientAddressHeader: 'cf-connecting-ip' });
    const res = await call(port, '/v1/chat', {
      headers: { 'x-forwarded-for': `${GB_IP}, ${US_IP}`, 'cf-connecting-ip': GB_IP, [ORIGIN_AUTH_HEADER]: 'a'.repeat(64) },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ region: 'eu-west-2', status: 200 });
    const seen = upstreams['eu-west-2'].seen[0];
    expect(seen['x-forwarded-for']).toBe(GB_IP);
    expect(seen[ORIGIN_AUTH_HEADER]).toBeUndefined();
    expect(logs.find((l) => l.path === '/v1/chat')).toMatchObject({ country: 'GB', region: 'eu-west-2' });
  });

  it('keeps locating by the header across a table reload, under concurrent traffic', async () => {
    const file = join(dir, 'client-header-table.json');
    writeFileSync(file, JSON.stringify(fastTable()));
    const { port, gw } = await startGateway({ clientAddressHeader: 'cf-connecting-ip', tableFile: file, watchTable: false });
    const headers = { 'x-forwarded-for': `${GB_IP}, ${US_IP}`, 'cf-connecting-ip': GB_IP };
    const first = Array.from({ length: 20 }, () => call(port, '/v1/chat', { headers }));
    const changed = fastTable();
    changed.failover.healthCheck.path = '/status/edge';
    writeFileSync(file, JSON.stringify(changed));
    const before = gw.routing.current.router;
    expect(gw.reload('api').ok).toBe(true);
    expect(gw.routing.current.router).not.toBe(before); // a new router, built from the same options
    const after = Array.from({ length: 20 }, () => call(port, '/v1/chat', { headers }));
    for (const res of await Promise.all([...first, ...after])) expect(res.headers['x-served-by-region']).toBe('eu-west-2');
  });

  it('without the option, the same request is located by the right-most untrusted hop', async () => {
    const { port } = await startGateway();
    const res = await call(port, '/v1/chat', { headers: { 'x-forwarded-for': `${GB_IP}, ${US_IP}`, 'cf-connecting-ip': GB_IP } });
    expect(JSON.parse(res.body).region).not.toBe('eu-west-2');
  });

  it('refuses a bad header name at construction, naming the prop', () => {
    expect(
      () =>
        new Gateway({ table: fastTable(), resolveUpstreams: () => ({}), clientAddressHeader: 'x-forwarded-for', processMetrics: false }),
    ).toThrow(/clientAddressHeader: "x-forwarded-for" is not allowed; allowed: an HTTP header name/);
  });
});

/** The access-log lines of requests (not events). */
function accessLines(logs: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return logs.filter((l) => l.event === undefined && l.method !== undefined);
}

/** Lets the close/error handlers of a finished connection run. */
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('bad request bodies after accepted headers (before: socket cut, counted and logged as 400 and 408)', () => {
  const bodies: Array<[string, string, string]> = [
    ['an invalid chunk size', 'Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n', 'malformed'],
    ['Transfer-Encoding: xchunked', 'Transfer-Encoding: xchunked\r\n\r\nabc', 'malformed'],
    ['Transfer-Encoding: identity without a length', 'Transfer-Encoding: identity\r\n\r\nabc', 'malformed'],
    ['a Content-Length body cut short by a half-close', 'Content-Length: 10\r\n\r\nabc', 'ended before'],
  ];

  it.each(bodies)('%s: answers 400 bad-request JSON with connection: close, counted and logged once', async (_name, rest, detail) => {
    const { port, gw, logs } = await startGateway();
    const started = Date.now();
    const res = await raw(port, `POST /v1/s HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${GB_IP}\r\n${rest}`, 3000, true);
    expect(Date.now() - started).toBeLessThan(2500); // closed by the gateway, not by the helper's timer
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
    expect(res.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as { error: string; detail: string };
    expect(body.error).toBe('bad-request');
    expect(body.detail).toContain(detail);
    await settle();
    const lines = [...accessLines(logs), ...logs.filter((l) => l.event === 'client-error')];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ path: '/v1/s', status: 400, clientError: expect.stringMatching(/^HPE_/) });
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'http_requests_total', { status: '400' })).toBe(1);
    expect(sample(metrics, 'http_requests_total', { status: '408' })).toBeUndefined();
    expect(sample(metrics, 'http_requests_total', { status: '499' })).toBeUndefined();
    expect(sample(metrics, 'gateway_rejected_requests_total', { status: '400' })).toBe(1);
    expect(Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0)).toBe(0);
    expect((await call(port, '/v1/x', { headers: fromGB })).status).toBe(200);
  });

  it('a client that goes away (connection reset) in the middle of its body is logged and counted once, as 499', async () => {
    const { gw, port, logs } = await startGateway();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /v1/gone-mid-body HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${GB_IP}\r\nContent-Length: 100\r\n\r\nabc`);
        setTimeout(() => {
          socket.resetAndDestroy(); // RST: gone for good (a FIN alone is a half-close, answered 400 above)
          resolve();
        }, 100);
      });
    });
    await settle(300);
    const lines = [...accessLines(logs), ...logs.filter((l) => l.event === 'client-error')];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ path: '/v1/gone-mid-body', status: 499 });
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'http_requests_total', { status: '499' })).toBe(1);
    expect(sample(metrics, 'http_requests_total', { status: '408' })).toBeUndefined();
    expect(sample(metrics, 'http_requests_total', { status: '400' })).toBeUndefined();
  });

  it('a body slower than the request timeout gets 408 request-timeout JSON, counted and logged once', async () => {
    const { gw, port, logs } = await startGateway({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 800 } });
    const started = Date.now();
    const res = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      const drip = setInterval(() => {
        if (socket.writable) socket.write('a');
      }, 100);
      const done = () => {
        clearInterval(drip);
        clearTimeout(timer);
        resolve(got);
      };
      const timer = setTimeout(() => {
        socket.destroy();
        done();
      }, 6000);
      socket.on('data', (d) => (got += d.toString('utf8')));
      socket.on('error', () => undefined); // writes racing the close
      socket.on('close', done);
      socket.write(`POST /v1/slow-body HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${GB_IP}\r\nContent-Length: 100000\r\n\r\n`);
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'request-timeout' });
    await settle();
    const lines = [...accessLines(logs), ...logs.filter((l) => l.event === 'client-error')];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ path: '/v1/slow-body', status: 408, clientError: 'ERR_HTTP_REQUEST_TIMEOUT' });
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'http_requests_total', { status: '408' })).toBe(1);
    expect(sample(metrics, 'gateway_rejected_requests_total', { status: '408' })).toBe(1);
    expect(Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0)).toBe(0);
  });
});

describe('CONNECT (before: dropped with no answer, no log, no metric)', () => {
  it('answers 400 bad-request JSON, logs and counts it once, and closes the connection', async () => {
    const { gw, port, logs } = await startGateway();
    const started = Date.now();
    const res = await raw(port, 'CONNECT 1.2.3.4:443 HTTP/1.1\r\nHost: 1.2.3.4:443\r\n\r\n', 3000);
    expect(Date.now() - started).toBeLessThan(2500); // closed by the gateway
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'bad-request', detail: expect.any(String) });
    await settle();
    const lines = accessLines(logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'CONNECT', status: 400, region: 'none' });
    expect(JSON.stringify(lines[0])).not.toContain('1.2.3.4');
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'http_requests_total', { region: 'none', status: '400' })).toBe(1);
    expect(Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0)).toBe(0);
    expect((await call(port, '/v1/x', { headers: fromGB })).status).toBe(200);
  });
});

describe('absolute-form targets in the access log (before: userinfo and host logged)', () => {
  it('logs the path only, never the credentials or the host of the URL', async () => {
    const { port, logs } = await startGateway();
    const res = await raw(port, `GET https://u:p@h:99/a/b?c HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: ${GB_IP}\r\nConnection: close\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 200 /);
    await settle();
    const lines = accessLines(logs);
    expect(lines).toHaveLength(1);
    expect(lines[0].path).toBe('/a/b');
    const text = JSON.stringify(logs);
    expect(text).not.toContain('u:p');
    expect(text).not.toContain('h:99');
  });
});

describe('clients that go away', () => {
  it('survives a client that disconnects while the upstream is answering, and keeps serving', async () => {
    upstreams['eu-west-2'].delayMs = 200;
    const { port, logs } = await startGateway();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /v1/gone HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${GB_IP}\r\n\r\n`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(logs.find((l) => l.path === '/v1/gone')?.status).toBe(499);
    upstreams['eu-west-2'].delayMs = 0;
    expect((await call(port, '/v1/x', { headers: fromGB })).status).toBe(200);
  });
});

describe('regions with several instances (service registry)', () => {
  it('a dead instance among live ones leaves its pool and the region keeps serving (before: its checks failed the whole region)', async () => {
    const registry = new MemoryRegistry();
    const dead = await closedPort();
    // the dead instance sorts first: it was the one instance the region's checks probed
    await registry.register({ id: 'dead', name: 'api', region: 'eu-west-2', address: '127.0.0.1', port: dead }, { ttlSeconds: 60 });
    await registry.register(
      { id: 'live', name: 'api', region: 'eu-west-2', address: '127.0.0.1', port: upstreams['eu-west-2'].port },
      { ttlSeconds: 60 },
    );
    try {
      const { gw, port, logs } = await startGateway({ registry, activeHealthChecks: true, table: fastTable({ intervalMs: 200 }) });
      await eventually('the dead instance ejected', () => (logs.some((l) => l.event === 'instance-ejected') ? true : undefined), 5000);
      expect(logs.find((l) => l.event === 'instance-ejected')).toMatchObject({ region: 'eu-west-2', origin: `http://127.0.0.1:${dead}` });
      // several checks later the region is still healthy and every request is served there
      await new Promise((r) => setTimeout(r, 600));
      expect(gw.routing.current.failover.snapshot('eu-west-2')).toMatchObject({ status: 'healthy' });
      for (let i = 0; i < 20; i++) {
        const res = await call(port, '/v1/x', { headers: { ...fromGB, 'x-user-id': `u${i}` } });
        expect([res.status, res.headers['x-served-by-region']]).toEqual([200, 'eu-west-2']);
      }
    } finally {
      await registry.close();
    }
  });
});

describe('admin endpoints', () => {
  it('serves /healthz, /readyz and /metrics with the names of runtime/metric-names', async () => {
    const { port } = await startGateway();
    expect((await call(port, '/healthz')).status).toBe(200);
    const ready = await call(port, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body).regions).toEqual(expect.arrayContaining(['eu-west-2', 'us-east-1']));
    await call(port, '/v1/x', { headers: { 'x-forwarded-for': US_IP } });
    const metrics = (await call(port, '/metrics')).body;
    expect(sample(metrics, 'http_requests_total', { region: 'us-east-1', status: '200', country: 'US' })).toBe(1);
    expect(sample(metrics, 'http_request_duration_seconds_count', { region: 'us-east-1' })).toBe(1);
    expect(sample(metrics, 'http_request_duration_seconds_bucket', { region: 'us-east-1', le: '0.5' })).toBe(1);
    expect(sample(metrics, 'gateway_region_traffic_share', { region: 'eu-west-1', zone: 'emea' })).toBe(1);
    expect(sample(metrics, 'gateway_region_up', { region: 'eu-west-1', zone: 'emea' })).toBe(1);
    expect(sample(metrics, 'gateway_region_state', { region: 'eu-west-1', state: 'healthy' })).toBe(1);
    expect(sample(metrics, 'gateway_routing_decisions_total', { reason: 'geo', region: 'us-east-1' })).toBe(1);
  });

  it('answers an admin path with a query itself (before: /readyz?probe=kubelet went upstream and reported its health)', async () => {
    const { port } = await startGateway();
    const ready = await call(port, '/readyz?probe=kubelet-readiness-check', { headers: { 'x-forwarded-for': US_IP } });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready' });
    expect(upstreams['us-east-1'].seen).toHaveLength(0);
  });

  it("counts a client-provoked 500 as the application's answer, not against the region (QA, stop 30: 25 POSTs to a 500 opened each circuit of a zone)", async () => {
    const { gw, port } = await startGateway();
    upstreams['eu-west-2'].status = 500;
    for (let i = 0; i < 25; i++) expect((await call(port, '/v1/x', { method: 'POST', body: 'x', headers: fromGB })).status).toBe(500);
    expect(gw.routing.current.failover.snapshot('eu-west-2').status).toBe('healthy');
    upstreams['eu-west-2'].status = 503;
    for (let i = 0; i < 50; i++) await call(port, '/v1/x', { method: 'POST', body: 'x', headers: fromGB }); // 50 of 75 failed
    expect(gw.routing.current.failover.snapshot('eu-west-2').status).toBe('circuit-open');
  });

  it('forwards x-user-id even when the client names it in Connection (it routed by it; the upstream saw the shard but no user)', async () => {
    const { port } = await startGateway();
    const res = await call(port, '/v1/x', { headers: { ...fromGB, 'x-user-id': 'alice', connection: 'x-user-id, x-other' } });
    expect(res.status).toBe(200);
    const seen = upstreams['eu-west-2'].seen.at(-1)!;
    expect(seen['x-user-id']).toBe('alice');
    expect(seen['x-taishanglaojun-shard']).toBeDefined();
  });

  it('moves the admin paths to the admin port when one is set (the main port proxies them)', async () => {
    const { port, gw } = await startGateway({ adminPort: 0 });
    const adminPort = (gw.adminServer!.address() as AddressInfo).port;
    expect((await call(adminPort, '/metrics')).body).toContain('http_requests_total');
    const proxied = await call(port, '/metrics', { headers: fromGB });
    expect(proxied.headers['x-served-by-region']).toBe('eu-west-2');
  });
});

describe("the edge's health check on the traffic port (before: /health went to an upstream app, so the check tested an app, not the gateway)", () => {
  const seenUpstream = () => Object.values(upstreams).reduce((n, u) => n + u.seen.length, 0);

  it("answers the table's failover.healthCheck.path itself with readiness, its query ignored, also with an admin port", async () => {
    const { port, gw, logs } = await startGateway({ adminPort: 0 });
    expect(gw.table.failover.healthCheck.path).toBe('/health');
    for (const target of ['/health', '/health?probe=cloudflare', '/health#x']) {
      const res = await call(port, target, { headers: fromGB });
      expect([target, res.status, JSON.parse(res.body)]).toEqual([target, 200, { status: 'ready' }]);
      expect(res.headers['x-served-by-region']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(seenUpstream()).toBe(0);
    expect(accessLines(logs)).toEqual([]); // like the admin paths: not a client request
    // other paths that start the same way are the application's
    for (const target of ['/healthy', '/health/deep', '/v1/health'])
      expect((await call(port, target, { headers: fromGB })).headers['x-served-by-region']).toBe('eu-west-2');
    expect(seenUpstream()).toBe(3);
  });

  it('follows the path of a reloaded table', async () => {
    const file = join(dir, 'health-path-table.json');
    writeFileSync(file, JSON.stringify(fastTable()));
    const { port, gw } = await startGateway({ adminPort: 0, tableFile: file, watchTable: false });
    const moved = fastTable();
    moved.failover.healthCheck.path = '/status/edge';
    writeFileSync(file, JSON.stringify(moved));
    expect(gw.reload('api').ok).toBe(true);
    expect(JSON.parse((await call(port, '/status/edge', { headers: fromGB })).body)).toEqual({ status: 'ready' });
    const old = await call(port, '/health', { headers: fromGB });
    expect([old.headers['x-served-by-region'], old.body]).toEqual(['eu-west-2', 'ok']); // the app's own answer
  });

  it('answers 503 when no region has a healthy upstream (the monitor takes the pool out; an app that is up elsewhere does not hide it)', async () => {
    const dead = await closedPort();
    const { port } = await startGateway({
      adminPort: 0,
      activeHealthChecks: true,
      resolveUpstreams: (t) => Object.fromEntries(servingRegionIds(t).map((r) => [r, `http://127.0.0.1:${dead}`])),
    });
    const res = await eventually('no region ready', async () => {
      const r = await call(port, '/health', { headers: fromGB });
      return r.status === 503 ? r : undefined;
    });
    expect(JSON.parse(res.body)).toEqual({ status: 'no-region', detail: 'no region has a healthy upstream' });
  });

  it('answers 503 with Connection: close while the gateway drains (a probe that was arriving at SIGTERM)', async () => {
    upstreams['eu-west-2'].delayMs = 400; // a request in flight keeps the drain going
    const { port, gw } = await startGateway({ adminPort: 0, drainTimeoutMs: 2000 });
    const inflight = call(port, '/v1/slow', { headers: fromGB });
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The request has begun (so the drain does not close the connection as idle), its headers end after SIGTERM.
    await new Promise<void>((resolve) => socket.write('GET /health HTTP/1.1\r\nHost: gw\r\n', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const stopping = gw.shutdown();
    await new Promise((r) => setTimeout(r, 50));
    socket.write('\r\n');
    await closed;
    expect((await inflight).status).toBe(200);
    await stopping;
    expect(got).toMatch(/^HTTP\/1\.1 503 /);
    expect(got.toLowerCase()).toContain('connection: close');
    expect(got).toContain('{"status":"draining"}');
    expect(seenUpstream()).toBe(1); // the slow request only
  });
});

describe('reload', () => {
  it('keeps the last good table on a bad file and takes a good one', async () => {
    const file = join(dir, 'table.json');
    const table = fastTable();
    writeFileSync(file, JSON.stringify(table));
    const { port, gw, logs } = await startGateway({ table, tableFile: file, watchTable: false });
    writeFileSync(file, '{"schemaVersion": 1, "regions": [');
    const bad = gw.reload('api');
    expect(bad.ok).toBe(false);
    expect((await call(port, '/v1/x', { headers: fromGB })).headers['x-served-by-region']).toBe('eu-west-2');
    expect(logs.some((l) => l.event === 'reload' && l.result === 'rejected')).toBe(true);
    writeFileSync(file, JSON.stringify({ ...table, schemaVersion: 2 }));
    expect(gw.reload('api').ok).toBe(false);
    const rejected = logs.filter((l) => l.event === 'reload' && l.result === 'rejected').pop() as { problems: string[] };
    expect(rejected.problems.some((p) => p.startsWith('schemaVersion: 2 '))).toBe(true); // the value is named

    // A valid table that moves GB to eu-west-1.
    const moved = fastTable();
    moved.countries.GB = 'eu-west-1';
    writeFileSync(file, JSON.stringify(moved));
    expect(gw.reload('api').ok).toBe(true);
    expect((await call(port, '/v1/x', { headers: fromGB })).headers['x-served-by-region']).toBe('eu-west-1');
    const metrics = await gw.metrics.registry.metrics();
    expect(sample(metrics, 'gateway_routing_table_reloads_total', { trigger: 'api', result: 'rejected' })).toBe(2);
    expect(sample(metrics, 'gateway_routing_table_reloads_total', { trigger: 'api', result: 'ok' })).toBe(1);
  });

  it('rejects a table whose new region has no upstream, and keeps serving the old one', async () => {
    const file = join(dir, 'table2.json');
    const table = fastTable();
    writeFileSync(file, JSON.stringify(table));
    const { gw } = await startGateway({
      table,
      tableFile: file,
      watchTable: false,
      resolveUpstreams: (t) => {
        if (t.countries.GB === 'eu-west-1') throw new Error('no upstream for eu-west-1');
        return { 'eu-west-2': upstreams['eu-west-2'].url };
      },
    });
    const moved = fastTable();
    moved.countries.GB = 'eu-west-1';
    writeFileSync(file, JSON.stringify(moved));
    const result = gw.reload('api');
    expect(result.ok).toBe(false);
    expect(gw.table.countries.GB).toBe('eu-west-2');
  });

  it('refuses to reload from a FIFO at once, without stalling requests (a read would wait up to 5 s on the event loop)', async () => {
    const file = join(dir, 'table-fifo.json');
    const table = fastTable();
    writeFileSync(file, JSON.stringify(table));
    const { gw } = await startGateway({ table, tableFile: file, watchTable: false });
    rmSync(file);
    execFileSync('mkfifo', [file]);
    const started = Date.now();
    const result = gw.reload('sighup');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.ok).toBe(false);
    expect((result as { problems: RoutingTableProblem[] }).problems[0].message).toBe(
      'is not a regular file (a FIFO, device or socket); a reload reads a routing table file only',
    );
    expect(gw.table.countries.GB).toBe(table.countries.GB);
  });

  it('reloads when the watched file changes', async () => {
    const file = join(dir, 'table3.json');
    const table = fastTable();
    writeFileSync(file, JSON.stringify(table));
    const { gw } = await startGateway({ table, tableFile: file });
    const moved = fastTable();
    moved.countries.GB = 'eu-central-1';
    writeFileSync(file, JSON.stringify(moved));
    const deadline = Date.now() + 5000;
    while (gw.table.countries.GB !== 'eu-central-1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gw.table.countries.GB).toBe('eu-central-1');
  });
});

describe('reload of a Kubernetes ConfigMap volume (before: missed)', () => {
  it('reloads when the ..data symlink is swapped to a new version of the file', async () => {
    // The layout kubelet writes: table.json -> ..data/table.json, ..data -> ..<version>/
    const volume = join(dir, 'configmap');
    const version = (n: number, t: RoutingTable) => {
      mkdirSync(join(volume, `..v${n}`), { recursive: true });
      writeFileSync(join(volume, `..v${n}`, 'table.json'), JSON.stringify(t));
    };
    const table = fastTable();
    version(1, table);
    symlinkSync(`..v1`, join(volume, '..data'));
    symlinkSync(join('..data', 'table.json'), join(volume, 'table.json'));
    const { gw } = await startGateway({ table, tableFile: join(volume, 'table.json') });
    const moved = fastTable();
    moved.countries.GB = 'eu-central-1';
    version(2, moved);
    symlinkSync(`..v2`, join(volume, '..data_tmp'));
    renameSync(join(volume, '..data_tmp'), join(volume, '..data')); // atomic swap, as kubelet does
    const deadline = Date.now() + 5000;
    while (gw.table.countries.GB !== 'eu-central-1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gw.table.countries.GB).toBe('eu-central-1');
  });
});

describe('reload of a table that is a symlink into another directory', () => {
  it('reloads when the real file is rewritten there (QA, stop 30: only its own directory was watched)', async () => {
    const real = join(dir, 'elsewhere');
    const links = join(dir, 'links');
    mkdirSync(real, { recursive: true });
    mkdirSync(links, { recursive: true });
    const table = fastTable();
    writeFileSync(join(real, 'real.json'), JSON.stringify(table));
    symlinkSync(join(real, 'real.json'), join(links, 'rt.json'));
    const { gw } = await startGateway({ table, tableFile: join(links, 'rt.json') });
    const moved = fastTable();
    moved.countries.GB = 'eu-central-1';
    writeFileSync(join(real, 'real.json.tmp'), JSON.stringify(moved));
    renameSync(join(real, 'real.json.tmp'), join(real, 'real.json'));
    const deadline = Date.now() + 5000;
    while (gw.table.countries.GB !== 'eu-central-1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gw.table.countries.GB).toBe('eu-central-1');
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new connections, and closes', async () => {
    upstreams['eu-west-2'].delayMs = 400;
    const { port, gw } = await startGateway({ drainTimeoutMs: 5000 });
    const inflight = call(port, '/v1/slow', { headers: fromGB });
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.inflight).toBe(1);
    const stopping = gw.shutdown();
    await new Promise((r) => setTimeout(r, 50));
    await expect(call(port, '/v1/new', { headers: fromGB })).rejects.toThrow(/ECONNREFUSED/);
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    await stopping;
    expect(gw.server.listening).toBe(false);
  });

  it('keeps a separate admin listener open through the drain: a new probe sees /readyz 503 and /healthz 200 (before: refused at once)', async () => {
    upstreams['eu-west-2'].delayMs = 400;
    const { port, gw } = await startGateway({ drainTimeoutMs: 5000, adminPort: 0 });
    const adminPort = (gw.adminServer!.address() as AddressInfo).port;
    expect((await call(adminPort, '/readyz')).status).toBe(200);
    const inflight = call(port, '/v1/slow', { headers: fromGB });
    await new Promise((r) => setTimeout(r, 100));
    const stopping = gw.shutdown();
    await new Promise((r) => setTimeout(r, 50));
    await expect(call(port, '/v1/new', { headers: fromGB })).rejects.toThrow(/ECONNREFUSED/);
    expect((await call(adminPort, '/readyz')).status).toBe(503);
    expect((await call(adminPort, '/healthz')).status).toBe(200);
    expect((await inflight).status).toBe(200);
    await stopping;
    expect(gw.adminServer!.listening).toBe(false);
    await expect(call(adminPort, '/readyz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts a request that outlives the drain deadline', async () => {
    upstreams['eu-west-2'].delayMs = 3000;
    const { port, gw } = await startGateway({ drainTimeoutMs: 200 });
    const inflight = call(port, '/v1/slower', { headers: fromGB }).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await gw.shutdown();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await inflight).toBe('cut');
  });

  it('logs a request cut at the drain deadline as cut by the shutdown, never as an upstream failure (before: 502 UND_ERR_DESTROYED)', async () => {
    upstreams['eu-west-2'].delayMs = 3000;
    const { port, gw, logs } = await startGateway({ drainTimeoutMs: 200 });
    const signals: Array<{ kind: string; ok?: boolean }> = [];
    gw.routing.current.health.onSignal((s) => signals.push(s as unknown as { kind: string; ok?: boolean }));
    const inflight = call(port, '/v1/cut', { headers: fromGB }).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    const metrics = await (async () => {
      await gw.shutdown();
      return gw.metrics.registry.metrics();
    })();
    expect(await inflight).toBe('cut');
    const line = accessLines(logs).find((l) => l.path === '/v1/cut');
    // Counted under region "none" (the gateway's doing, not the region's error rate); where it was going is kept.
    expect(line).toMatchObject({ status: 503, cut: 'drain-deadline', region: 'none', routedTo: 'eu-west-2' });
    expect(line?.upstreamError).toBeUndefined();
    expect(sample(metrics, 'http_requests_total', { status: '503' })).toBe(1);
    expect(sample(metrics, 'http_requests_total', { status: '502' })).toBeUndefined();
    expect(sample(metrics, 'gateway_upstream_requests_total', { status: 'error' })).toBeUndefined();
    expect(sample(metrics, 'gateway_upstream_requests_total', { region: 'eu-west-2', status: 'cut' })).toBe(1);
    expect(sample(metrics, 'gateway_upstream_retries_total')).toBeUndefined();
    expect(signals.filter((s) => s.kind !== 'probe')).toEqual([]); // no passive health result
  });
});

describe('fake upstream', () => {
  it('counts requests by tag and takes injected faults', async () => {
    const fake = await startFakeUpstream('eu-west-1', 0);
    try {
      expect((await call(fake.port, '/x', { headers: { 'x-test-tag': 'a' } })).status).toBe(200);
      await call(fake.port, '/__fake/config', { method: 'POST', body: JSON.stringify({ status: 503 }) });
      expect((await call(fake.port, '/x')).status).toBe(503);
      const stats = JSON.parse((await call(fake.port, '/__fake/stats')).body);
      expect(stats).toMatchObject({ region: 'eu-west-1', requests: 2, byTag: { a: 1, '': 1 } });
    } finally {
      await fake.close();
    }
  });
  it('refuses a config value it cannot honour, naming the field, and keeps serving (before: status 99 crashed it)', async () => {
    const fake = await startFakeUpstream('eu-west-1', 0);
    try {
      for (const [cfg, detail] of [
        [{ status: 99 }, 'status 99 is not allowed; allowed: an integer from 100 to 599'],
        [{ latencyMs: -1 }, 'latencyMs -1 is not allowed; allowed: an integer from 0 to 600000'],
        [{ delay: 5 }, 'delay is not a field; allowed: latencyMs, status, healthLatencyMs, healthStatus'],
        [[1], 'the config must be a JSON object'],
      ] as const) {
        const res = await call(fake.port, '/__fake/config', { method: 'POST', body: JSON.stringify(cfg) });
        expect([res.status, JSON.parse(res.body)]).toEqual([400, { error: 'bad-config', detail }]);
      }
      expect((await call(fake.port, '/x')).status).toBe(200);
    } finally {
      await fake.close();
    }
  });
});
