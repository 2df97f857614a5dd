/**
 * The reference gateway: an HTTP server that asks the runtime for a region per request and proxies
 * to that region's upstream with undici.
 *
 * Per request: admin paths (`/healthz`, `/readyz`, `/metrics`), and on the traffic port the routing
 * table's health-check path (`failover.healthCheck.path`, answered with readiness) → body read within the limit →
 * routing decision (residency first: a refusal is a 503, never a region of another zone) → forward
 * to the region's pool → an idempotent request that cannot connect, times out or gets a 5xx is
 * retried once on the next region allowed for the user's zone → answer streamed back → metrics,
 * passive health, one access-log line.
 */
import { realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import {
  createServer,
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { basename, dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { countryForIp } from '../runtime/geo';
import type { ProbeFn } from '../runtime/health';
import { loadRoutingTable } from '../runtime/load-table';
import { METRIC_NONE, METRIC_UNKNOWN } from '../runtime/metric-names';
import { checkClientAddressHeader } from '../runtime/client-address';
import { ORIGIN_AUTH_HEADER } from '../runtime/origin-auth';
import { formatProblem, formatValue } from '../runtime/problem';
import { checkPort, invalidInput, isRecord } from '../runtime/private/invalid-input';
import { PREFERRED_REGION_HEADER, type RouteResult } from '../runtime/router';
import { RoutingTableError, servingRegionIds, type RoutingTable, type RoutingTableProblem } from '../runtime/routing-table';
import { RoutingRuntime, type RuntimeState } from '../runtime/routing-runtime';
import type { ServiceRegistry } from '../runtime/registry/types';
import { GatewayMetrics } from './metrics';
import { accessLogLine } from './private/access-log';
import { isoTimeCachedPerMs } from './private/iso-time';
import { LogBatch } from './private/log-batch';
import {
  endToEndHeaders,
  forwardBody,
  responseHeaderBytes,
  headerValue,
  isIdempotent,
  logPath,
  originForm,
  pathOnly,
  sendJson,
} from './private/http';
import { RegistryUpstreams } from './registry-upstreams';
import { checkUpstreamUrl, longestUpstreamSilenceMs, RegionUpstreams, UpstreamConfigError, type UpstreamPoolOptions } from './upstreams';

/** Bounds on what a client may send. */
export interface GatewayLimits {
  /** Largest request header block (bytes); larger gets 431. @default 16384 */
  readonly maxHeaderBytes?: number;
  /** Largest request body (bytes); larger gets 413. @default 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
  /** Time for a client to send its headers (slowloris); then 408. @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Time for a client to send the whole request; then 408. @default 30000 */
  readonly requestTimeoutMs?: number;
  /**
   * Idle keep-alive time of a client connection. Behind a load balancer that reuses connections,
   * longer than the load balancer's idle timeout (the container image sets 65 s for the ALB's 60 s):
   * a connection the gateway closes first can carry the next request as it closes (a 502 from the
   * load balancer). Less than `clientIdleTimeoutMs`. @default 5000
   */
  readonly keepAliveTimeoutMs?: number;
  /** Longest `x-preferred-region` considered; a longer one is ignored. @default 64 */
  readonly maxPreferredRegionLength?: number;
  /** Most header fields in a request; more gets 431 (Node would drop the rest silently). @default 100 */
  readonly maxHeaderCount?: number;
  /**
   * Pipelined requests of one connection proxied at once; later ones wait their turn (the client's
   * answers go out in order anyway), so one connection cannot fan out to thousands of upstream calls.
   * @default 8
   */
  readonly maxPipelinedRequests?: number;
  /**
   * A client connection on which no byte moves either way for this long is closed, e.g. a client
   * that stops reading its answer (nginx's send_timeout); above the upstream timeouts. @default 60000
   */
  readonly clientIdleTimeoutMs?: number;
}

export const LIMIT_DEFAULTS: Required<GatewayLimits> = {
  maxHeaderBytes: 16_384,
  maxBodyBytes: 1_048_576,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxPreferredRegionLength: 64,
  maxHeaderCount: 100,
  maxPipelinedRequests: 8,
  clientIdleTimeoutMs: 60_000,
};

/** Header carrying the authenticated user id (set by the auth layer in front of the gateway). */
export const USER_ID_HEADER = 'x-user-id';
/** Header carrying the user's residency zone from their account (set by the auth layer). */
export const RESIDENCY_ZONE_HEADER = 'x-residency-zone';
/** Response headers telling the client which region and rule served it. */
export const REGION_RESPONSE_HEADER = 'x-served-by-region';
export const REASON_RESPONSE_HEADER = 'x-routing-reason';
/** Headers added to the upstream request: the routed region and the user's shard. */
export const UPSTREAM_REGION_HEADER = 'x-taishanglaojun-region';
export const UPSTREAM_SHARD_HEADER = 'x-taishanglaojun-shard';

export interface GatewayProps {
  /** The routing table to start with (validated again here). */
  readonly table: RoutingTable;
  /** File the table came from: reloaded on SIGHUP / {@link Gateway.reload} and watched. @default none (no reload) */
  readonly tableFile?: string;
  /** Watch `tableFile` and reload when it changes. @default true when tableFile is set */
  readonly watchTable?: boolean;
  /**
   * Upstream origin per region for a table (called again on reload). Throws to reject a table
   * whose regions it cannot serve. @default none: every region from `registry`
   */
  readonly resolveUpstreams?: (table: RoutingTable) => Readonly<Record<string, string>>;
  /** Service registry holding each region's upstream instances. @default none */
  readonly registry?: ServiceRegistry;
  /** Service name of the upstream instances in the registry. @default 'api' */
  readonly registryService?: string;
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For is believed. @default none */
  readonly trustedProxies?: readonly string[];
  /**
   * A header naming the client (e.g. `cf-connecting-ip`), believed from trusted proxies before
   * X-Forwarded-For: only behind the stacks' origin authentication (README). @default none
   */
  readonly clientAddressHeader?: string;
  /** Client limits. @default {@link LIMIT_DEFAULTS} */
  readonly limits?: GatewayLimits;
  /** Upstream pools and timeouts. @default UPSTREAM_DEFAULTS */
  readonly upstream?: UpstreamPoolOptions;
  /** Active health checks against every upstream. @default true */
  readonly activeHealthChecks?: boolean;
  /** Probe for the active checks. @default the runtime's fetch probe */
  readonly probe?: ProbeFn;
  /** Logger for access and event lines. @default pino to stdout */
  readonly logger?: Logger;
  /** Write the client address into access logs (personal data). @default false */
  readonly logClientAddress?: boolean;
  /**
   * Serve /healthz, /readyz and /metrics on this port only (0: any free port). The table's
   * health-check path (`failover.healthCheck.path`) is answered on the main port either way.
   * @default on the main port
   */
  readonly adminPort?: number;
  /** Time given to in-flight requests on shutdown before connections are cut. @default 10000 */
  readonly drainTimeoutMs?: number;
  /**
   * Time the service registry has at start to answer every region's instances; past it `listen`
   * fails with a message naming the registry (an unreachable etcd would otherwise hold the start
   * forever, silently: its client retries without end). @default 10000
   */
  readonly registryStartTimeoutMs?: number;
  /**
   * How long a region the registry leaves without any instance keeps its last ones (an etcd hang
   * past the lease TTL expires every lease at once, a wiped store lists nothing, and the instances
   * register again within seconds: without this, every region of a zone emptied and its users were
   * refused meanwhile). A real outage is taken out of traffic by the health checks meanwhile. @default 5000
   */
  readonly registryEmptyHoldMs?: number;
  /** Default Node process metrics on /metrics. @default true */
  readonly processMetrics?: boolean;
}

export type ReloadTrigger = 'sighup' | 'watch' | 'api';
export type GatewayReloadResult = { ok: true; table: RoutingTable } | { ok: false; problems: RoutingTableProblem[] };

type AttemptOutcome =
  | { kind: 'response'; status: number; data: Dispatcher.ResponseData }
  /** The client's connection closed first: the upstream attempt was cancelled, nothing to answer. */
  | { kind: 'gone' }
  | { kind: 'error'; cause: 'connect-error' | 'timeout' | 'reset'; message: string }
  /** The request itself cannot be forwarded (undici refused its arguments): the client's fault, not the upstream's. */
  | { kind: 'unforwardable'; message: string }
  /** The gateway's own shutdown cut the attempt at the drain deadline: nothing the upstream did. */
  | { kind: 'cut' };

/**
 * A client connection: its pipelined requests are routed and forwarded at most `maxPipelinedRequests`
 * at a time (each body is read first; the rest wait in arrival order), and its end cancels what is
 * left of them: `gone` emits 'abort',
 * which undici takes as the upstream request's signal (an EventEmitter; one per connection, not per
 * request) and which drops a body still streaming into a response the socket can no longer carry.
 * Node emits nothing on the responses of pipelined requests that never got the socket.
 */
interface ClientConnection {
  readonly socket: Duplex;
  /** Requests of this connection past their turn (routing, upstream, answer), at most maxPipelinedRequests. */
  active: number;
  /** Requests whose body is read and which wait for a turn, in arrival order (true: go; false: the connection closed). */
  waiting: Array<(go: boolean) => void> | undefined;
  readonly gone: EventEmitter;
  closed: boolean;
  /** Requests seen on the connection (each request's number, in pipeline order). */
  seq: number;
  /**
   * The number of the request whose answer closes the connection (`Connection: close`), Infinity
   * while none: requests after it cannot be answered and are not forwarded; those before it are.
   */
  closeAfter: number;
  /** Why the gateway cut it (logged as `cut` on its requests), or undefined when it did not. */
  cutBy: string | undefined;
  /** Its requests received and not yet settled (a drain closes the connection when this reaches 0). */
  inflight: number;
  /** Bytes read and written at the last idle sweep, and since when that count has not moved (performance.now()). */
  bytesSeen: number;
  still: number;
  /** Header and body bytes held by its requests that wait for a turn (at most PIPELINE_MAX_WAITING_BYTES). */
  waitingBytes: number;
}

/**
 * Requests waiting for a turn on one connection at which the connection is cut: Node's parser
 * reads on whatever the socket is told, so a client pipelining far ahead would otherwise hold a
 * request and a response object (~3 KB) per request it sends.
 */
const PIPELINE_MAX_WAITING = 1024;

/** Whether a response of an earlier (pipelined) request is still pending on the socket: nothing may be written ahead of it. */
function hasPendingAnswer(socket: Duplex): boolean {
  return Boolean((socket as Duplex & { _httpMessage?: unknown })._httpMessage);
}

/** Registry changes arriving within this many ms of each other are applied together. */
export const REGISTRY_SETTLE_MS = 100;
/** Instances of one region taken from the registry (each is health-checked every interval). */
export const MAX_REGISTRY_INSTANCES = 128;
/** Default of {@link GatewayProps.registryEmptyHoldMs}. */
export const DEFAULT_REGISTRY_EMPTY_HOLD_MS = 5000;

/** An admin path followed by a query string (the gateway answers it; the query is ignored). */
const ADMIN_PATH_WITH_QUERY = /^\/(?:healthz|readyz|metrics)\?/;

/**
 * Upstream answers that count against a region's passive health (with refusals, resets and
 * timeouts): the gateway-failure statuses, as Envoy's `consecutive_gateway_failure` counts them.
 */
export const REGION_FAILURE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Header and body bytes the requests waiting for a turn on one connection may hold together before
 * the connection is cut (`pipeline-overflow`): each body is read at once (up to --max-body-bytes),
 * so without this one connection pipelining 1,024 one-MiB bodies behind a slow request held ~1 GiB
 * (and 1,024 requests with 15 KB of headers each ~30 MB).
 */
export const PIPELINE_MAX_WAITING_BYTES = 4 * 1024 * 1024;

/** Answers a request whose body is being read, from the server's client-error path (parser error, request timeout). */
type BodyAnswer = (status: number, error: string, detail: string, code: string) => void;

/** The access-log `cut` value of a request the gateway's shutdown cut at the drain deadline. */
export const CUT_DRAIN_DEADLINE = 'drain-deadline';
/** `gateway_upstream_requests_total` status of an attempt cancelled because its client went away. */
const UPSTREAM_CANCELLED = 'cancelled';
/** `gateway_upstream_requests_total` status of an attempt cut at the drain deadline. */
const UPSTREAM_CUT = 'cut';

/** The access-log `cut` value of a request whose connection the gateway closed for idleness (clientIdleTimeoutMs). */
export const CUT_CLIENT_IDLE = 'client-idle-timeout';
/** The access-log `cut` value of the requests of a connection cut for pipelining more than PIPELINE_MAX_WAITING requests ahead. */
export const CUT_PIPELINE_OVERFLOW = 'pipeline-overflow';
/** The access-log `cut` value of the requests of a connection cut by a malformed request behind them (the parser cannot go on). */
export const CUT_CLIENT_ERROR = 'client-error';
/** The access-log `cut` value of a pipelined request after an answer that closed the connection: never forwarded, never answered. */
export const CUT_CONNECTION_CLOSING = 'connection-closing';
/** Status logged and counted for a request cut at the drain deadline (the client gets no answer). */
export const CUT_STATUS = 503;
/** Status logged and counted for a client that went away before its request body arrived. */
export const CLIENT_GONE_STATUS = 499;

/** Request headers the gateway routes by: forwarded as read even when `Connection` names them (it would hide them from the upstream). */
const ROUTING_REQUEST_HEADERS: ReadonlySet<string> = new Set([USER_ID_HEADER, RESIDENCY_ZONE_HEADER]);

/**
 * Request headers never forwarded as received: the gateway sets the forwarding headers itself (a
 * client's own `Forwarded`/`X-Real-IP` would otherwise reach the upstream as if the gateway had
 * vouched for them), the edge's origin-authentication secret, and `Expect` is answered here (Node sends 100 Continue; the body is read
 * before the upstream is called).
 */
const SKIP_REQUEST = new Set([
  'host',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
  'x-real-ip',
  'expect',
  UPSTREAM_REGION_HEADER,
  UPSTREAM_SHARD_HEADER,
  ORIGIN_AUTH_HEADER, // the edge's shared secret: proof for the load balancer, not for the apps or their logs
]);
const SKIP_RESPONSE = new Set<string>();
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_MISSING_UPSTREAM',
  'UND_ERR_BPL_MISSING_UPSTREAM',
]);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** undici refusing the request before sending it: never an upstream failure, never retried. */
const REQUEST_ERRORS = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** What the table file resolves to now (target path, inode, size, mtime); undefined when it cannot be read. */
function fileFingerprint(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${realpathSync(file)}|${st.ino}|${st.size}|${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidInput(`gateway ${name}`, value, 'an integer > 0');
  if (!Number.isInteger(value) || value <= 0) throw invalidInput(`gateway ${name}`, value, 'an integer > 0', true);
  return value;
}

/**
 * What `resolveUpstreams` answers for a table, each URL checked as the CLI's are (an absolute
 * http(s) origin): anything else is an {@link UpstreamConfigError} naming the region and the value.
 */
function resolveStatic(resolve: GatewayProps['resolveUpstreams'], table: RoutingTable): Record<string, string> {
  if (resolve === undefined) return {};
  const found: unknown = resolve(table);
  if (!isRecord(found))
    throw new UpstreamConfigError([
      `resolveUpstreams(table): ${formatValue(found)}; allowed: an object of region id → upstream origin URL such as { "eu-west-1": "http://127.0.0.1:9101" }`,
    ]);
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const [region, url] of Object.entries(found)) {
    if (url === undefined) continue;
    const checked = checkUpstreamUrl(`resolveUpstreams(table)[${JSON.stringify(region)}]`, url);
    if (checked.ok) out[region] = checked.origin;
    else problems.push(checked.problem);
  }
  if (problems.length > 0) throw new UpstreamConfigError(problems);
  return out;
}

/**
 * The props as a JavaScript caller may pass them: a prop of the wrong type or range is named with
 * its value and what is allowed, here, before anything starts (not as a TypeError from deep inside,
 * nor in listen() after the main port listens). The numbers of `limits` and `upstream` are checked
 * where they are used; the table by the runtime.
 */
function checkProps(props: unknown): GatewayProps {
  if (!isRecord(props)) throw invalidInput('gateway props', props, 'an object such as { table, resolveUpstreams }');
  const p = props;
  const fail = (key: string, allowed: string): never => {
    throw invalidInput(`gateway ${key}`, p[key], allowed);
  };
  const given = (key: string) => p[key] !== undefined;
  if (given('resolveUpstreams') && typeof p.resolveUpstreams !== 'function')
    fail('resolveUpstreams', 'a function (table) => { region: upstream origin URL }');
  if (given('registry') && !(isRecord(p.registry) && typeof p.registry.watch === 'function' && typeof p.registry.discover === 'function'))
    fail('registry', 'a ServiceRegistry (EtcdRegistry, MemoryRegistry)');
  if (given('trustedProxies') && !Array.isArray(p.trustedProxies))
    fail('trustedProxies', 'a list of IP addresses or CIDRs such as ["10.0.0.0/8"]');
  if (given('clientAddressHeader')) checkClientAddressHeader(p.clientAddressHeader); // before anything is opened
  for (const key of ['limits', 'upstream']) if (given(key) && !isRecord(p[key])) fail(key, 'an object');
  const logger = p.logger;
  if (given('logger') && !(isRecord(logger) && ['info', 'warn', 'error'].every((level) => typeof logger[level] === 'function')))
    fail('logger', 'a pino logger (an object with info, warn and error methods)');
  for (const key of ['activeHealthChecks', 'watchTable', 'logClientAddress', 'processMetrics'])
    if (given(key) && typeof p[key] !== 'boolean') fail(key, 'true or false');
  for (const key of ['tableFile', 'registryService'])
    if (given(key) && (typeof p[key] !== 'string' || p[key] === '')) fail(key, 'a non-empty string');
  if (given('probe') && typeof p.probe !== 'function') fail('probe', 'a function (url, signal) => Promise<HTTP status>');
  if (given('adminPort')) checkPort('gateway adminPort', p.adminPort);
  if (given('registryStartTimeoutMs')) positiveInt('registryStartTimeoutMs', p.registryStartTimeoutMs);
  return p as unknown as GatewayProps;
}

/** Classifies an undici error: connect errors never reached the upstream; others may have. */
function classify(err: unknown): { cause: 'connect-error' | 'timeout' | 'reset'; message: string } {
  const code = (err as { code?: string })?.code ?? '';
  const message = err instanceof Error ? `${code ? `${code}: ` : ''}${err.message}` : String(err);
  if (CONNECT_ERRORS.has(code)) return { cause: 'connect-error', message };
  if (TIMEOUT_ERRORS.has(code)) return { cause: 'timeout', message };
  return { cause: 'reset', message };
}

/** The routing header given more than once (Node joins repeats with ", "), or undefined. */
function repeatedIdentityHeader(req: IncomingMessage, userId: string | undefined, zone: string | undefined): string | undefined {
  // A joined value holds ", "; only then are the raw header lines looked at.
  if (userId !== undefined && userId.includes(',') && (req.headersDistinct[USER_ID_HEADER]?.length ?? 0) > 1) return USER_ID_HEADER;
  if (zone !== undefined && zone.includes(',') && (req.headersDistinct[RESIDENCY_ZONE_HEADER]?.length ?? 0) > 1)
    return RESIDENCY_ZONE_HEADER;
  return undefined;
}

/**
 * writeHead, keeping the answer when an upstream header cannot be written as it came (Node refuses
 * characters above U+00FF, control characters and names that are not tokens): a value that undici
 * decoded from UTF-8 is written as those UTF-8 bytes again, anything else unwritable is dropped.
 * Returns the names dropped or re-encoded, or undefined when all went through as they were.
 */
function writeHeadSafely(res: ServerResponse, status: number, headers: Record<string, string | string[]>): string[] | undefined {
  try {
    res.writeHead(status, headers);
    return undefined;
  } catch {
    const changed: string[] = [];
    const clean: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      const fixed = writableHeader(name, value);
      if (fixed !== value) changed.push(name);
      if (fixed !== undefined) clean[name] = fixed;
    }
    res.writeHead(status, clean);
    return changed;
  }
}

