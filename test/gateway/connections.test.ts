/**
 * The gateway and its client connections: pipelined requests (a window per connection, and what is
 * left when the client closes), a client that stops reading, header counts and repeats, TRACE,
 * fragments, and upstream answers Node cannot write as they came (non-Latin-1 header values, a 304
 * announcing a body).
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import pino from 'pino';
import { Gateway, type GatewayLimits } from '../../gateway/gateway';
import type { UpstreamPoolOptions } from '../../gateway/upstreams';
import { GB_IP, call, eventually, fastTable } from '../helpers/gateway';

/** An upstream whose answer depends on the path; it counts requests in progress and the paths it saw. */
interface Upstream {
  url: string;
  server: Server;
  paths: string[];
  active: number;
  maxActive: number;
  open: Set<() => void>;
}

async function startUpstream(): Promise<Upstream> {
  const u: Upstream = { url: '', server: undefined as unknown as Server, paths: [], active: 0, maxActive: 0, open: new Set() };
  u.server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    u.paths.push(req.url ?? '');
    u.active++;
    u.maxActive = Math.max(u.maxActive, u.active);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      u.active--;
      u.open.delete(end);
    };
    res.on('close', end);
    u.open.add(end);
    const url = new URL(req.url ?? '/', 'http://x');
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (url.pathname === '/hold') return; // answers never; the gateway must let go when its client does
    if (url.pathname === '/big') {
      // `mb` MiB (default 8) in 64 KiB chunks, as fast as the client reads.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(65_536, 97);
      let left = 16 * Number(url.searchParams.get('mb') ?? 8);
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (url.pathname === '/echo-body') {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => res.end(JSON.stringify({ body })));
      return;
    }
    if (url.pathname === '/204cl') {
      res.socket!.write('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n');
      return;
    }
    if (url.pathname === '/304') {
      // Legal (RFC 9110 §15.4.5): the length the full answer would have; no body follows.
      res.socket!.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: "v1"\r\n\r\n');
      return;
    }
    if (url.pathname === '/odd-headers') {
      // Bytes Node's writeHead refuses as undici hands them over: UTF-8 text, a name that is no token.
      res.socket!.write(
        Buffer.concat([
          Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-City: '),
          Buffer.from('東京', 'utf8'),
          Buffer.from('\r\nX-Cafe: caf'),
          Buffer.from('é', 'utf8'),
          Buffer.from('\r\nX-Bad Name: 1\r\nX-Plain: yes\r\n\r\nok'),
        ]),
      );
      return;
    }
    setTimeout(() => res.end(JSON.stringify({ path: req.url })), ms);
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', () => r()));
  u.url = `http://127.0.0.1:${(u.server.address() as AddressInfo).port}`;
  return u;
}

let upstream: Upstream;
const gateways: Gateway[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(gateways.splice(0).map((g) => g.shutdown()));
  for (const end of [...upstream.open]) end();
  upstream.paths = [];
  upstream.maxActive = 0;
  upstream.server.closeAllConnections();
});

afterAll(async () => {
  upstream.server.closeAllConnections();
  await new Promise<void>((r) => upstream.server.close(() => r()));
});

async function startGateway(limits: GatewayLimits = {}, upstreamOptions?: UpstreamPoolOptions) {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ base: undefined }, { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) });
  const table = fastTable();
  const gw = new Gateway({
    table,
    resolveUpstreams: () => Object.fromEntries(table.regions.map((r) => [r.id, upstream.url])),
    trustedProxies: ['127.0.0.1'],
    activeHealthChecks: false,
    processMetrics: false,
    drainTimeoutMs: 500,
    logger,
    limits,
    upstream: upstreamOptions,
  });
  gateways.push(gw);
  const { port } = await gw.listen(0);
  const accessLines = () => logs.filter((l) => typeof l.status === 'number' && l.method !== undefined);
  return { gw, port, logs, accessLines };
}

