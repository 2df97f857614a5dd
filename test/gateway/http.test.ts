/** The gateway's header copy (hop-by-hop headers and those named by Connection are never forwarded) and its response stream. */
import { createServer, request, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { endToEndHeaders, forwardBody, logPath } from '../../gateway/private/http';

test.each([
  ['keep-alive', { 'keep-alive': 'timeout=5', 'x-a': '1' }, { 'x-a': '1' }],
  ['Close', { 'x-a': '1' }, { 'x-a': '1' }],
  ['KEEP-ALIVE, x-secret', { 'x-secret': 's', 'x-a': '1' }, { 'x-a': '1' }],
  ['x-secret,  X-Other ', { 'x-secret': 's', 'x-other': 'o', 'x-a': '1' }, { 'x-a': '1' }],
  ['x-secret', { 'x-secret': 's', 'x-a': '1' }, { 'x-a': '1' }],
])('Connection: %s', (connection, rest, expected) => {
  expect(endToEndHeaders({ connection, 'transfer-encoding': 'chunked', te: 'trailers', upgrade: 'h2c', ...rest }, new Set())).toEqual(
    expected,
  );
});

test('an array Connection header and the skip set', () => {
  expect(
    endToEndHeaders({ connection: ['close', 'x-one'] as unknown as string, 'x-one': '1', host: 'h', 'x-two': '2' }, new Set(['host'])),
  ).toEqual({ 'x-two': '2' });
});

describe('forwardBody (the response stream of the gateway and the bare proxy)', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  /** A server answering every request with `body()` through forwardBody; resolves with its URL and what `done` got. */
  async function serveBody(body: () => Readable): Promise<{ url: string; outcome: Promise<Error | undefined>; source: Promise<Readable> }> {
    let report!: (err: Error | undefined) => void;
    let handOver!: (r: Readable) => void;
    const outcome = new Promise<Error | undefined>((resolve) => (report = resolve));
    const source = new Promise<Readable>((resolve) => (handOver = resolve));
    const server = createServer((_req, res) => {
      const b = body();
      handOver(b);
      res.writeHead(200, { 'content-type': 'text/plain' });
      forwardBody(b, res, report);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, outcome, source };
  }

  /** GET `url`: the text received, whether the response completed, and the error if it was cut. */
  function get(url: string, onFirstChunk?: (req: ClientRequest) => void): Promise<{ text: string; complete: boolean; error?: string }> {
    return new Promise((resolve) => {
      let text = '';
      const req = request(url, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text === '') onFirstChunk?.(req);
          text += chunk;
        });
        res.on('end', () => resolve({ text, complete: res.complete }));
        res.on('error', (err) => resolve({ text, complete: false, error: err.message }));
        res.on('aborted', () => resolve({ text, complete: false, error: 'aborted' }));
      });
      req.on('error', (err) => resolve({ text, complete: false, error: err.message }));
      req.end();
    });
  }

  it('streams the whole body and reports success', async () => {
    const { url, outcome } = await serveBody(() => Readable.from(['hello, ', 'world'], { objectMode: false }));
    expect(await get(url)).toEqual({ text: 'hello, world', complete: true });
    expect(await outcome).toBeUndefined();
  });

  it('cuts the response when the body fails midway, so the client cannot take it for complete', async () => {
    const { url, outcome } = await serveBody(() => {
      const r = new Readable({ read() {} });
      r.push('part of it');
      setTimeout(() => r.destroy(new Error('upstream reset')), 50);
      return r;
    });
    const got = await get(url);
    expect(got.complete).toBe(false);
    expect(got.text).toBe('part of it');
    expect((await outcome)?.message).toBe('upstream reset');
  });

  it('destroys the body when the client goes away midway (freeing the upstream connection)', async () => {
    const { url, outcome, source } = await serveBody(() => {
      const r = new Readable({ read() {} });
      r.push('first chunk');
      return r; // never ends by itself
    });
    const got = await get(url, (req) => req.destroy());
    expect(got.complete).toBe(false);
    expect((await outcome)?.message).toMatch(/client closed/);
    expect((await source).destroyed).toBe(true);
  });
});

test.each([
  ['/v1/chat?user=1', '/v1/chat'],
  ['/cb#access_token=s', '/cb'],
  ['/cb#s?tok=1', '/cb'],
  ['/cb?x=1#s', '/cb'],
  ['https://u:p@h:99/a/b?c', '/a/b'],
  ['http://api.example.com/v1/abs?x=1', '/v1/abs'],
  ['HTTP://user@host', '/'],
  ['*', '*'],
  ['1.2.3.4:443', ''],
  ['http://[bad', ''],
  ['garbage', ''],
  [undefined, ''],
])('the access log records %s as %j: the path only, never userinfo, host, query or fragment', (url, path) => {
  expect(logPath(url)).toBe(path);
});