function writableHeader(name: string, value: string | string[]): string | string[] | undefined {
  try {
    validateHeaderName(name);
  } catch {
    return undefined;
  }
  const one = (v: string): string | undefined => {
    try {
      validateHeaderValue(name, v);
      return v;
    } catch {
      const bytes = Buffer.from(v, 'utf8').toString('latin1');
      try {
        validateHeaderValue(name, bytes);
        return bytes;
      } catch {
        return undefined;
      }
    }
  };
  if (!Array.isArray(value)) return one(value);
  const out = value.map(one);
  if (out.every((v, i) => v === value[i])) return value;
  const kept = out.filter((v): v is string => v !== undefined);
  return kept.length === 0 ? undefined : kept;
}

export class Gateway {
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly server: Server;
  readonly adminServer: Server | undefined;
  readonly limits: Required<GatewayLimits>;
  readonly #props: GatewayProps;
  readonly #upstreams: RegionUpstreams;
  readonly #drainTimeoutMs: number;
  readonly #runtime: RoutingRuntime;
  /** Regions of the current table without an upstream instance: never chosen. */
  #missing: readonly string[] = [];
  readonly #activeChecks: boolean;
  #registry: RegistryUpstreams | undefined;
  #static: Readonly<Record<string, string>> = {};
  #watcher: FSWatcher | undefined;
  #watchTimer: NodeJS.Timeout | undefined;
  /** Watches the directory a symlinked table file really lives in (see #watch). */
  #targetWatcher: FSWatcher | undefined;
  /** Registry changes not yet applied, by region (applied together, at most every REGISTRY_SETTLE_MS). */
  #pendingOrigins = new Map<string, readonly string[]>();
  #originsTimer: NodeJS.Timeout | undefined;
  /** Regions the registry left empty, kept on their last instances until the timer runs out. */
  readonly #emptyHolds = new Map<string, NodeJS.Timeout>();
  #inflight = 0;
  #idle: Array<() => void> = [];
  #draining = false;
  /** The table whose health-check path {@link #healthPath} holds (re-read when a reload swaps it). */
  #healthPathOf: RoutingTable | undefined;
  #healthPath = '';
  /** The drain deadline passed: the remaining connections and upstream attempts are being cut. */
  #cut = false;
  /** The request whose body is being read on a socket answers that socket's client errors itself. */
  readonly #bodyAnswers = new WeakMap<Duplex, BodyAnswer>();
  /** Sockets whose client error was answered: later parser errors on them are not new requests. */
  readonly #clientErrorAnswered = new WeakSet<Duplex>();
  /** The main server's client connections (the Map holds each until its socket closes). */
  readonly #connections = new Map<Duplex, ClientConnection>();
  #idleSweep: NodeJS.Timeout | undefined;
  /** Responses whose request holds a turn of its connection (released when the request is done). */
  readonly #turnHolders = new WeakSet<ServerResponse>();
  #started = false;
  /** The last listen, settled once it listens or has undone what it started. */
  #listening: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #logDestination: LogBatch | undefined;
  #logFlusher: NodeJS.Timeout | undefined;