/** A raw client connection; `got` collects what comes back. */
function client(port: number): Promise<{ socket: Socket; got: () => string; closed: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, got: () => text, closed }));
  });
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: ${GB_IP}\r\n${extra}\r\n`;

describe('pipelined requests', () => {
  it('are proxied at most maxPipelinedRequests at a time per connection, all answered in order', async () => {
    const { port, accessLines } = await startGateway({ maxPipelinedRequests: 4 });
    const c = await client(port);
    c.socket.write(Array.from({ length: 30 }, (_, i) => get(`/v1/p${i}?ms=20`)).join(''));
    await eventually('30 answers', () => ((c.got().match(/HTTP\/1\.1 200/g) ?? []).length === 30 ? true : undefined));
    expect(upstream.maxActive).toBe(4);
    const order = [...c.got().matchAll(/"path":"\/v1\/p(\d+)/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(accessLines()).toHaveLength(30);
  });

  it('left behind by a client that closes: upstream attempts cancelled, each request logged and counted once, nothing stays in flight', async () => {
    const { gw, port, accessLines } = await startGateway({ maxPipelinedRequests: 4 });
    const c = await client(port);
    c.socket.write(Array.from({ length: 10 }, (_, i) => get(`/hold?n=${i}`)).join(''));
    await eventually('4 held upstream', () => (upstream.active === 4 ? true : undefined));
    c.socket.destroy();
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    await eventually('upstream let go', () => (upstream.active === 0 ? true : undefined), 5000);
    expect(upstream.paths).toHaveLength(4); // the six that never had their turn never reached it
    const lines = accessLines();
    expect(lines).toHaveLength(10);
    expect(lines.every((l) => l.status === 499)).toBe(true);
    expect(lines.filter((l) => l.clientGone === 'waiting-for-upstream')).toHaveLength(4);
    expect(lines.filter((l) => l.clientGone === 'before-its-turn')).toHaveLength(6);
    const metrics = await gw.metrics.registry.getSingleMetricAsString('http_requests_total');
    const total = [...metrics.matchAll(/^http_requests_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    expect(total).toBe(10);
    // The four attempts that reached an upstream are counted as such, cancelled (before: not at all).
    const attempts = await gw.metrics.registry.getSingleMetricAsString('gateway_upstream_requests_total');
    expect(
      [...attempts.matchAll(/^gateway_upstream_requests_total\{[^}]*status="cancelled"[^}]*\} (\d+)/gm)].reduce(
        (a, m) => a + Number(m[1]),
        0,
      ),
    ).toBe(4);
  });

  it('reads the body of a request waiting for its turn, so its request timeout does not run out in the queue', async () => {
    const { port, accessLines } = await startGateway({ maxPipelinedRequests: 2, requestTimeoutMs: 1000, headersTimeoutMs: 1000 });
    const c = await client(port);
    const post = `POST /v1/post HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: ${GB_IP}\r\nContent-Length: 5\r\n\r\n`;
    c.socket.write(get('/v1/a?ms=1500') + get('/v1/b?ms=1500') + post);
    await new Promise((r) => setTimeout(r, 300));
    c.socket.write('hello');
    await eventually('3 answers', () => ((c.got().match(/HTTP\/1\.1 200/g) ?? []).length === 3 ? true : undefined), 8000);
    expect(accessLines().map((l) => l.status)).toEqual([200, 200, 200]);
  });

  it('after an answer that closes the connection (431, 413, 417), forwards nothing pipelined behind it', async () => {
    const { gw, port, accessLines } = await startGateway({ maxHeaderCount: 20, maxBodyBytes: 10 });
    const many = Array.from({ length: 25 }, (_, i) => `X-H${i}: v\r\n`).join('');
    for (const refused of [get('/v1/431', many), `POST /v1/413 HTTP/1.1\r\nHost: gw\r\nContent-Length: 50\r\n\r\n${'x'.repeat(50)}`]) {
      const c = await client(port);
      c.socket.write(get('/v1/first?ms=100') + refused + get('/v1/after-1') + get('/v1/after-2'));
      await c.closed;
      expect(c.got()).toMatch(/^HTTP\/1\.1 200 [\s\S]*HTTP\/1\.1 4(31|13) /);
    }
    expect(upstream.paths).toEqual(['/v1/first?ms=100', '/v1/first?ms=100']);
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined));
    const lines = accessLines();
    const byPath = lines.map((l) => `${String(l.path)} ${String(l.status)} ${String(l.cut ?? '')}`).sort();
    expect(byPath).toEqual([
      '/v1/413 413 ',
      '/v1/431 431 ',
      '/v1/after-1 503 connection-closing',
      '/v1/after-1 503 connection-closing',
      '/v1/after-2 503 connection-closing',
      '/v1/after-2 503 connection-closing',
      '/v1/first 200 ',
      '/v1/first 200 ',
    ]);
  });

  it('on shutdown, answers what is in flight and the next request with Connection: close, forwards nothing after it', async () => {
    const { gw, port, accessLines } = await startGateway({ maxPipelinedRequests: 2 });
    const c = await client(port);
    c.socket.write(Array.from({ length: 6 }, (_, i) => get(`/v1/d${i}?ms=100`)).join(''));
    await eventually('2 upstream', () => (upstream.paths.length === 2 ? true : undefined));
    const stopped = gw.shutdown();
    await c.closed;
    await stopped;
    expect((c.got().match(/HTTP\/1\.1 200/g) ?? []).length).toBe(3);
    expect(c.got().toLowerCase()).toContain('connection: close');
    expect(upstream.paths).toEqual(['/v1/d0?ms=100', '/v1/d1?ms=100', '/v1/d2?ms=100']);
    expect(
      accessLines()
        .map((l) => `${String(l.path)} ${String(l.status)} ${String(l.cut ?? '')}`)
        .sort(),
    ).toEqual([
      '/v1/d0 200 ',
      '/v1/d1 200 ',
      '/v1/d2 200 ',
      '/v1/d3 503 connection-closing',
      '/v1/d4 503 connection-closing',
      '/v1/d5 503 connection-closing',
    ]);
  });

  it('on shutdown, a connection whose answers were built before the drain (keep-alive) closes after the last one and forwards nothing more', async () => {
    const { gw, port } = await startGateway({ maxPipelinedRequests: 4 });
    const other = await client(port);
    other.socket.write(get('/v1/long?ms=5000')); // keeps the drain going until its deadline
    const c = await client(port);
    c.socket.write([get('/v1/p1?ms=250'), get('/v1/p2'), get('/v1/p3')].join(''));
    await eventually('3 upstream', () => (upstream.paths.filter((p) => p.startsWith('/v1/p')).length === 3 ? true : undefined));
    const stopped = gw.shutdown();
    await eventually('3 answers', () => ((c.got().match(/HTTP\/1\.1 200/g) ?? []).length === 3 ? true : undefined));
    // p2 and p3 were answered (keep-alive) while p1 was in flight, before the drain began.
    c.socket.write(get('/v1/late'));
    await c.closed;
    await stopped;
    expect(upstream.paths).not.toContain('/v1/late');
  });

  it('a malformed body behind pipelined requests: they are answered, then its 400; each counted and timed once', async () => {
    const { gw, port, accessLines } = await startGateway({ maxPipelinedRequests: 2 });
    const c = await client(port);
    // (the same write carries the bad chunk: it is parsed while the three are in flight)
    const bad = `POST /v1/bad HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`;
    c.socket.write(get('/v1/a?ms=200') + get('/v1/b?ms=200') + get('/v1/c?ms=200') + bad);
    await c.closed;
    expect((c.got().match(/HTTP\/1\.1 200/g) ?? []).length).toBe(3);
    expect(c.got()).toMatch(/HTTP\/1\.1 400 /);
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined));
    expect(
      accessLines()
        .map((l) => l.status)
        .sort(),
    ).toEqual([200, 200, 200, 400]);
    const text = await gw.metrics.registry.metrics();
    const sum = (re: RegExp) => [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
    expect(sum(/^http_requests_total\{[^}]*\} (\d+)$/gm)).toBe(4);
    expect(sum(/^http_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)).toBe(4);
  });

  it('cuts a connection that pipelines more than 1024 requests ahead; each request logged and counted once as the gateway cut', async () => {
    const { gw, port, accessLines } = await startGateway({ maxPipelinedRequests: 1 });
    const c = await client(port);
    c.socket.write(Array.from({ length: 1500 }, (_, i) => get(`/hold?n=${i}`)).join(''));
    await c.closed;
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    expect(upstream.paths.length).toBeLessThanOrEqual(1); // the first may have left before the cut
    const lines = accessLines();
    expect(lines.length).toBeGreaterThan(1024);
    expect(lines.every((l) => l.status === 503 && l.cut === 'pipeline-overflow')).toBe(true);
    const metrics = await gw.metrics.registry.getSingleMetricAsString('http_requests_total');
    expect([...metrics.matchAll(/^http_requests_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0)).toBe(lines.length);
  });

  it('cuts a connection whose waiting requests hold more than 4 MiB of bodies (QA, stop 30: 300 one-MB bodies behind a slow request took 540 MB)', async () => {
    const { gw, port, accessLines } = await startGateway({ maxPipelinedRequests: 1 });
    const c = await client(port);
    const body = 'a'.repeat(1_000_000);
    const post = (i: number) =>
      `POST /echo?n=${i} HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: ${GB_IP}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    c.socket.write(get('/hold'));
    for (let i = 0; i < 8; i++) c.socket.write(post(i));
    await c.closed; // before: held open, every body in memory
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    expect(upstream.paths.filter((p) => p.startsWith('/echo'))).toEqual([]);
    const lines = accessLines();
    expect(lines.length).toBeGreaterThanOrEqual(5); // the held request and the posts read before the cut
    // Each cut as the gateway's doing, or (the body being read at the cut) as a client gone.
    expect(lines.filter((l) => l.cut !== 'pipeline-overflow' && l.status !== 499)).toEqual([]);
    expect(lines.filter((l) => l.cut === 'pipeline-overflow').length).toBeGreaterThanOrEqual(4);
    // Cut by the gateway for what the client did: not the region's error rate (region "none").
    const metrics = await gw.metrics.registry.getSingleMetricAsString('http_requests_total');
    expect(metrics).not.toMatch(/region="eu-west-2",status="503"/);
  });

  it('counts the headers of waiting requests too (QA, stop 30: 1,030 requests with 15 KB of headers held ~30 MB per connection)', async () => {
    const { port, accessLines } = await startGateway({ maxPipelinedRequests: 1 });
    const c = await client(port);
    const headers = Array.from({ length: 80 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(150)}\r\n`).join(''); // ~12.6 KB
    c.socket.write(get('/hold') + Array.from({ length: 400 }, (_, i) => get(`/x?n=${i}`, headers)).join(''));
    await c.closed; // 4 MiB of waiting headers: cut (before: held until 1,024 were waiting)
    await eventually('every request logged', () => (accessLines().length >= 300 ? true : undefined), 5000);
    expect(accessLines().length).toBeLessThan(400); // cut before the last ones were parsed
    expect(accessLines().every((l) => l.cut === 'pipeline-overflow')).toBe(true);
  });

  it('forwards a chunked body of 1-byte chunks intact (kept in one buffer, not one Buffer per chunk)', async () => {
    const { port } = await startGateway();
    const c = await client(port);
    const text = 'chunks-' + 'x'.repeat(2000);
    const chunked = [...text].map((ch) => `1\r\n${ch}\r\n`).join('') + '0\r\n\r\n';
    c.socket.write(`POST /echo-body HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: ${GB_IP}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`);
    await eventually('the echo', () => (c.got().includes('"body"') ? true : undefined), 5000);
    expect(c.got()).toContain(`"body":"${text}"`);
  });

  it('a CONNECT pipelined behind a pending answer cuts the connection instead of answering ahead of it', async () => {
    const { port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/slow?ms=800') + 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
    await c.closed;
    expect(c.got()).not.toContain('400'); // before: the CONNECT's 400 arrived as the GET's answer
    await eventually('the GET logged', () => accessLines().find((l) => l.path === '/slow'));
    expect(accessLines().find((l) => l.path === '/slow')).toMatchObject({ cut: 'client-error' });
  });

  it('forwards a 204 without the Content-Length its upstream announced (RFC 9110 §8.6)', async () => {
    const { port } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/204cl') + get('/after'));
    await eventually('both answers', () => (/\/after/.test(c.got()) ? true : undefined), 5000);
    const [first] = c.got().split('HTTP/1.1 ').filter(Boolean);
    expect(first).toMatch(/^204 /);
    expect(first.toLowerCase()).not.toContain('content-length');
  });

  it('a 413 on a declared length behind a slower answer: its unread body is not counted again when the client ends', async () => {
    const { gw, port, accessLines } = await startGateway({ maxBodyBytes: 1000 });
    const c = await client(port);
    c.socket.write(get('/v1/slow?ms=300') + `POST /v1/up HTTP/1.1\r\nHost: gw\r\nContent-Length: 2000000\r\n\r\n${'x'.repeat(100)}`);
    await new Promise((r) => setTimeout(r, 100));
    c.socket.end(); // FIN in the middle of the announced body
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      accessLines()
        .map((l) => l.status)
        .sort(),
    ).toEqual([200, 413]);
    const metrics = await gw.metrics.registry.getSingleMetricAsString('http_requests_total');
    expect([...metrics.matchAll(/^http_requests_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0)).toBe(2);
  });

  it('a malformed request behind answers in flight cuts the connection; those requests are logged as the gateway cut', async () => {
    const { gw, port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/hold?a') + get('/hold?b') + `GET /v1/x HTTP/1.1\r\nHost: gw\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    await c.closed;
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    const lines = accessLines().filter((l) => l.path === '/hold');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatchObject({ status: 503, cut: 'client-error' });
  });

  it('on shutdown, a request in flight on its own connection is answered with Connection: close', async () => {
    const { gw, port } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/v1/one?ms=200'));
    await eventually('upstream', () => (upstream.paths.length === 1 ? true : undefined));
    const stopped = gw.shutdown();
    await c.closed;
    await stopped;
    expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.got().toLowerCase()).toContain('connection: close');
  });

  it('a response queued behind a held one is dropped when the client closes, freeing its upstream connection', async () => {
    const { gw, port } = await startGateway({ maxPipelinedRequests: 4 });
    const c = await client(port);
    // The first never answers; the second's 8 MiB body cannot reach the socket before it.
    c.socket.write(get('/hold') + get('/big'));
    await eventually('both upstream', () => (upstream.paths.length === 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    c.socket.destroy();
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 5000);
    await eventually('upstream let go', () => (upstream.active === 0 ? true : undefined), 5000);
  });
});

