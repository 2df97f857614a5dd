/** HTTP helpers of the gateway: hop-by-hop headers, idempotency, small JSON answers. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

/** RFC 9110 §7.6.1 hop-by-hop headers, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** RFC 9110 §9.2.2 idempotent methods: retried once on another region of the zone. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  // The common values name no header: skip the split.
  if (text.length <= 10) {
    const lower = text.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') return undefined;
  }
  const tokens = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive');
  return tokens.length === 0 ? undefined : new Set(tokens);
}

/**
 * Copies headers without hop-by-hop ones, those named by `Connection` (except `kept`: a header the
 * gateway acted on, such as the user id it sharded by, reaches the upstream as it was read), and `skip`.
 */
export function endToEndHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  skip: ReadonlySet<string>,
  kept?: ReadonlySet<string>,
): Record<string, string | string[]> {
  const named = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || skip.has(name) || (named?.has(name) && !kept?.has(name))) continue;
    out[name] = value;
  }
  return out;
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Response header values as the upstream sent their bytes: undici decodes header bytes as UTF-8 and
 * Node writes every character below U+0100 as one byte, so an `é` sent as C3 A9 would leave as E9
 * (and `東京` would be refused). A value with a non-ASCII character is handed to Node as its UTF-8
 * bytes, one character each. Bytes that were not UTF-8 reached the gateway as U+FFFD already and leave
 * as its UTF-8 bytes. Request headers need nothing: Node reads them as Latin-1 and undici writes
 * them back as Latin-1, byte for byte.
 */
export function responseHeaderBytes(headers: Record<string, string | string[]>): void {
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') {
      if (NON_ASCII.test(value)) headers[name] = Buffer.from(value, 'utf8').toString('latin1');
    } else if (value.some((v) => NON_ASCII.test(v))) {
      headers[name] = value.map((v) => (NON_ASCII.test(v) ? Buffer.from(v, 'utf8').toString('latin1') : v));
    }
  }
}

/** Answers a small JSON document (the gateway's own answers: refusals, errors, admin). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The first value of a header (Node joins most duplicates; a few arrive as arrays). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0] : v;
}

/** The path of a request URL without its query (what the access log records). */
export function pathOnly(url: string | undefined): string {
  if (url === undefined) return '';
  // The query and a fragment (never part of a request target, may hold a token), whichever comes first.
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const cut = q < 0 ? h : h < 0 ? q : Math.min(q, h);
  const path = cut < 0 ? url : url.slice(0, cut);
  return path.length > 256 ? `${path.slice(0, 256)}…` : path;
}

/**
 * The path the access log records for a request target: origin-form without its query;
 * absolute-form (`http://user:pass@host/p?q`) as its path only (`/p`), never its userinfo or host;
 * `*` as is; anything else (CONNECT's `host:port`, garbage) as ''.
 */
export function logPath(url: string | undefined): string {
  if (url === undefined || url === '') return '';
  if (url.charCodeAt(0) === 47 /* / */) return pathOnly(url);
  if (url === '*') return '*';
  if (!/^https?:\/\//i.test(url)) return '';
  try {
    return pathOnly(new URL(url).pathname);
  } catch {
    return '';
  }
}

/**
 * The request target as a path for the upstream (RFC 9112 §3.2): origin-form as is, absolute-form
 * (`http://host/path?q`) reduced to its path and query; undefined for anything else (`*`,
 * authority-form, garbage), which no upstream should receive.
 */
export function originForm(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  if (url.charCodeAt(0) === 47 /* / */) {
    // A fragment is the client's own and never sent (RFC 9110 §4.2.4); some clients send it anyway.
    const hash = url.indexOf('#');
    return hash < 0 ? url : url.slice(0, hash);
  }
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

const ignore = () => undefined;

/**
 * Streams an upstream response body into the client's response; `done` is called once: without an
 * error when the response has been handed to the socket, with one when the body failed (the
 * client's response is then cut, so it cannot pass for complete) or the client went away first
 * (the body is then destroyed, which frees the upstream connection). `gone`, the client
 * connection's emitter, emits 'abort' when the connection closes: a response still queued behind
 * pipelined ones then never gets a socket and emits neither 'finish' nor 'close' itself.
 *
 * What `stream.pipeline(body, res, done)` does for these two streams, without its cost: in Node 20
 * every pipeline creates an AbortController and aborts it when it completes, constructing a
 * DOMException with a stack trace; that was ~10 % of a proxy's CPU per request (CPU profile of the
 * gateway and of the bare proxy under paced load).
 */
export function forwardBody(body: Readable, res: ServerResponse, done: (err?: Error) => void, gone?: EventEmitter): void {
  let settled = false;
  const onGone = () => {
    body.destroy();
    res.destroy();
    settle(new Error('the client connection closed before the response was sent'));
  };
  const settle = (err?: Error) => {
    if (settled) return;
    settled = true;
    gone?.removeListener('abort', onGone);
    done(err);
  };
  gone?.once('abort', onGone);
  body.on('error', (err: Error) => {
    res.destroy();
    settle(err);
  });
  res.on('error', ignore); // the socket's errors are the server's; the close below settles
  res.once('finish', () => settle());
  res.once('close', () => {
    if (res.writableFinished) {
      settle();
      return;
    }
    body.destroy();
    settle(new Error('the client closed the connection before the response was sent'));
  });
  body.pipe(res);
}