  /** Throws for a prop of the wrong type or range, naming it, its value and what is allowed. */
  constructor(gatewayProps: GatewayProps) {
    const props = checkProps(gatewayProps);
    this.#props = props;
    this.limits = { ...LIMIT_DEFAULTS, ...props.limits };
    for (const [k, v] of Object.entries(this.limits)) positiveInt(`limits.${k}`, v);
    if (this.limits.headersTimeoutMs > this.limits.requestTimeoutMs) {
      throw new RangeError(
        `gateway limits.headersTimeoutMs: ${this.limits.headersTimeoutMs}; allowed: at most limits.requestTimeoutMs (${this.limits.requestTimeoutMs}): the headers are part of the request`,
      );
    }
    // A client waits silently while the upstream thinks or pauses: closing it sooner would cut every
    // slow answer the upstream timeouts still allow.
    this.#upstreams = new RegionUpstreams(props.upstream); // checks its numbers
    const upstream = this.#upstreams.options;
    const waitMs = longestUpstreamSilenceMs(upstream);
    if (this.limits.clientIdleTimeoutMs <= waitMs) {
      throw new RangeError(
        `gateway limits.clientIdleTimeoutMs: ${this.limits.clientIdleTimeoutMs}; allowed: more than ${waitMs} ms, the longest silence the upstream timeouts allow (an attempt and its retry, each connect ${upstream.connectTimeoutMs} + headers ${upstream.headersTimeoutMs} ms; body ${upstream.bodyTimeoutMs} ms), or the gateway would cut answers they still allow`,
      );
    }
    // A keep-alive asked for explicitly and longer than the idle sweep would be cut short by it (the
    // default 5 s under a shorter sweep is simply ended by the sweep, as before).
    if (props.limits?.keepAliveTimeoutMs !== undefined && this.limits.keepAliveTimeoutMs >= this.limits.clientIdleTimeoutMs) {
      throw new RangeError(
        `gateway limits.keepAliveTimeoutMs: ${this.limits.keepAliveTimeoutMs}; allowed: less than limits.clientIdleTimeoutMs (${this.limits.clientIdleTimeoutMs}): the idle sweep would close a kept-alive connection first`,
      );
    }
    this.#drainTimeoutMs = positiveInt('drainTimeoutMs', props.drainTimeoutMs ?? 10_000);
    if (props.resolveUpstreams === undefined && props.registry === undefined) {
      throw new Error('gateway: no upstreams; allowed: resolveUpstreams (static URLs) and/or registry (service registry instances)');
    }
    if (props.logger === undefined) {
      // Batched, asynchronous writes to stdout (~64 KiB per write, see LogBatch): a write per request
      // costs throughput; the batch is written synchronously on shutdown.
      this.#logDestination = new LogBatch(pino.destination({ dest: 1, sync: false }));
      this.logger = pino({ base: undefined, timestamp: isoTimeCachedPerMs }, this.#logDestination);
      const destination = this.#logDestination;
      this.#logFlusher = setInterval(() => destination.flush(), 1000).unref(); // at most 1 s late when quiet
    } else {
      this.logger = props.logger;
    }
    this.#activeChecks = props.activeHealthChecks ?? true;
    this.#runtime = new RoutingRuntime(props.table, {
      router: { trustedProxies: props.trustedProxies ?? [], clientAddressHeader: props.clientAddressHeader },
      health: props.probe === undefined ? {} : { probe: props.probe },
      onListenerError: (err) => this.logger.warn({ event: 'listener-error', error: String(err) }, 'runtime listener failed'),
    });
    this.#applyStatic(this.#runtime.current.table);
    this.metrics = new GatewayMetrics(
      { regions: () => this.#servingSnapshots(), inflight: () => this.#inflight },
      { processMetrics: props.processMetrics },
    );
    const countProbes = (state: RuntimeState) =>
      state.health.onSignal((s) => {
        if (s.kind === 'probe') this.metrics.healthChecks.inc({ region: s.region, outcome: s.outcome });
      });
    countProbes(this.#runtime.current);
    this.#runtime.onReload(() => countProbes(this.#runtime.current));
    this.#runtime.onTransition((e) =>
      this.logger.info(
        { event: 'transition', region: e.region, from: e.from, to: e.to, trafficPercent: e.trafficPercent, reason: e.reason },
        'region state',
      ),
    );
    // An instance that fails its check leaves its region's pool until it passes again (a region with
    // one dead instance among live ones keeps serving from those).
    this.#runtime.onInstanceResult((e) => {
      if (this.#upstreams.origins(e.region).length < 2) return;
      const healthy = e.outcome !== 'failure';
      if (!this.#upstreams.setInstanceHealth(e.region, e.baseUrl, healthy)) return;
      this.logger[healthy ? 'info' : 'warn'](
        {
          event: healthy ? 'instance-restored' : 'instance-ejected',
          region: e.region,
          origin: e.baseUrl,
          ...(healthy ? {} : { error: e.error ?? `HTTP ${e.status}` }),
        },
        healthy ? 'instance back in its pool' : 'instance out of its pool: failed its health check',
      );
    });
    this.metrics.tableLoaded.set(Date.now() / 1000);

    const serverOptions = {
      maxHeaderSize: this.limits.maxHeaderBytes,
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      keepAliveTimeout: this.limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      requireHostHeader: false,
    };
    const admin = props.adminPort !== undefined;
    this.server = createServer(serverOptions, (req, res) => this.#onRequest(req, res, !admin));
    this.server.maxHeadersCount = this.limits.maxHeaderCount + 1; // one more, to tell "too many" from "just enough"
    // A connection with no byte either way for clientIdleTimeoutMs is cut by a sweep of the
    // connections (#sweepIdle), not by Node's socket timeout: that one lets a write that is stuck in
    // the queue (a client that stopped reading) postpone it once, so it fired after twice the limit.
    this.server.timeout = 0;
    this.server.on('connection', (socket: Duplex) => this.#onConnection(socket));
    // `Expect: 100-continue`: "go on" only for a body the gateway will take; a declared length over
    // maxBodyBytes gets its 413 before the client sends the body (Node would send 100 first).
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (!(Number(req.headers['content-length']) > this.limits.maxBodyBytes)) res.writeContinue();
      this.#onRequest(req, res, !admin);
    });
    // Any other expectation: 417, as JSON, logged and counted like every answer (Node's own 417 was neither).
    this.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => this.#expectationFailed(req, res));
    this.server.on('clientError', (err, socket) => this.#onClientError(err, socket));
    this.server.on('connect', (req: IncomingMessage, socket: Duplex) => this.#onConnect(req, socket));
    if (admin) {
      this.adminServer = createServer(serverOptions, (req, res) => {
        if (!this.#admin(req, res))
          sendJson(res, 404, { error: 'not-found', detail: 'admin port serves /healthz, /readyz and /metrics only' });
      });
      this.adminServer.on('clientError', (err, socket) => this.#onClientError(err, socket));
      this.adminServer.on('connect', (req: IncomingMessage, socket: Duplex) => this.#onConnect(req, socket));
    }
  }

  /** The table now serving. */
  get table(): RoutingTable {
    return this.#runtime.current.table;
  }

  /** The runtime now serving (table, router, failover controller, health checks, swapped together on reload). */
  get routing(): RoutingRuntime {
    return this.#runtime;
  }

  /** Requests received and not yet answered. */
  get inflight(): number {
    return this.#inflight;
  }

  /**
   * Starts health checks, registry discovery and file watching, and listens. Rejects (starting
   * nothing) for a port or host of the wrong type, a second call, and a call after (or during)
   * {@link shutdown}: "the gateway is shut down". A listen that fails (the port in use, the registry
   * not answering within `registryStartTimeoutMs`, a shutdown meanwhile) undoes what it started:
   * health checks, the idle sweep, the registry watch (a pending start is given up), the file
   * watch and the listeners; it may then be called again, and shutdown is safe to call.
   */
  async listen(port: number, host = '127.0.0.1'): Promise<{ port: number; adminPort?: number }> {
    checkPort('gateway listen port', port);
    if (typeof host !== 'string' || host === '') throw invalidInput('gateway listen host', host, 'a host name or IP address');
    this.#assertOpen('listen');
    if (this.#started) throw new Error('gateway: listen called twice');
    this.#started = true;
    const attempt = this.#listenOrUndo(port, host);
    this.#listening = attempt.then(
      () => undefined,
      () => undefined,
    );
    return attempt;
  }

  async #listenOrUndo(port: number, host: string): Promise<{ port: number; adminPort?: number }> {
    try {
      return await this.#listen(port, host);
    } catch (err) {
      await this.#undoListen();
      this.#started = false;
      throw err;
    }
  }

  /** Throws "the gateway is shut down" once shutdown has begun. */
  #assertOpen(method: string): void {
    if (this.#closed !== undefined) throw new Error(`gateway: ${method}: the gateway is shut down`);
  }

  async #listen(port: number, host: string): Promise<{ port: number; adminPort?: number }> {
    const idleMs = this.limits.clientIdleTimeoutMs;
    this.#idleSweep = setInterval(() => this.#sweepIdle(idleMs), Math.max(100, Math.min(1000, Math.floor(idleMs / 10)))).unref();
    if (this.#props.registry !== undefined) {
      const registry = new RegistryUpstreams(this.#props.registry, this.#props.registryService ?? 'api', this.logger, (region, origins) =>
        this.#registryChanged(region, origins),
      );
      this.#registry = registry;
      const starting = registry.start(this.#runtime.current.table.regions.map((r) => r.id));
      starting.catch(() => undefined); // past the timeout it settles unobserved (closed by the undo)
      const ms = this.#props.registryStartTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          starting,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `the service registry did not list the regions' instances within ${ms} ms (is etcd reachable at the --etcd URLs?)`,
                  ),
                ),
              ms,
            );
          }),
        ]);
      } catch (err) {
        this.#assertOpen('listen'); // a shutdown meanwhile gave the start up: say so, not why it stopped
        throw err;
      } finally {
        clearTimeout(timer);
      }
      this.#assertOpen('listen');
      // The listing is in use before the first request (changes after it are coalesced).
      clearTimeout(this.#originsTimer);
      this.#applyRegistryChanges();
      // Regions the registry lists no instance for take no traffic until one registers: said at start
      // (a misspelt --registry-service would otherwise look like a healthy start answering 503).
      const service = this.#props.registryService ?? 'api';
      const empty = servingRegionIds(this.#runtime.current.table).filter((region) => registry.origins(region).length === 0);
      if (empty.length > 0)
        this.logger.warn(
          { event: 'no-instances', service, regions: empty },
          `the service registry lists no instance of service "${service}" in ${empty.join(', ')}: no traffic goes there until one registers`,
        );
    }
    countryForIp('81.2.69.142'); // load the geo database now, not on the first request
    if (this.#activeChecks) this.#runtime.start();
    if (this.#props.tableFile !== undefined && (this.#props.watchTable ?? true)) this.#watch(this.#props.tableFile);
    const listenOn = (server: Server, on: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(on, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    await listenOn(this.server, port);
    this.#assertOpen('listen');
    const out: { port: number; adminPort?: number } = { port: (this.server.address() as AddressInfo).port };
    if (this.adminServer) {
      await listenOn(this.adminServer, this.#props.adminPort!);
      this.#assertOpen('listen');
      out.adminPort = (this.adminServer.address() as AddressInfo).port;
    }
    this.logger.info({ event: 'listening', ...out, regions: this.#runtime.current.table.regions.map((r) => r.id) }, 'gateway listening');
    this.#logDestination?.flush();
    return out;
  }

  /** Stops what a failed listen started (each step harmless when it did not get that far, or when shutdown did it). */
  async #undoListen(): Promise<void> {
    clearInterval(this.#idleSweep);
    this.#idleSweep = undefined;
    this.#runtime.stop();
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#targetWatcher?.close();
    this.#targetWatcher = undefined;
    clearTimeout(this.#watchTimer);
    this.#clearRegistryTimers();
    const registry = this.#registry;
    this.#registry = undefined;
    const close = (server: Server | undefined) =>
      server?.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([registry?.close(), close(this.server), close(this.adminServer)]);
  }

  /**
   * Reloads the table file; a bad file (or one whose regions have no upstream, or whose
   * `resolveUpstreams` answer is not valid) keeps the current table. Throws after {@link shutdown}.
   */
  reload(trigger: ReloadTrigger = 'api'): GatewayReloadResult {
    this.#assertOpen('reload');
    const file = this.#props.tableFile;
    if (file === undefined) {
      const problems = [{ path: '', message: 'the gateway was started without a table file; nothing to reload' }];
      return this.#rejected(trigger, problems);
    }
    let table: RoutingTable;
    let fixed: Readonly<Record<string, string>>;
    // The table is read on the event loop: a FIFO (read until its writer writes, up to 5 s) or a
    // device would stall every request meanwhile. A reload takes a regular file only.
    let kind: 'file' | 'directory' | 'special';
    try {
      const stat = statSync(file);
      kind = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'special';
    } catch {
      kind = 'file'; // missing or unreadable: the loader names why
    }
    if (kind !== 'file')
      return this.#rejected(trigger, [
        {
          path: '',
          value: file,
          message: `is ${kind === 'directory' ? 'a directory' : 'not a regular file (a FIFO, device or socket)'}; a reload reads a routing table file only`,
        },
      ]);
    try {
      table = loadRoutingTable(file);
    } catch (err) {
      if (err instanceof RoutingTableError) return this.#rejected(trigger, [...err.problems]);
      throw err;
    }
    try {
      fixed = resolveStatic(this.#props.resolveUpstreams, table);
    } catch (err) {
      return this.#rejected(trigger, [{ path: 'regions', message: err instanceof Error ? err.message : String(err) }]);
    }
    const result = this.#runtime.reload(table);
    if (!result.ok) return this.#rejected(trigger, result.problems);
    const ids = table.regions.map((r) => r.id);
    const serving = servingRegionIds(table);
    this.#static = fixed;
    // Pools and health checks only for the regions that answer traffic: a region that lost compute
    // in this table keeps neither (its checks would fail it, and its gauges alert, for nothing).
    for (const id of ids)
      if (!serving.includes(id) && this.#runtime.current.health.targetUrl(id) !== undefined) this.#runtime.removeTarget(id);
    this.#upstreams.retain(serving);
    this.#applyStatic(table);
    this.#registry?.setRegions(ids);
    this.metrics.reloads.inc({ trigger, result: 'ok' });
    this.metrics.tableLoaded.set(Date.now() / 1000);
    this.logger.info({ event: 'reload', trigger, result: 'ok', regions: ids }, 'routing table reloaded');
    return { ok: true, table };
  }

  /**
   * Graceful shutdown: readiness turns 503, the listeners stop accepting, idle keep-alive
   * connections close, in-flight requests get `drainTimeoutMs` to finish (answers carry
   * `Connection: close`), then the remaining connections are cut and the pools closed. A listen
   * still starting (waiting for the registry, say) is given up: it rejects with "the gateway is shut
   * down" and leaves nothing running. Final: later calls return the same promise, and `listen` and
   * `reload` throw "the gateway is shut down".
   */
  shutdown(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  async #shutdown(): Promise<void> {
    this.#draining = true;
    const started = performance.now();
    this.logger.info({ event: 'shutdown', inflight: this.#inflight }, 'draining');
    this.#watcher?.close();
    this.#targetWatcher?.close();
    clearTimeout(this.#watchTimer);
    this.#clearRegistryTimers();
    // The traffic listener stops accepting now. A separate admin listener stays open through the
    // drain, so that a readiness probe (a new connection each time) sees /readyz answer 503 and
    // the last metrics can be scraped; it closes with the rest once the drain is over.
    const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
    const traffic = this.server.listening ? this.server : undefined;
    const closed = traffic === undefined ? Promise.resolve() : close(traffic);
    traffic?.closeIdleConnections();
    const drained = await this.#waitIdle(this.#drainTimeoutMs);
    // Past the deadline what is still in flight is cut by the gateway: logged with `cut`, never
    // counted or recorded as an upstream failure (the pools are destroyed below).
    if (!drained) this.#cut = true;
    traffic?.closeAllConnections();
    clearInterval(this.#idleSweep);
    const admin = this.adminServer?.listening ? this.adminServer : undefined;
    const adminClosed = admin === undefined ? Promise.resolve() : close(admin);
    admin?.closeAllConnections();
    await Promise.all([closed, adminClosed]);
    this.#runtime.dispose();
    await this.#registry?.close(); // a listen still waiting for the registry gives up
    await this.#listening; // a listen in progress notices the shutdown and undoes what it started
    const left = Math.max(100, this.#drainTimeoutMs - (performance.now() - started));
    await this.#upstreams.close(left);
    this.logger.info(
      { event: 'stopped', drained, inflight: this.#inflight, ms: Math.round(performance.now() - started) },
      'gateway stopped',
    );
    clearInterval(this.#logFlusher);
    if (this.#logDestination !== undefined) this.#logDestination.flushSync();
    else this.logger.flush?.();
  }

  #waitIdle(ms: number): Promise<boolean> {
    if (this.#inflight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** The origins a region's traffic goes to now (from the registry, or the fixed upstream). */
  upstreamOrigins(region: string): readonly string[] {
    return this.#upstreams.origins(region);
  }

  /** The failover state of the regions that answer traffic (a region without compute has none to report). */
  #servingSnapshots(): ReturnType<RoutingRuntime['current']['failover']['snapshots']> {
    const serving = new Set(servingRegionIds(this.#runtime.current.table));
    return this.#runtime.current.failover.snapshots().filter((r) => serving.has(r.region));
  }

  #applyStatic(table: RoutingTable): void {
    if (Object.keys(this.#static).length === 0 && this.#props.resolveUpstreams)
      this.#static = resolveStatic(this.#props.resolveUpstreams, table);
    for (const r of table.regions) {
      const fromRegistry = this.#registryOrigins(r.id);
      const fixed = this.#static[r.id];
      // A region held on its last instances stays held through a reload (a SIGHUP emptied it at once).
      if (fromRegistry.length === 0 && this.#emptyHolds.has(r.id)) continue;
      this.#setOrigins(r.id, fromRegistry.length > 0 ? fromRegistry : fixed !== undefined ? [fixed] : []);
    }
  }

  /**
   * A change the registry reported: coalesced per region and applied at most every
   * REGISTRY_SETTLE_MS (a burst of a thousand registrations rebuilt the region's pool and re-probed
   * every instance once per registration: n² probes, seconds of event-loop stall, every region
   * failed). At most MAX_REGISTRY_INSTANCES per region are used; a region left empty keeps its last
   * instances for `registryEmptyHoldMs`.
   */
  #registryChanged(region: string, origins: readonly string[]): void {
    if (this.#draining) return;
    this.#pendingOrigins.set(region, origins);
    this.#originsTimer ??= setTimeout(() => this.#applyRegistryChanges(), REGISTRY_SETTLE_MS);
  }

  #applyRegistryChanges(): void {
    this.#originsTimer = undefined;
    const pending = this.#pendingOrigins;
    this.#pendingOrigins = new Map();
    for (const [region, origins] of pending) {
      const hold = this.#emptyHolds.get(region);
      if (origins.length === 0 && this.#static[region] === undefined && this.#upstreams.origins(region).length > 0) {
        if (hold === undefined) {
          const ms = this.#props.registryEmptyHoldMs ?? DEFAULT_REGISTRY_EMPTY_HOLD_MS;
          this.logger.warn(
            { event: 'registry-empty', region, holdMs: ms },
            `the registry lists no instance of region ${region}: its last instances stay in use for ${ms} ms unless one registers`,
          );
          this.#emptyHolds.set(
            region,
            setTimeout(() => {
              this.#emptyHolds.delete(region);
              if (!this.#draining) this.#setOrigins(region, this.#registryOrigins(region));
            }, ms),
          );
        }
        continue;
      }
      if (hold !== undefined) {
        clearTimeout(hold);
        this.#emptyHolds.delete(region);
      }
      this.#setOrigins(region, this.#capped(region, origins));
    }
  }

  /** The registry's instances of a region, at most MAX_REGISTRY_INSTANCES (a reload takes them from here too). */
  #registryOrigins(region: string): readonly string[] {
    return this.#capped(region, this.#registry?.origins(region) ?? []);
  }

  #capped(region: string, origins: readonly string[]): readonly string[] {
    if (origins.length <= MAX_REGISTRY_INSTANCES) return origins;
    this.logger.warn(
      { event: 'registry-instances-capped', region, listed: origins.length, used: MAX_REGISTRY_INSTANCES },
      `the registry lists ${origins.length} instances of region ${region}; the first ${MAX_REGISTRY_INSTANCES} are used`,
    );
    return origins.slice(0, MAX_REGISTRY_INSTANCES);
  }

  #clearRegistryTimers(): void {
    clearTimeout(this.#originsTimer);
    this.#originsTimer = undefined;
    this.#pendingOrigins.clear();
    for (const t of this.#emptyHolds.values()) clearTimeout(t);
    this.#emptyHolds.clear();
  }

  #setOrigins(region: string, origins: readonly string[]): void {
    // A region without compute runs no gateway: no pool, no health checks, even if instances register there.
    if (!servingRegionIds(this.#runtime.current.table).includes(region)) return;
    const fixed = this.#static[region];
    const effective = origins.length > 0 ? origins : fixed !== undefined ? [fixed] : [];
    const before = this.#upstreams.origins(region);
    this.#upstreams.set(region, effective);
    const after = this.#upstreams.origins(region);
    const health = this.#runtime.current.health;
    // Every instance is checked; the region is as healthy as its best one, and one that fails its
    // checks leaves the pool until it passes again (onInstanceResult in the constructor).
    if (this.#activeChecks && (before.join() !== after.join() || health.targetUrl(region) === undefined)) {
      if (health.targetUrl(region) !== undefined) this.#runtime.removeTarget(region);
      if (after.length > 0) this.#runtime.addTarget(region, after);
    }
    this.#missing = servingRegionIds(this.#runtime.current.table).filter((r) => this.#upstreams.pool(r) === undefined);
    if (before.join() !== after.join()) {
      // A region left with no instance takes no traffic: a warning, as at start (event no-instances).
      if (after.length === 0 && before.length > 0)
        this.logger.warn(
          { event: 'no-instances', service: this.#props.registryService ?? 'api', regions: [region] },
          `region ${region} has no upstream instance left: no traffic goes there until one registers`,
        );
      // The list itself only while short: a burst of registrations wrote every origin per event (100 MB of log).
      else
        this.logger.info(
          after.length <= 16 ? { event: 'upstreams', region, origins: after } : { event: 'upstreams', region, instances: after.length },
          'upstreams changed',
        );
    }
  }

  #watch(file: string): void {
    try {
      // The directory is watched, not the file: editors and `mv` replace the file. A change elsewhere
      // in it reloads only when the table file now resolves to other content — a Kubernetes ConfigMap
      // volume swaps a `..data` symlink, so the file's own name never appears in an event.
      // Other files' events (a log written next to the table) are checked at most every 150 ms.
      let seen = fileFingerprint(file);
      let checking = false;
      const reloadSoon = () => {
        clearTimeout(this.#watchTimer);
        this.#watchTimer = setTimeout(() => {
          if (this.#draining) return;
          seen = fileFingerprint(file);
          this.reload('watch');
          watchTarget(); // the link may point elsewhere now
        }, 150);
      };
      const checkSoon = () => {
        if (checking) return;
        checking = true;
        setTimeout(() => {
          checking = false;
          if (!this.#draining && fileFingerprint(file) !== seen) reloadSoon();
        }, 150).unref();
      };
      // A table that is a symlink into another directory (`--table cm/rt.json` → /other/real.json):
      // that directory is watched too, or an edit of the real file went unseen (QA, stop 30).
      let targetDir: string | undefined;
      const watchTarget = () => {
        let dir: string | undefined;
        try {
          dir = dirname(realpathSync(file));
        } catch {
          dir = undefined; // missing now: the next reload names why
        }
        if (dir === targetDir) return;
        this.#targetWatcher?.close();
        this.#targetWatcher = undefined;
        targetDir = dir;
        if (dir === undefined || dir === dirname(resolve(file))) return;
        try {
          this.#targetWatcher = watch(dir, { persistent: false }, () => checkSoon());
          this.#targetWatcher.on('error', () => undefined); // the table's own directory is still watched
        } catch {
          // unreadable: SIGHUP still reloads
        }
      };
      this.#watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(file)) {
          reloadSoon();
          return;
        }
        checkSoon();
      });
      watchTarget();
      this.#watcher.on('error', (err) =>
        this.logger.warn({ event: 'watch-error', file, error: err.message }, 'table watch failed; SIGHUP still reloads'),
      );
    } catch (err) {
      this.logger.warn({ event: 'watch-error', file, error: (err as Error).message }, 'cannot watch the table file; SIGHUP still reloads');
    }
  }

  #rejected(trigger: ReloadTrigger, problems: RoutingTableProblem[]): GatewayReloadResult {
    this.metrics.reloads.inc({ trigger, result: 'rejected' });
    this.logger.error(
      { event: 'reload', trigger, result: 'rejected', problems: problems.map((p) => formatProblem(p)) },
      'routing table rejected; the last good table keeps serving',
    );
    return { ok: false, problems };
  }

  #onClientError(err: Error & { code?: string }, socket: Duplex): void {
    const code = err.code ?? '';
    if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) {
      // Nobody to answer; a request whose body was being read is logged once by its reader (499).
      socket.destroy();
      return;
    }
    // The parser stays in error: more bytes on this socket raise the same error again.
    if (this.#clientErrorAnswered.has(socket)) return;
    // Bytes after a request that said `Connection: close`: not a request (RFC 9112 §9.6). That
    // request is still answered; the connection closes after it.
    if (code === 'HPE_CLOSED_CONNECTION') return;
    const [status, error, detail] =
      code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers-too-large', `request headers exceed ${this.limits.maxHeaderBytes} bytes`]
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [
              408,
              'request-timeout',
              `request not received within ${this.limits.headersTimeoutMs} ms (headers) / ${this.limits.requestTimeoutMs} ms (whole request)`,
            ]
          : code === 'HPE_INVALID_EOF_STATE'
            ? [400, 'bad-request', 'the connection ended before the whole request arrived']
            : [400, 'bad-request', 'malformed HTTP request'];
    // A request whose headers were accepted and whose body is being read: it answers (its headers
    // are not sent yet), counts and logs itself, once.
    const answer = this.#bodyAnswers.get(socket);
    if (answer !== undefined) {
      this.#clientErrorAnswered.add(socket);
      answer(status, error, detail, code);
      return;
    }
    // The connection's last answer is decided (413, 431, 417, …: it says close): what the parser
    // says after it concerns bytes nobody will answer (an unread body's EOF or timeout). The answers
    // before it still go out; the connection closes after the last.
    const conn = this.#connections.get(socket);
    if (conn !== undefined && conn.closeAfter !== Infinity) return;
    this.#clientErrorAnswered.add(socket);
    this.#countRejected(status, 0);
    this.logger.warn({ event: 'client-error', status, code, region: METRIC_NONE, latencyMs: 0 }, error);
    // A response of an earlier request is still pending on this socket (pipelining): it cannot be
    // replaced or followed by this answer: cut the connection.
    if (hasPendingAnswer(socket)) {
      if (conn !== undefined) conn.cutBy ??= CUT_CLIENT_ERROR; // the requests cut are logged as the gateway's doing
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error, detail });
    socket.end(
      `HTTP/1.1 ${status} ${error}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  /**
   * CONNECT (authority-form target, a tunnel request): not for an upstream. Node hands the socket
   * over without a response object and destroys it when nobody listens; answered 400 like `OPTIONS *`,
   * counted and logged once, connection closed.
   */
  #onConnect(req: IncomingMessage, socket: Duplex): void {
    const started = performance.now();
    socket.on('error', () => socket.destroy()); // Node removed its own error handler with the hand-over
    const status = 400;
    const seconds = (performance.now() - started) / 1000;
    // Pipelined behind a request whose answer is still pending: no 400 can be sent (see below).
    const cutting = hasPendingAnswer(socket);
    this.#countRejected(status, seconds);
    this.#accessLog({
      method: req.method ?? 'CONNECT',
      path: logPath(req.url),
      status,
      region: METRIC_NONE,
      latencyMs: Math.round(seconds * 100_000) / 100,
      ...(cutting ? { cut: CUT_CLIENT_ERROR } : {}),
    });
    const body = JSON.stringify({
      error: 'bad-request',
      detail: 'CONNECT is not served: the request target must be a path such as /v1/chat',
    });
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Pipelined behind a request whose answer is still pending: this 400 would be read as that
    // request's answer. Cut the connection, as a parser error there does (the requests cut with it
    // are logged as the gateway's doing).
    if (cutting) {
      const conn = this.#connections.get(socket);
      if (conn !== undefined) conn.cutBy ??= CUT_CLIENT_ERROR;
      socket.destroy();
      return;
    }
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  /** Serves an admin path; false when `req` is not one. */
  #admin(req: IncomingMessage, res: ServerResponse): boolean {
    const path = pathOnly(req.url);
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const serving = this.#readyRegions();
      if (!this.#answeredNotReady(res, serving, undefined)) sendJson(res, 200, { status: 'ready', regions: serving });
      return true;
    }
    if (path === '/metrics') {
      this.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.metrics.registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        (err: Error) => sendJson(res, 500, { error: 'metrics', detail: err.message }),
      );
      return true;
    }
    return false;
  }

  /** Regions the gateway would send traffic to now: taking traffic, with an upstream pool (readiness). */
  #readyRegions(): string[] {
    return this.#servingSnapshots()
      .filter((r) => r.trafficPercent > 0 && this.#upstreams.pool(r.region) !== undefined)
      .map((r) => r.region);
  }

  /**
   * Whether a request target is the routing table's health-check path (`failover.healthCheck.path`,
   * its query ignored): the path the edge's monitor (Cloudflare, through the load balancer) probes on
   * the traffic port. Compared as origin-form text, cheaply: every request passes here.
   */
  #isHealthPath(url: string): boolean {
    const table = this.#runtime.current.table;
    if (table !== this.#healthPathOf) {
      this.#healthPathOf = table;
      this.#healthPath = pathOnly(table.failover.healthCheck.path);
    }
    const path = this.#healthPath;
    if (!url.startsWith(path)) return false;
    const next = url.charCodeAt(path.length);
    return url.length === path.length || next === 63 /* ? */ || next === 35; /* # */
  }

  /**
   * The health-check path on the traffic port, answered by the gateway itself and never forwarded:
   * 200 `{"status":"ready"}` when the gateway would route traffic, 503 while it drains (with
   * `Connection: close`, so a load balancer's kept-alive connection to it ends) or when no region
   * has a healthy upstream. Readiness, as `/readyz`, without the region list (the path is public).
   */
  #health(res: ServerResponse): void {
    if (!this.#answeredNotReady(res, this.#readyRegions(), { connection: 'close' })) sendJson(res, 200, { status: 'ready' });
  }

  /** Answers 503 when the gateway is not ready (draining, with `drainingHeaders`; or no region serving) and says whether it did. */
  #answeredNotReady(res: ServerResponse, serving: readonly string[], drainingHeaders: Record<string, string> | undefined): boolean {
    if (this.#draining) sendJson(res, 503, { status: 'draining' }, drainingHeaders);
    else if (serving.length === 0) sendJson(res, 503, { status: 'no-region', detail: 'no region has a healthy upstream' });
    else return false;
    return true;
  }

  /** Cuts the connections through which no byte moved either way for `idleMs` (checked every ≤ 1 s, so at most that late). */
  #sweepIdle(idleMs: number): void {
    const now = performance.now();
    for (const [socket, conn] of this.#connections) {
      const { bytesRead, bytesWritten } = socket as Socket;
      const moved = (bytesRead ?? 0) + (bytesWritten ?? 0);
      if (moved !== conn.bytesSeen) {
        conn.bytesSeen = moved;
        conn.still = now;
      } else if (now - conn.still >= idleMs) {
        conn.cutBy ??= CUT_CLIENT_IDLE; // what is cut is logged as the gateway's doing
        socket.destroy();
      }
    }
  }

  #onConnection(socket: Duplex): void {
    const gone = new EventEmitter();
    gone.setMaxListeners(0); // one listener per request of the connection in flight
    const conn: ClientConnection = {
      socket,
      active: 0,
      waiting: undefined,
      gone,
      closed: false,
      seq: 0,
      closeAfter: Infinity,
      cutBy: undefined,
      inflight: 0,
      bytesSeen: 0,
      still: performance.now(),
      waitingBytes: 0,
    };
    this.#connections.set(socket, conn);
    socket.once('close', () => {
      conn.closed = true;
      this.#connections.delete(socket);
      gone.emit('abort');
      // Requests that never had their turn: each answers to nobody, and is logged and counted once by its #proxy.
      const waiting = conn.waiting;
      conn.waiting = undefined;
      if (waiting !== undefined) for (const go of waiting) go(false);
    });
  }

  /** A turn for a request of `conn` now (undefined), or a promise of one (false: the connection closed first). */
  #turn(conn: ClientConnection): Promise<boolean> | undefined {
    if (conn.active < this.limits.maxPipelinedRequests) {
      conn.active++;
      return undefined;
    }
    if (conn.closed) return Promise.resolve(false);
    return new Promise<boolean>((go) => {
      const waiting = (conn.waiting ??= []);
      waiting.push(go);
      if (waiting.length > PIPELINE_MAX_WAITING) {
        conn.cutBy ??= CUT_PIPELINE_OVERFLOW;
        conn.socket.destroy(); // its close settles every waiting request once
      }
    });
  }

  /** The end of a turn: hands it to the next waiting request of the connection. */
  #release(conn: ClientConnection): void {
    const waiting = conn.waiting;
    const next = waiting?.shift();
    if (next === undefined) {
      conn.active--;
      return;
    }
    if (waiting!.length === 0) conn.waiting = undefined;
    next(true);
  }

  #onRequest(req: IncomingMessage, res: ServerResponse, adminHere: boolean): void {
    // Admin paths are short; one with a query (`/readyz?probe=kubelet`) is one too (it went upstream).
    if (adminHere && req.url !== undefined && (req.url.length < 16 || ADMIN_PATH_WITH_QUERY.test(req.url)) && this.#admin(req, res)) return;
    // The edge's health check (failover.healthCheck.path) tests this gateway, never an upstream app.
    if (req.url !== undefined && this.#isHealthPath(req.url)) {
      this.#health(res);
      return;
    }
    // In flight until #proxy settles: the answer was streamed, the client went away and the upstream
    // attempt ended, or an error answer went out.
    this.#inflight++;
    const conn = this.#connections.get(req.socket);
    if (conn !== undefined) conn.inflight++;
    const seq = conn === undefined ? 0 : ++conn.seq;
    this.#proxy(req, res, conn, seq).then(
      () => this.#requestDone(conn, res),
      (err: Error) => {
        this.logger.error({ event: 'gateway-error', error: err.message }, 'unexpected gateway error');
        sendJson(res, 502, { error: 'gateway-error', detail: 'the gateway could not complete the request' });
        this.#requestDone(conn, res);
      },
    );
  }

  #expectationFailed(req: IncomingMessage, res: ServerResponse): void {
    const status = 417;
    this.#countRejected(status, 0);
    this.#accessLog({ method: req.method ?? 'GET', path: logPath(req.url), status, region: METRIC_NONE, latencyMs: 0 });
    // The body (if any) is not read: the connection closes after the answer.
    const conn = this.#connections.get(req.socket);
    if (conn !== undefined) this.#closing(conn, ++conn.seq);
    sendJson(
      res,
      status,
      { error: 'expectation-failed', detail: 'the only expectation served is Expect: 100-continue' },
      { connection: 'close' },
    );
  }

  /**
   * A request the gateway answered itself before it had a route (a client error, CONNECT, an
   * expectation it does not serve): counted as rejected, and in the request counter and the
   * duration histogram like every other answered request, so that the two always agree.
   */
  #countRejected(status: number, seconds: number): void {
    this.metrics.rejected.inc({ status: String(status) });
    this.metrics.requests.inc([METRIC_NONE, String(status), METRIC_UNKNOWN]);
    this.metrics.duration.observe(METRIC_NONE, seconds);
  }

  /** One access-log line (a request the gateway answered): serialized here for its own destination (see accessLogLine), else by the embedder's logger. */
  #accessLog(fields: Record<string, unknown>): void {
    if (this.#logDestination !== undefined) this.#logDestination.write(accessLogLine(fields));
    else this.logger.info(fields);
  }

  #requestDone(conn: ClientConnection | undefined, res: ServerResponse): void {
    if (conn !== undefined && this.#turnHolders.delete(res)) this.#release(conn);
    if (conn !== undefined && --conn.inflight === 0 && this.#draining && !conn.closed) {
      // Draining, and the connection's last request is answered: it closes once the answer is out,
      // whatever that answer said (one built before the drain began said keep-alive, and the
      // client could have sent another request on it).
      conn.closeAfter = Math.min(conn.closeAfter, conn.seq); // a request that still arrives is not forwarded
      const socket = conn.socket;
      if (res.writableFinished) socket.end();
      else res.once('close', () => socket.end());
    }
    this.#inflight--;
    if (this.#inflight === 0) for (const f of this.#idle.splice(0)) f();
  }

  async #proxy(req: IncomingMessage, res: ServerResponse, conn: ClientConnection | undefined, seq: number): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const log: Record<string, unknown> = { method, path: logPath(req.url) };
    let finished = false;
    const finish = (status: number, region: string, country: string) => {
      if (finished) return;
      finished = true;
      const seconds = (performance.now() - started) / 1000;
      this.metrics.requests.inc([region, String(status), country]);
      this.metrics.duration.observe(region, seconds);
      log.status = status;
      log.region = region;
      log.latencyMs = Math.round(seconds * 100_000) / 100;
      this.#accessLog(log);
    };

    // 0. What is refused before the body: more header fields than allowed (Node keeps only the
    // first maxHeadersCount, so a routing header after them would be lost or a duplicate would win);
    // TRACE (it echoes the request, credentials included, to whoever asks: nginx answers 405 too).
    if (req.rawHeaders.length > 2 * this.limits.maxHeaderCount) {
      this.#closing(conn, seq);
      this.#reject(res, 431, 'too-many-headers', `more than ${this.limits.maxHeaderCount} header fields`, { connection: 'close' });
      finish(431, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }
    if (method === 'TRACE') {
      this.#reject(res, 405, 'method-not-allowed', 'TRACE is not served', { allow: 'GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE' });
      finish(405, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }
    // A transfer coding other than chunked (`gzip, chunked`): Node decodes the chunks and drops the
    // rest, so the upstream would get compressed bytes it cannot know are (RFC 9112 §6.1: 501).
    const codings = req.headers['transfer-encoding'];
    // (A list that does not end in chunked is malformed for a request: Node's parser answers it, 400.)
    if (codings !== undefined && codings.includes(',') && /,\s*chunked\s*$/i.test(codings)) {
      this.#closing(conn, seq);
      this.#reject(
        res,
        501,
        'transfer-coding-not-implemented',
        `Transfer-Encoding ${JSON.stringify(codings.slice(0, 64))}; allowed: chunked`,
        {
          connection: 'close',
        },
      );
      finish(501, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }
    // Node's parser takes any HTTP/x.y request line; the gateway speaks 1.0 and 1.1 (RFC 9110 §15.6.6: 505).
    if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') {
      this.#closing(conn, seq);
      this.#reject(res, 505, 'http-version-not-supported', `HTTP/${req.httpVersion.slice(0, 8)}; allowed: HTTP/1.1 or HTTP/1.0`, {
        connection: 'close',
      });
      finish(505, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }
    // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2: 400 for none, several, or an invalid value
    // such as a list); Node kept the first.
    if (req.httpVersion === '1.1') {
      let hosts = 0;
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        if (req.rawHeaders[i].length === 4 && req.rawHeaders[i].toLowerCase() === 'host') hosts++;
      if (hosts !== 1 || /[\s,]/.test(req.headers.host ?? '')) {
        this.#closing(conn, seq);
        const what =
          hosts === 1
            ? `Host ${JSON.stringify((req.headers.host ?? '').slice(0, 64))}`
            : `${hosts === 0 ? 'no' : hosts} Host header fields`;
        this.#reject(res, 400, 'bad-host', `${what}; allowed: exactly one Host field holding one host[:port] (HTTP/1.1)`, {
          connection: 'close',
        });
        finish(400, METRIC_NONE, METRIC_UNKNOWN);
        return;
      }
    }

    // 1. Body, within the limit.
    const reading = this.#readBody(req, res, log, conn, seq);
    const body = reading === null ? null : await reading;
    if (body === 'answered') {
      finish(res.statusCode, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }

    // 2. The request target: a path (origin-form); an absolute URL (absolute-form) is reduced to its
    // path and query; anything else (`OPTIONS *`, CONNECT's authority-form) is not for an upstream.
    const target = originForm(req.url);
    if (target === undefined) {
      this.metrics.rejected.inc({ status: '400' });
      sendJson(res, 400, { error: 'bad-request', detail: 'the request target must be a path such as /v1/chat' });
      finish(400, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }

    // 3. The connection's turn (pipelined requests: at most maxPipelinedRequests past this point),
    // and nothing forwarded that can no longer be answered.
    if (conn !== undefined) {
      const turn = this.#turn(conn);
      let ready = true;
      if (turn !== undefined) {
        // Waiting with its headers and body in memory: the bytes the connection's waiting requests hold are bounded.
        let held = body === null ? 0 : body.length;
        for (const field of req.rawHeaders) held += field.length + 2;
        conn.waitingBytes += held;
        if (conn.waitingBytes > PIPELINE_MAX_WAITING_BYTES) {
          conn.cutBy ??= CUT_PIPELINE_OVERFLOW;
          conn.socket.destroy(); // its close settles every waiting request once, this one included
        }
        ready = await turn;
        conn.waitingBytes -= held;
      }
      if (!ready) {
        this.#notForwarded(log, conn, 'before-its-turn');
        finish(log.cut === undefined ? CLIENT_GONE_STATUS : CUT_STATUS, METRIC_NONE, METRIC_UNKNOWN);
        return;
      }
      this.#turnHolders.add(res);
      if (this.#draining && conn.closeAfter === Infinity) {
        conn.closeAfter = seq; // this answer says close: the last one of the connection
        res.setHeader('connection', 'close');
      } else if (seq > conn.closeAfter || conn.closed) {
        this.#notForwarded(log, conn, 'before-its-turn');
        finish(log.cut === undefined ? CLIENT_GONE_STATUS : CUT_STATUS, METRIC_NONE, METRIC_UNKNOWN);
        return;
      }
    } else if (this.#draining) res.setHeader('connection', 'close');

    // 4. Routing decision. An over-long preference is dropped before the router sees it.
    const headers = req.headers;
    const preferred = headers[PREFERRED_REGION_HEADER];
    const preferredText = Array.isArray(preferred) ? preferred.join(',') : preferred;
    let routeHeaders = headers;
    if (preferredText !== undefined && preferredText.length > this.limits.maxPreferredRegionLength) {
      routeHeaders = { ...headers };
      delete routeHeaders[PREFERRED_REGION_HEADER];
      log.ignoredPreference = 'too-long';
    }
    const userId = headerValue(headers, USER_ID_HEADER);
    const residencyZone = headerValue(headers, RESIDENCY_ZONE_HEADER);
    // Node joins repeated headers with ", ": two user ids would pick the shard of neither.
    const repeated = repeatedIdentityHeader(req, userId, residencyZone);
    if (repeated !== undefined) {
      this.#reject(res, 400, 'repeated-header', `${repeated} appears more than once; allowed: one value`);
      finish(400, METRIC_NONE, METRIC_UNKNOWN);
      return;
    }
    const request = {
      headers: routeHeaders,
      socketAddress: req.socket.remoteAddress,
      userId: userId || undefined,
      residencyZone: residencyZone || undefined,
      exclude: this.#missing,
    };
    const state = this.#runtime.current;
    let decision: RouteResult = state.router.route(request);
    const country = decision.client.country ?? METRIC_UNKNOWN;
    log.country = decision.client.country;
    if (this.#props.logClientAddress) log.client = decision.client.address;
    log.zone = decision.zone;
    log.reason = decision.kind === 'routed' ? decision.reason : decision.code;
    if (decision.ignoredPreference && log.ignoredPreference === undefined) log.ignoredPreference = decision.ignoredPreference.why;
    if (decision.kind === 'refused' && decision.code === 'unknown-zone') {
      // The client named a residency zone the table does not have: its error, and a retry would get
      // the same answer (a 503 with Retry-After invited one). Bad input, counted in the rejections
      // only: not a routing decision (gateway_routing_decisions_total{reason="refused"} stays the
      // refusals' count).
      this.#reject(res, 400, 'unknown-residency-zone', decision.detail.replace(/^residencyZone:/, `${RESIDENCY_ZONE_HEADER}:`));
      finish(400, METRIC_NONE, country);
      return;
    }
    this.metrics.decisions.inc([decision.reason, decision.kind === 'routed' ? decision.region : METRIC_NONE]);

    if (decision.kind === 'refused') {
      this.#refuse(res, decision, state.table);
      finish(503, METRIC_NONE, country);
      return;
    }
    log.shard = decision.shard?.id;

    // 5. Forward; retry an idempotent request once on the next allowed region.
    const client = decision.client.address;
    let outcome = await this.#attempt(req, target, decision, body, client, state, conn);
    log.attempts = 1;
    if (outcome.kind === 'error' || (outcome.kind === 'response' && outcome.status >= 500)) {
      const cause = outcome.kind === 'response' ? 'upstream-5xx' : outcome.cause;
      log.upstreamError = outcome.kind === 'response' ? outcome.status : outcome.message;
      if (isIdempotent(method) && !res.destroyed) {
        const next = state.router.route({ ...request, exclude: [...request.exclude, decision.region] });
        if (next.kind === 'routed' && next.region !== decision.region) {
          this.metrics.retries.inc({ region: decision.region, cause });
          log.retriedFrom = decision.region;
          log.retryCause = cause;
          if (outcome.kind === 'response') outcome.data.body.dump().catch(() => undefined);
          decision = next;
          log.reason = next.reason;
          log.shard = next.shard?.id;
          log.attempts = 2;
          outcome = await this.#attempt(req, target, decision, body, client, state, conn);
        }
      }
    }

    // 6. Answer.
    // A request the gateway cut (its shutdown, or the client's connection for what the client did)
    // is counted under region "none", as refusals are: a 503 under the region would be the region's
    // error rate (HighErrorRate), which one client could raise by pipelining past the limit.
    if (outcome.kind === 'gone') {
      this.#notForwarded(log, conn, 'waiting-for-upstream');
      if (log.cut !== undefined) log.routedTo = decision.region;
      finish(log.cut === undefined ? CLIENT_GONE_STATUS : CUT_STATUS, log.cut === undefined ? decision.region : METRIC_NONE, country);
      return;
    }
    if (outcome.kind === 'cut') {
      log.cut = CUT_DRAIN_DEADLINE;
      log.routedTo = decision.region;
      res.destroy();
      finish(CUT_STATUS, METRIC_NONE, country);
      return;
    }
    if (outcome.kind === 'unforwardable') {
      this.metrics.rejected.inc({ status: '400' });
      sendJson(res, 400, { error: 'bad-request', detail: 'the request cannot be forwarded as sent', cause: outcome.message });
      finish(400, decision.region, country);
      return;
    }
    if (outcome.kind === 'error') {
      const status = outcome.cause === 'timeout' ? 504 : 502;
      sendJson(res, status, {
        error: outcome.cause === 'timeout' ? 'upstream-timeout' : 'upstream-unavailable',
        region: decision.region,
        cause: outcome.cause,
      });
      finish(status, decision.region, country);
      return;
    }
    const { data, status } = outcome;
    const responseHeaders = endToEndHeaders(data.headers as Record<string, string | string[]>, SKIP_RESPONSE);
    responseHeaderBytes(responseHeaders);
    responseHeaders[REGION_RESPONSE_HEADER] = decision.region;
    responseHeaders[REASON_RESPONSE_HEADER] = decision.reason;
    if (res.destroyed) {
      // The client went away while the upstream answered: discard the answer (dump never throws).
      data.body.dump().catch(() => undefined);
      finish(499, decision.region, country);
      return;
    }
    if (this.#draining && conn !== undefined && seq === conn.seq && conn.closeAfter === Infinity && !res.headersSent) {
      // In flight when the drain began and the connection's latest request: its answer says close.
      conn.closeAfter = seq;
      responseHeaders.connection = 'close';
    }
    // A 204 carries no Content-Length at all (RFC 9110 §8.6): a keep-alive peer honouring one would lose the framing.
    if (status === 204) delete responseHeaders['content-length'];
    const dropped = writeHeadSafely(res, status, responseHeaders);
    if (dropped !== undefined) log.droppedResponseHeaders = dropped;
    if (status === 204 || status === 304 || method === 'HEAD') {
      // No body whatever the upstream's Content-Length says (RFC 9110 §6.4.1): answer now; undici
      // would wait for the announced bytes of a 304 until its body timeout.
      res.end();
      data.body.dump().catch(() => undefined);
      finish(status, decision.region, country);
      return;
    }
    await new Promise<void>((resolve) => {
      forwardBody(
        data.body,
        res,
        (err) => {
          if (err) log.streamError = err.message;
          if (err && this.#cut) log.cut = CUT_DRAIN_DEADLINE;
          else if (err && conn?.cutBy !== undefined) log.cut = conn.cutBy;
          resolve();
        },
        conn?.gone,
      );
    });
    finish(status, decision.region, country);
  }

  /** A client error answered by the gateway: counted in the rejections, JSON body. */
  #reject(res: ServerResponse, status: number, error: string, detail: string, headers?: OutgoingHttpHeaders): void {
    this.metrics.rejected.inc({ status: String(status) });
    sendJson(res, status, { error, detail }, headers);
  }

  /** The answer to request `seq` closes its connection: what is pipelined after it is not forwarded. */
  #closing(conn: ClientConnection | undefined, seq: number): void {
    if (conn !== undefined && seq < conn.closeAfter) conn.closeAfter = seq;
  }

  /** Why a request was not (or no longer) forwarded: its connection closed or is closing. */
  #notForwarded(log: Record<string, unknown>, conn: ClientConnection | undefined, when: string): void {
    if (this.#cut) log.cut = CUT_DRAIN_DEADLINE;
    else if (conn?.cutBy !== undefined) log.cut = conn.cutBy;
    else if (conn !== undefined && conn.closeAfter !== Infinity && !conn.closed) log.cut = CUT_CONNECTION_CLOSING;
    else log.clientGone = when;
  }

  #refuse(res: ServerResponse, decision: Extract<RouteResult, { kind: 'refused' }>, table: RoutingTable): void {
    const retryAfter = Math.max(1, Math.ceil(table.failover.healthCheck.intervalMs / 1000));
    this.metrics.refusals.inc({ zone: decision.zone ?? METRIC_UNKNOWN });
    sendJson(
      res,
      503,
      { error: 'refused', code: decision.code, zone: decision.zone, detail: decision.detail, retryAfterSeconds: retryAfter },
      { 'retry-after': String(retryAfter) },
    );
  }

  /**
   * Reads the request body within maxBodyBytes; 'answered' when an answer went out instead (413;
   * 400/408 from the client-error path), or when the client went away first (no answer possible:
   * status 499, or 503 with `cut` when the gateway's drain deadline cut it); null (not a promise)
   * when the request has no body. Each outcome is settled once, so the request is counted and
   * logged once.
   */
  #readBody(
    req: IncomingMessage,
    res: ServerResponse,
    log: Record<string, unknown>,
    conn: ClientConnection | undefined,
    seq: number,
  ): Promise<Buffer | null | 'answered'> | null {
    const max = this.limits.maxBodyBytes;
    const length = req.headers['content-length'];
    if (length === undefined && req.headers['transfer-encoding'] === undefined) return null;
    const tooLarge = () => {
      this.metrics.rejected.inc({ status: '413' });
      this.#closing(conn, seq);
      sendJson(
        res,
        413,
        { error: 'body-too-large', detail: `request body exceeds ${max} bytes`, limitBytes: max },
        { connection: 'close' },
      );
    };
    if (length !== undefined && Number(length) > max) {
      tooLarge();
      // Read the body into nothing: the connection keeps moving (a client that leaves is seen), and
      // what is pipelined after it is parsed, and not forwarded (the 413 closes the connection).
      req.resume();
      return Promise.resolve('answered');
    }
    const socket = req.socket;
    // Declared length within the limit: the body's buffer is allocated once at that size.
    const declared = length === undefined ? undefined : Number(length);
    return new Promise((resolve) => {
      // One buffer, grown by doubling, never a list of the parser's chunks: a chunked body sent as
      // 1-byte chunks made a million Buffers (~400 bytes each) for one 1 MiB body (QA, stop 30).
      let body: Buffer | undefined;
      let size = 0;
      let settled = false;
      const settle = (v: Buffer | null | 'answered') => {
        if (settled) return;
        settled = true;
        if (this.#bodyAnswers.get(socket) === answer) this.#bodyAnswers.delete(socket);
        resolve(v);
      };
      const discard = () => {
        req.removeAllListeners('data');
        req.resume();
      };
      const answer: BodyAnswer = (status, error, detail, code) => {
        if (settled) return;
        log.clientError = code; // the parser's or server's error code (HPE_INVALID_CHUNK_SIZE, ERR_HTTP_REQUEST_TIMEOUT, …)
        this.metrics.rejected.inc({ status: String(status) });
        this.#closing(conn, seq);
        sendJson(res, status, { error, detail }, { connection: 'close' });
        discard();
        settle('answered');
      };
      const gone = () => {
        if (req.complete || settled) return;
        if (this.#cut) log.cut = CUT_DRAIN_DEADLINE;
        res.statusCode = this.#cut ? CUT_STATUS : CLIENT_GONE_STATUS;
        res.destroy();
        settle('answered');
      };
      this.#bodyAnswers.set(socket, answer);
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > max) {
          tooLarge();
          discard();
          settle('answered');
          return;
        }
        if (body === undefined || size > body.length) {
          const grown = Buffer.allocUnsafe(
            Math.min(max, Math.max(size, declared !== undefined && declared >= size ? declared : 2 * (body?.length ?? 8192))),
          );
          if (body !== undefined) body.copy(grown, 0, 0, size - chunk.length);
          body = grown;
        }
        chunk.copy(body, size - chunk.length);
      });
      req.once('end', () => settle(size === 0 || body === undefined ? null : body.subarray(0, size)));
      req.on('error', gone);
      req.once('close', gone);
    });
  }

  async #attempt(
    req: IncomingMessage,
    target: string,
    decision: Extract<RouteResult, { kind: 'routed' }>,
    body: Buffer | null,
    client: string | null,
    state: RuntimeState,
    conn: ClientConnection | undefined,
  ): Promise<AttemptOutcome> {
    if (conn?.closed) return { kind: 'gone' };
    const region = decision.region;
    const pool = this.#upstreams.pool(region);
    const started = performance.now();
    if (pool === undefined) {
      this.metrics.upstreamRequests.inc([region, 'error']);
      return { kind: 'error', cause: 'connect-error', message: `region ${region} has no upstream instance` };
    }
    const headers = endToEndHeaders(req.headers, SKIP_REQUEST, ROUTING_REQUEST_HEADERS);
    if (client !== null) headers['x-forwarded-for'] = client;
    if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
    headers['x-forwarded-proto'] = 'http';
    headers[UPSTREAM_REGION_HEADER] = region;
    if (decision.shard) headers[UPSTREAM_SHARD_HEADER] = decision.shard.id;
    try {
      const data = await pool.request({ path: target, method: req.method as Dispatcher.HttpMethod, headers, body, signal: conn?.gone });
      // The region failed to answer (502, 503, 504), not the application answering this request
      // (500 and the rest of 5xx): a client can provoke those at will, and with x-preferred-region
      // aim them at every region of a zone in turn, opening each circuit (QA, stop 30).
      const ok = !REGION_FAILURE_STATUSES.has(data.statusCode);
      this.metrics.upstreamRequests.inc([region, String(data.statusCode)]);
      this.#record(state, region, ok, started);
      return { kind: 'response', status: data.statusCode, data };
    } catch (err) {
      // Cut by the gateway's own shutdown (pools destroyed at the drain deadline): not the upstream's failure.
      if (this.#cut) {
        this.metrics.upstreamRequests.inc([region, UPSTREAM_CUT]);
        return { kind: 'cut' };
      }
      // Cancelled because the client's connection closed: not the upstream's failure either.
      if (conn?.closed) {
        this.metrics.upstreamRequests.inc([region, UPSTREAM_CANCELLED]);
        return { kind: 'gone' };
      }
      const code = (err as { code?: string })?.code ?? '';
      if (REQUEST_ERRORS.has(code)) return { kind: 'unforwardable', message: `${code}: ${(err as Error).message}` };
      this.metrics.upstreamRequests.inc([region, 'error']);
      this.#record(state, region, false, started);
      return { kind: 'error', ...classify(err) };
    }
  }

  #record(state: RuntimeState, region: string, ok: boolean, started: number): void {
    if (state !== this.#runtime.current) return; // a request that outlived a reload: the old state is gone
    try {
      state.health.recordResult(region, { ok, latencyMs: Math.max(0, performance.now() - started) });
    } catch (err) {
      this.logger.warn({ event: 'health-record', region, error: (err as Error).message }, 'passive health result dropped');
    }
  }
}