describe('Connection: close', () => {
  it('answers the request that asked to close, and ignores what the client pipelined after it', async () => {
    const { gw, port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/v1/first?ms=50', 'Connection: close\r\n') + get('/v1/second'));
    await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.got()).toContain('"path":"/v1/first?ms=50"');
    expect(upstream.paths).toEqual(['/v1/first?ms=50']);
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined));
    expect(accessLines().map((l) => l.status)).toEqual([200]);
  });
});

describe('a client that stops reading', () => {
  it('is closed after clientIdleTimeoutMs and its upstream attempt is let go', async () => {
    const { gw, port, accessLines } = await startGateway(
      { clientIdleTimeoutMs: 1000 },
      { connectTimeoutMs: 100, headersTimeoutMs: 390, bodyTimeoutMs: 900 },
    );
    const c = await client(port);
    c.socket.pause(); // reads nothing: a 256 MiB answer stalls once the socket buffers are full
    c.socket.write(get('/big?mb=256'));
    await eventually('upstream started', () => (upstream.paths.length === 1 ? true : undefined));
    const started = Date.now();
    // The gateway closes the connection about a second after the last byte moved, which ends the request.
    await eventually('no request in flight', () => (gw.inflight === 0 ? true : undefined), 10_000);
    await eventually('upstream let go', () => (upstream.active === 0 ? true : undefined), 5000);
    // Once, not twice: Node's socket timeout let the stuck write postpone it, and cut after ~2 s.
    const cutAfter = Date.now() - started;
    expect(cutAfter).toBeGreaterThanOrEqual(900);
    expect(cutAfter).toBeLessThan(1800);
    // The gateway's doing, not the client's.
    expect(accessLines()).toEqual([expect.objectContaining({ status: 200, cut: 'client-idle-timeout' })]);
  }, 15_000);
});

describe('requests refused before routing', () => {
  it('answers 431 above maxHeaderCount header fields, and serves exactly that many', async () => {
    const { port, accessLines } = await startGateway({ maxHeaderCount: 20 });
    const headers = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']));
    // call() adds Host and Connection: 18 + 2 = 20 fields.
    expect((await call(port, '/v1/a', { headers: headers(18) })).status).toBe(200);
    const over = await call(port, '/v1/a', { headers: headers(19) });
    expect(over.status).toBe(431);
    expect(JSON.parse(over.body)).toEqual({ error: 'too-many-headers', detail: 'more than 20 header fields' });
    expect(accessLines().map((l) => l.status)).toEqual([200, 431]);
  });

  it('answers 400 to a repeated x-user-id or x-residency-zone instead of routing a joined value', async () => {
    const { port } = await startGateway();
    for (const name of ['X-User-Id', 'X-Residency-Zone']) {
      const c = await client(port);
      c.socket.write(get('/v1/a', `${name}: emea\r\n${name}: emea\r\nConnection: close\r\n`));
      await c.closed;
      expect(c.got()).toMatch(/^HTTP\/1\.1 400 /);
      expect(c.got()).toContain(`"error":"repeated-header","detail":"${name.toLowerCase()} appears more than once; allowed: one value"`);
    }
    expect(upstream.paths).toEqual([]);
    // One value with a comma in it is one value.
    expect((await call(port, '/v1/a', { headers: { 'x-forwarded-for': GB_IP, 'x-user-id': 'a,b' } })).status).toBe(200);
  });

  it('answers 405 to TRACE and never forwards it', async () => {
    const { port } = await startGateway();
    const answer = await call(port, '/v1/a', { method: 'TRACE', headers: { 'x-forwarded-for': GB_IP } });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toContain('GET');
    expect(upstream.paths).toEqual([]);
  });

  it.each([
    [
      'a transfer coding other than chunked (before: gzip dropped, the compressed bytes forwarded as plain)',
      'POST /v1/te HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: 81.2.69.142\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      501,
      /"error":"transfer-coding-not-implemented","detail":"Transfer-Encoding \\"gzip, chunked\\"; allowed: chunked"/,
    ],
    [
      'an HTTP/1.1 request without Host (before: forwarded)',
      'GET /v1/nohost HTTP/1.1\r\nX-Forwarded-For: 81.2.69.142\r\n\r\n',
      400,
      /"error":"bad-host","detail":"no Host header fields; allowed: exactly one Host field holding one host\[:port\] \(HTTP\/1\.1\)"/,
    ],
    [
      'a Host that is a list (found by review: forwarded)',
      'GET /v1/hostlist HTTP/1.1\r\nHost: a, b\r\nX-Forwarded-For: 81.2.69.142\r\n\r\n',
      400,
      /"detail":"Host \\"a, b\\"; allowed: exactly one Host field/,
    ],
    [
      'an HTTP version other than 1.0 and 1.1 (found by review: HTTP/2.0 with two Hosts forwarded)',
      'GET /v1/v2 HTTP/2.0\r\nHost: a\r\nHost: b\r\nX-Forwarded-For: 81.2.69.142\r\n\r\n',
      505,
      /"error":"http-version-not-supported","detail":"HTTP\/2\.0; allowed: HTTP\/1\.1 or HTTP\/1\.0"/,
    ],
    [
      'two Host fields (before: the first forwarded as x-forwarded-host)',
      'GET /v1/twohosts HTTP/1.1\r\nHost: a\r\nHost: b\r\nX-Forwarded-For: 81.2.69.142\r\n\r\n',
      400,
      /"detail":"2 Host header fields; allowed: exactly one/,
    ],
  ])('refuses %s, closes the connection, forwards nothing', async (_name, raw, status, body) => {
    const { port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(raw);
    await c.closed;
    expect(c.got()).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(c.got().toLowerCase()).toContain('connection: close');
    expect(c.got()).toMatch(body);
    expect(upstream.paths).toEqual([]);
    expect(accessLines()).toEqual([expect.objectContaining({ status })]);
  });

  it('an HTTP/1.0 request without Host is served (Host is an HTTP/1.1 requirement)', async () => {
    const { port } = await startGateway();
    const c = await client(port);
    c.socket.write('GET /v1/old HTTP/1.0\r\nX-Forwarded-For: 81.2.69.142\r\n\r\n');
    await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
    expect(upstream.paths).toEqual(['/v1/old']);
  });

  it('never forwards or logs a fragment', async () => {
    const { port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/v1/cb?x=1#access_token=SECRET', 'Connection: close\r\n'));
    await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
    expect(upstream.paths).toEqual(['/v1/cb?x=1']);
    expect(JSON.stringify(accessLines())).not.toContain('SECRET');
  });
});

describe('Expect', () => {
  it('sends 100 Continue for a body within the limit, and a 413 without it for a declared length over the limit', async () => {
    const { port, accessLines } = await startGateway({ maxBodyBytes: 1000 });
    const small = await client(port);
    small.socket.write(`POST /v1/a HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: ${GB_IP}\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n`);
    await eventually('100 Continue', () => (small.got().startsWith('HTTP/1.1 100 Continue\r\n') ? true : undefined));
    small.socket.write('hello');
    await eventually('200', () => (/HTTP\/1\.1 200 /.test(small.got()) ? true : undefined));
    const big = await client(port);
    big.socket.write(`POST /v1/a HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n`);
    await big.closed;
    expect(big.got()).toMatch(/^HTTP\/1\.1 413 /);
    expect(big.got()).not.toContain('100 Continue');
    expect(accessLines().map((l) => l.status)).toEqual([200, 413]);
  });

  it('answers any other expectation 417 as JSON, logged and counted once', async () => {
    const { gw, port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(`GET /v1/a HTTP/1.1\r\nHost: gw\r\nExpect: teapot\r\n\r\n`);
    await c.closed;
    expect(c.got()).toMatch(/^HTTP\/1\.1 417 /);
    expect(c.got()).toContain('"error":"expectation-failed"');
    expect(accessLines().map((l) => l.status)).toEqual([417]);
    expect(await gw.metrics.registry.getSingleMetricAsString('http_requests_total')).toMatch(/status="417"[^\n]*\} 1$/m);
    expect(upstream.paths).toEqual([]);
  });
});

describe('upstream answers Node cannot write as they came', () => {
  it('passes UTF-8 header values through as their bytes, drops a header whose name is no token and logs it', async () => {
    const { port, accessLines } = await startGateway();
    const c = await client(port);
    c.socket.write(get('/odd-headers', 'Connection: close\r\n'));
    await c.closed;
    const text = c.got();
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(Buffer.from(text, 'latin1').includes(Buffer.from('x-city: 東京', 'utf8'))).toBe(true);
    // A character below U+0100 too: the upstream's C3 A9, not Latin-1's E9.
    expect(Buffer.from(text, 'latin1').includes(Buffer.from('x-cafe: café\r\n', 'utf8'))).toBe(true);
    expect(text.toLowerCase()).toContain('x-plain: yes');
    expect(text.toLowerCase()).not.toContain('x-bad');
    expect(text.endsWith('ok')).toBe(true);
    const [line] = accessLines();
    expect(line).toMatchObject({ status: 200, droppedResponseHeaders: ['x-bad name'] });
  });

  it('answers a 304 that announces a length at once, without waiting for a body that never comes', async () => {
    const { port, accessLines } = await startGateway();
    const started = Date.now();
    const answer = await call(port, '/304', { headers: { 'x-forwarded-for': GB_IP } });
    expect(answer.status).toBe(304);
    expect(answer.headers.etag).toBe('"v1"');
    expect(Date.now() - started).toBeLessThan(2000); // the upstream body timeout is 30 s
    expect(accessLines()[0]).toMatchObject({ status: 304 });
    expect(accessLines()[0].streamError).toBeUndefined();
  });
});

describe('limits that contradict each other', () => {
  it.each([
    [{ requestTimeoutMs: 3000 }, undefined, /limits\.headersTimeoutMs: 10000; allowed: at most limits\.requestTimeoutMs \(3000\)/],
    [
      { clientIdleTimeoutMs: 20_000 },
      undefined,
      /limits\.clientIdleTimeoutMs: 20000; allowed: more than 34000 ms, the longest silence the upstream timeouts allow \(an attempt and its retry, each connect 2000 \+ headers 15000 ms; body 30000 ms\)/,
    ],
    [
      { clientIdleTimeoutMs: 5000 },
      { bodyTimeoutMs: 5000 },
      /limits\.clientIdleTimeoutMs: 5000; allowed: more than 34000 ms, .*body 5000 ms\)/,
    ],
  ])('refuses %j (upstream %j) naming both values', (limits, upstreamOptions, message) => {
    const table = fastTable();
    expect(
      () =>
        new Gateway({
          table,
          resolveUpstreams: () => Object.fromEntries(table.regions.map((r) => [r.id, upstream.url])),
          limits,
          upstream: upstreamOptions,
          logger: pino({ enabled: false }),
        }),
    ).toThrow(message);
  });
});
