/**
 * `taishanglaojun gateway`: runs the reference gateway until SIGTERM/SIGINT (graceful drain);
 * SIGHUP reloads the routing table.
 *
 *   taishanglaojun gateway --table cdktf.out/routing-table.json --port 8080 \
 *     --upstream-template 'https://api.{region}.internal' --upstream eu-west-1=http://127.0.0.1:9101
 *
 * Bad flags or a bad table: exit 2 with a message naming the flag or field, the value and what is allowed.
 * Cannot start (the address in use, the service registry not answering within 10 s): exit 1 with the reason.
 */
import { jsonParseFailure } from '../runtime/private/json-text';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import {
  checkClientAddressHeader,
  MIN_TRUSTED_PREFIX_V4,
  MIN_TRUSTED_PREFIX_V6,
  parseTrustedProxies,
  TrustedProxyError,
} from '../runtime/client-address';
import { EtcdRegistry } from '../runtime/registry/etcd';
import { validateSegment } from '../runtime/registry/types';
import { findDuplicateKeys, jsonNestedDeeperThan, MAX_JSON_DEPTH } from '../runtime/json-duplicate-keys';
import { FileTooLargeError, readTextBounded } from '../runtime/read-bounded';
import { DEFAULT_ROUTING_TABLE_PATH, loadRoutingTable } from '../runtime/load-table';
import { RoutingTableError, servingRegionIds, type RoutingTable } from '../runtime/routing-table';
import { unknownName } from '../runtime/private/unknown-name';
import { Gateway, LIMIT_DEFAULTS, type GatewayLimits } from './gateway';
import {
  longestUpstreamSilenceMs,
  UPSTREAM_DEFAULTS,
  UPSTREAM_TEMPLATE_ENV,
  UpstreamConfigError,
  resolveStaticUpstreams,
  upstreamEnvName,
} from './upstreams';

export const GATEWAY_USAGE = `usage: taishanglaojun gateway [flags]
  --table FILE              routing table (default ${DEFAULT_ROUTING_TABLE_PATH}); SIGHUP or a change of the file reloads it
  --port N                  listen port (default 8080; 0 = any free port, printed in the "listening" log line)
  --host ADDR               listen address (default 127.0.0.1; 0.0.0.0 in a container)
  --admin-port N            serve /healthz /readyz /metrics on this port only (default: on --port); the table's
                            failover.healthCheck.path is answered on --port either way (readiness, never forwarded)
  --upstream-template URL   upstream of every region, "{region}" replaced (env TAISHANGLAOJUN_UPSTREAM_TEMPLATE)
  --upstream REGION=URL     upstream of one region (repeatable; env TAISHANGLAOJUN_UPSTREAM_<REGION>, e.g. _EU_WEST_1)
  --upstreams FILE          JSON object {"<region>": "<url>"} (as written by fake-upstreams --out)
  --etcd URL[,URL]          take upstream instances from the etcd registry (/services/<region>/<service>/<id>)
  --registry-service NAME   service name in the registry (default api)
  --trusted-proxy CIDR      proxy whose X-Forwarded-For is believed (repeatable or comma-separated; default none)
  --client-address-header NAME  header naming the client (e.g. cf-connecting-ip), believed from a trusted proxy before
                            X-Forwarded-For: only behind the stacks' origin authentication (README "Client address behind the edge")
  --max-body-bytes N        largest request body (default ${LIMIT_DEFAULTS.maxBodyBytes}); larger gets 413
  --max-header-bytes N      largest header block (default ${LIMIT_DEFAULTS.maxHeaderBytes}); larger gets 431
  --headers-timeout-ms N    time to send the headers (default ${LIMIT_DEFAULTS.headersTimeoutMs}); then 408
  --request-timeout-ms N    time to send the whole request (default ${LIMIT_DEFAULTS.requestTimeoutMs}); then 408
  --max-header-count N      most header fields in a request (default ${LIMIT_DEFAULTS.maxHeaderCount}); more gets 431
  --max-pipelined N         pipelined requests of one connection proxied at once (default ${LIMIT_DEFAULTS.maxPipelinedRequests}); the rest wait
  --keep-alive-timeout-ms N  keep an idle client connection open this long (default ${LIMIT_DEFAULTS.keepAliveTimeoutMs}); behind a load balancer, longer than its idle timeout
  --client-idle-timeout-ms N  close a client connection idle both ways this long (default ${LIMIT_DEFAULTS.clientIdleTimeoutMs}); more than --keep-alive-timeout-ms
  --drain-timeout-ms N      time in-flight requests get on shutdown (default 10000)
  --no-health-checks        no active health checks (passive outlier detection only)
  --log-client-address      put the client address in access logs (personal data; default off)`;

export class UsageError extends Error {}

interface ParsedFlags {
  table: string;
  port: number;
  host: string;
  adminPort?: number;
  template?: string;
  upstreams: Record<string, string>;
  etcd?: string[];
  registryService: string;
  trustedProxies: string[];
  clientAddressHeader?: string;
  limits: GatewayLimits;
  drainTimeoutMs: number;
  healthChecks: boolean;
  logClientAddress: boolean;
}

function intFlag(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not allowed; allowed: an integer ${min}..${max}`);
  return n;
}

/** Largest --upstreams file read, in bytes (a region per line: a few KB). */
const MAX_UPSTREAMS_FILE_BYTES = 1024 * 1024;

/** Flags that may be given more than once (each adds to a list). */
const REPEATABLE_FLAGS = new Set(['--upstream', '--trusted-proxy']);

/** An etcd client URL: http(s)://host:port, nothing after the port. */
function etcdUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.hostname !== '' &&
      /:\d+\/?$/.test(text) && // an explicit port: etcd has no default one on http(s)
      u.username === '' &&
      u.password === '' &&
      (u.pathname === '/' || u.pathname === '') &&
      !u.search &&
      !u.hash
    );
  } catch {
    return false;
  }
}

export function parseGatewayFlags(argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = {
    table: DEFAULT_ROUTING_TABLE_PATH,
    port: 8080,
    host: '127.0.0.1',
    // No prototype: a region key "__proto__" (from a file or a flag) is a key like any other, named as unknown.
    upstreams: Object.create(null) as Record<string, string>,
    registryService: 'api',
    trustedProxies: [],
    limits: {},
    drainTimeoutMs: 10_000,
    healthChecks: true,
    logClientAddress: false,
  };
  const flagsWithValue = new Set([
    '--table',
    '--port',
    '--host',
    '--admin-port',
    '--upstream-template',
    '--upstream',
    '--upstreams',
    '--etcd',
    '--registry-service',
    '--trusted-proxy',
    '--client-address-header',
    '--max-body-bytes',
    '--max-header-bytes',
    '--headers-timeout-ms',
    '--request-timeout-ms',
    '--max-header-count',
    '--max-pipelined',
    '--keep-alive-timeout-ms',
    '--client-idle-timeout-ms',
    '--drain-timeout-ms',
  ]);
  const given = new Set<string>();
  const upstreamFlagRegions = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (flag === '--no-health-checks' || flag === '--log-client-address') {
      // A switch: `--log-client-address=false` must not turn client addresses on.
      if (value !== undefined)
        throw new UsageError(`${flag}: takes no value (given ${JSON.stringify(value)}); allowed: ${flag} alone, or leave it out`);
      if (flag === '--no-health-checks') out.healthChecks = false;
      else out.logClientAddress = true;
      continue;
    }
    if (!flagsWithValue.has(flag)) {
      throw new UsageError(unknownName('flag', flag, [...flagsWithValue, '--no-health-checks', '--log-client-address']));
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag}: missing value`);
    }
    if (value.trim() === '') throw new UsageError(`${flag}: an empty value is not allowed`);
    if (!REPEATABLE_FLAGS.has(flag)) {
      if (given.has(flag)) throw new UsageError(`${flag}: given twice; allowed: once`);
      given.add(flag);
    }
    switch (flag) {
      case '--table':
        out.table = value;
        break;
      case '--port':
        out.port = intFlag(flag, value, 0, 65535);
        break;
      case '--host': {
        // An IP address, or a host name to resolve; dotted digits that are no IPv4 address (999.1.1.1) are a typo.
        const dotted = /^[\d.]+$/.test(value);
        if ((dotted && isIP(value) !== 4) || (!dotted && isIP(value) === 0 && !HOST_NAME.test(value)))
          throw new UsageError(
            `--host: ${JSON.stringify(value)} is not allowed; allowed: an IP address to listen on, such as 0.0.0.0, 127.0.0.1 or ::, or a host name`,
          );
        // A fully-qualified name's trailing dot is dropped: the resolver (and /etc/hosts) know "localhost", not "localhost.".
        out.host = isIP(value) === 0 ? value.replace(/\.$/, '') : value;
        break;
      }
      case '--admin-port':
        out.adminPort = intFlag(flag, value, 0, 65535);
        break;
      case '--upstream-template':
        out.template = value;
        break;
      case '--upstream': {
        const at = value.indexOf('=');
        if (at <= 0)
          throw new UsageError(
            `--upstream: ${JSON.stringify(value)} is not allowed; allowed: REGION=URL such as eu-west-1=http://127.0.0.1:9101`,
          );
        const region = value.slice(0, at);
        if (upstreamFlagRegions.has(region))
          throw new UsageError(
            `--upstream: region ${JSON.stringify(region)} is given twice; allowed: one --upstream REGION=URL per region`,
          );
        upstreamFlagRegions.add(region);
        out.upstreams[region] = value.slice(at + 1);
        break;
      }
      case '--upstreams': {
        let json: unknown;
        let text: string;
        try {
          text = readTextBounded(value, MAX_UPSTREAMS_FILE_BYTES);
          if (jsonNestedDeeperThan(text)) throw new Error(`nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`);
          try {
            json = JSON.parse(text);
          } catch (parseError) {
            throw new Error(jsonParseFailure(text, parseError), { cause: parseError });
          }
        } catch (err) {
          const why = err instanceof FileTooLargeError ? `more than ${MAX_UPSTREAMS_FILE_BYTES} bytes` : (err as Error).message;
          throw new UsageError(
            `--upstreams: cannot read ${JSON.stringify(value)} as JSON (${why}); allowed: a JSON object {"<region>": "<url>"}`,
          );
        }
        const repeated = findDuplicateKeys(text);
        if (repeated.length > 0)
          throw new UsageError(
            `--upstreams: ${value}: ${repeated[0].path} appears ${repeated[0].count} times in the same object; allowed: each region once`,
          );
        if (json === null || typeof json !== 'object' || Array.isArray(json)) {
          throw new UsageError(`--upstreams: ${JSON.stringify(value)} does not hold a JSON object; allowed: {"<region>": "<url>"}`);
        }
        for (const [region, url] of Object.entries(json)) {
          if (typeof url !== 'string')
            throw new UsageError(`--upstreams: ${value}: "${region}" is ${JSON.stringify(url)}; allowed: a URL string`);
          out.upstreams[region] ??= url;
        }
        break;
      }
      case '--etcd':
        out.etcd = value.split(',').map((h) => h.trim());
        for (const url of out.etcd)
          if (!etcdUrl(url))
            throw new UsageError(
              `--etcd: ${JSON.stringify(url)} is not allowed; allowed: etcd client URLs such as http://127.0.0.1:2379 (comma-separated)`,
            );
        // As the URL parser reads it ("HTTP://Host:2379/" → "http://host:2379"): the etcd client
        // took an upper-case scheme for a host name and never connected.
        out.etcd = out.etcd.map((url) => new URL(url).origin);
        break;
      case '--registry-service':
        try {
          out.registryService = validateSegment('name', value);
        } catch (err) {
          throw new UsageError(`--registry-service: ${(err as Error).message.replace(/^service registry: invalid name /, '')}`);
        }
        break;
      case '--trusted-proxy': {
        const entries = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        try {
          parseTrustedProxies(entries);
        } catch (err) {
          if (!(err instanceof TrustedProxyError) && !(err instanceof RangeError)) throw err;
          // A RangeError comes from the range set itself (an address net accepts but a range cannot
          // hold, such as a zone id): said of the flag like the rest.
          const bad = err instanceof TrustedProxyError ? String(err.value) : (entries.find((e) => e.includes('%')) ?? entries.join(','));
          const why = err instanceof TrustedProxyError ? `: ${err.reason}` : '';
          throw new UsageError(
            `--trusted-proxy: ${JSON.stringify(bad)} is not allowed${why}; allowed: an IPv4/IPv6 address or CIDR such as 10.0.0.0/8 or 2001:db8::/32 (IPv4 /${MIN_TRUSTED_PREFIX_V4} or narrower, IPv6 /${MIN_TRUSTED_PREFIX_V6} or narrower), without a zone id (comma-separated or repeated)`,
          );
        }
        out.trustedProxies.push(...entries);
        break;
      }
      case '--client-address-header':
        try {
          out.clientAddressHeader = checkClientAddressHeader(value);
        } catch (err) {
          throw new UsageError(`--client-address-header: ${(err as Error).message.replace(/^clientAddressHeader: /, '')}`);
        }
        break;
      case '--max-body-bytes':
        out.limits = { ...out.limits, maxBodyBytes: intFlag(flag, value, 1, 1 << 30) };
        break;
      case '--max-header-bytes':
        out.limits = { ...out.limits, maxHeaderBytes: intFlag(flag, value, 1024, 1 << 20) };
        break;
      case '--headers-timeout-ms':
        out.limits = { ...out.limits, headersTimeoutMs: intFlag(flag, value, 1, 600_000) };
        break;
      case '--request-timeout-ms':
        out.limits = { ...out.limits, requestTimeoutMs: intFlag(flag, value, 1, 3_600_000) };
        break;
      case '--max-header-count':
        out.limits = { ...out.limits, maxHeaderCount: intFlag(flag, value, 8, 10_000) };
        break;
      case '--max-pipelined':
        out.limits = { ...out.limits, maxPipelinedRequests: intFlag(flag, value, 1, 1024) };
        break;
      case '--keep-alive-timeout-ms':
        out.limits = { ...out.limits, keepAliveTimeoutMs: intFlag(flag, value, 1, 3_600_000) };
        break;
      case '--client-idle-timeout-ms':
        // More than the upstream timeouts (the gateway refuses less): the range says so up front.
        out.limits = {
          ...out.limits,
          clientIdleTimeoutMs: intFlag(flag, value, longestUpstreamSilenceMs(UPSTREAM_DEFAULTS) + 1, 3_600_000),
        };
        break;
      case '--drain-timeout-ms':
        out.drainTimeoutMs = intFlag(flag, value, 1, 600_000);
        break;
    }
  }
  if (out.clientAddressHeader !== undefined && out.trustedProxies.length === 0)
    throw new UsageError(
      `--client-address-header: ${out.clientAddressHeader} would never be believed; allowed: together with --trusted-proxy (the load balancer's range), which the header is believed from`,
    );
  if (out.adminPort !== undefined && out.adminPort !== 0 && out.adminPort === out.port)
    throw new UsageError(
      `--admin-port: ${out.adminPort} is not allowed; allowed: a port other than --port (${out.port}), or 0 for any free port`,
    );
  return out;
}

/** A host name --host may resolve (letters, digits, "-" and "."). */
const HOST_NAME = /^(?=.{1,254}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A log limiter: whether to log a message now, and a reset (after a recovery everything is news again). */
export interface RepeatLimiter {
  (message: string, now: number): boolean;
  reset(): void;
}

/**
 * Whether to log a message now: a message logged within `windowMs` is dropped, whatever was logged
 * in between (two errors alternating while etcd is down were logged three times a second); `reset`
 * (etcd back) makes every message news again, so an outage, its end and the next outage are logged.
 */
export function repeatLimiter(windowMs: number): RepeatLimiter {
  const lastLogged = new Map<string, number>();
  const limiter = ((message: string, now: number) => {
    if ((lastLogged.get(message) ?? -Infinity) > now - windowMs) return false;
    if (lastLogged.size > 1000) lastLogged.clear();
    lastLogged.set(message, now);
    return true;
  }) as RepeatLimiter;
  limiter.reset = () => lastLogged.clear();
  return limiter;
}

/** The flag of each gateway limit, so that a limit's error names what the operator typed. */
const LIMIT_FLAGS: Readonly<Record<string, string>> = {
  maxBodyBytes: '--max-body-bytes',
  maxHeaderBytes: '--max-header-bytes',
  headersTimeoutMs: '--headers-timeout-ms',
  requestTimeoutMs: '--request-timeout-ms',
  maxHeaderCount: '--max-header-count',
  maxPipelinedRequests: '--max-pipelined',
  clientIdleTimeoutMs: '--client-idle-timeout-ms',
  keepAliveTimeoutMs: '--keep-alive-timeout-ms',
};

/** `limits.requestTimeoutMs` → `--request-timeout-ms (limits.requestTimeoutMs)` in a message. */
export function withLimitFlags(message: string): string {
  return message.replace(/limits\.([A-Za-z]+)/g, (whole, field: string) =>
    LIMIT_FLAGS[field] ? `${LIMIT_FLAGS[field]} (${whole})` : whole,
  );
}

/**
 * Builds a gateway from command-line flags (no listening yet). Throws UsageError, RoutingTableError, UpstreamConfigError.
 *
 * An `--upstream`/`--upstreams` entry for a region the table does not have is an error at start (a
 * typo); on a reload it is a region the new table dropped: ignored, with one warning
 * (`event: "upstream-ignored"`) until the region is back in a table. A region a reloaded table adds
 * still needs an upstream (override, environment, template or registry), else the reload is rejected.
 */
export function gatewayFromFlags(flags: ParsedFlags, env: NodeJS.ProcessEnv = process.env, options: { logger?: Logger } = {}): Gateway {
  const table = loadRoutingTable(flags.table);
  const built: { gateway?: Gateway } = {}; // no gateway yet while its constructor resolves the first table
  // Registry errors (etcd unreachable, a watch lost, a bad value) are logged, each message at most
  // once a minute: the client retries on its own, and the gateway keeps the last known instances.
  const shouldLog = repeatLimiter(60_000);
  const onRegistryError = (err: Error) => {
    // Monotonic: a wall clock stepped back an hour silenced the same error for an hour.
    if (!shouldLog(err.message.slice(0, 1000), performance.now())) return;
    // Cut: a registry key or value of 20,000 characters made a log line as long.
    const error = err.message.length > 2000 ? `${err.message.slice(0, 2000)}… (${err.message.length} characters)` : err.message;
    built.gateway?.logger.warn({ event: 'registry-error', error }, 'service registry error');
  };
  // Back after a loss: information, not an error (always logged: the limiter sees the change).
  const onRegistryRecovered = (message: string) => {
    shouldLog.reset(); // the next loss is news
    built.gateway?.logger.info({ event: 'registry-connected', detail: message }, 'service registry connected again');
  };
  const registry =
    flags.etcd === undefined
      ? undefined
      : new EtcdRegistry({ hosts: flags.etcd, onError: onRegistryError, onRecovered: onRegistryRecovered });
  const warned = new Set<string>();
  const idleAtStart: string[] = [];
  const resolve = (t: RoutingTable) => {
    // Upstreams for the regions that answer traffic: a region without compute runs no gateway.
    const regions = servingRegionIds(t);
    const known = new Set(regions);
    const idle = t.regions.map((r) => r.id).filter((r) => !known.has(r));
    if (built.gateway === undefined) {
      // At start, a per-region variable that names no region of the table is a typo, as a --upstream flag is.
      const names = new Set(regions.map(upstreamEnvName));
      const idleNames = new Map(idle.map((r) => [upstreamEnvName(r), r]));
      const prefix = upstreamEnvName('');
      const strays = Object.keys(env)
        .filter((k) => k.startsWith(prefix) && k !== UPSTREAM_TEMPLATE_ENV && !names.has(k))
        .sort();
      // A region of the table without compute is not a typo: its upstream is ignored with a warning
      // (logged once the gateway exists), as on a reload, so a restart after such a change starts.
      const problems = strays
        .filter((k) => !idleNames.has(k))
        .map((k) => `${k}: names no region of the routing table; allowed: ${[...names].join(', ')} (or unset it)`);
      if (problems.length > 0) throw new UpstreamConfigError(problems);
      idleAtStart.push(...idle.filter((r) => flags.upstreams[r] !== undefined || env[upstreamEnvName(r)] !== undefined));
    }
    const dropped = built.gateway === undefined ? [] : Object.keys(flags.upstreams).filter((r) => !known.has(r) && !idle.includes(r));
    const resolved = resolveStaticUpstreams({
      regions,
      template: flags.template,
      // Without the regions that take no traffic (ignored above) and, on a reload, those the table dropped.
      overrides: Object.fromEntries(Object.entries(flags.upstreams).filter(([r]) => !idle.includes(r) && !dropped.includes(r))),
      env,
      optional: registry !== undefined,
    });
    for (const r of warned) if (known.has(r)) warned.delete(r);
    // A flag or a per-region variable left over for a region that has just lost compute: as at start.
    const idleGiven =
      built.gateway === undefined ? [] : idle.filter((r) => flags.upstreams[r] !== undefined || env[upstreamEnvName(r)] !== undefined);
    const fresh = [...dropped, ...idleGiven].filter((r) => !warned.has(r));
    if (fresh.length > 0) {
      for (const r of fresh) warned.add(r);
      built.gateway?.logger.warn(
        { event: 'upstream-ignored', regions: fresh },
        'upstream overrides for regions that take no traffic (no longer in the routing table, or without compute) are ignored',
      );
    }
    return resolved;
  };
  const gateway = new Gateway({
    table,
    tableFile: flags.table,
    resolveUpstreams: resolve,
    registry,
    registryService: flags.registryService,
    trustedProxies: flags.trustedProxies,
    clientAddressHeader: flags.clientAddressHeader,
    limits: flags.limits,
    drainTimeoutMs: flags.drainTimeoutMs,
    activeHealthChecks: flags.healthChecks,
    logClientAddress: flags.logClientAddress,
    adminPort: flags.adminPort,
    logger: options.logger,
  });
  built.gateway = gateway;
  if (idleAtStart.length > 0) {
    for (const r of idleAtStart) warned.add(r);
    gateway.logger.warn(
      { event: 'upstream-ignored', regions: idleAtStart },
      `upstreams for regions without compute (they run no gateway and take no traffic) are ignored: ${idleAtStart.join(', ')}`,
    );
  }
  return gateway;
}

/** Runs the gateway; resolves with the exit code once it has stopped (or failed to start). */
export async function main(args: readonly string[]): Promise<number> {
  const argv = args[0] === 'gateway' ? args.slice(1) : args;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${GATEWAY_USAGE}\n`);
    return 0;
  }
  let gateway: Gateway;
  let flags: ParsedFlags;
  try {
    flags = parseGatewayFlags(argv);
    gateway = gatewayFromFlags(flags);
  } catch (err) {
    if (err instanceof UsageError || err instanceof RoutingTableError || err instanceof UpstreamConfigError || err instanceof RangeError) {
      process.stderr.write(`taishanglaojun gateway: ${err instanceof RangeError ? withLimitFlags(err.message) : (err as Error).message}\n`);
      if (err instanceof UsageError) process.stderr.write(`${GATEWAY_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  try {
    await gateway.listen(flags.port, flags.host);
  } catch (err) {
    // A port taken or not allowed is named by its flag.
    const failed = err as NodeJS.ErrnoException & { port?: number };
    const listener =
      failed.code === 'EADDRINUSE' || failed.code === 'EACCES' || failed.code === 'EADDRNOTAVAIL'
        ? failed.port !== undefined && failed.port === flags.adminPort
          ? `--admin-port ${flags.adminPort}: `
          : `--port ${flags.port} (--host ${flags.host}): `
        : '';
    const hint = failed.code === 'EADDRINUSE' ? '; allowed: a port no other process listens on, or 0 for any free port' : '';
    process.stderr.write(`taishanglaojun gateway: cannot start: ${listener}${failed.message}${hint}\n`);
    await gateway.shutdown();
    // An etcd client whose calls never got an answer keeps retrying (timers, sockets) after it is
    // given up: the process would stay alive with nothing to do. It ends a second after the exit
    // code is set, if nothing else ended it first (the timer does not keep it alive).
    setTimeout(() => process.exit(1), 1000).unref();
    return 1;
  }
  const onHup = () => gateway.reload('sighup');
  process.on('SIGHUP', onHup);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.off('SIGHUP', onHup);
  // Until the drain ends, a reload (SIGHUP) or another stop signal is logged and ignored: without a
  // handler node's default action would end the process at once, cutting the requests being drained.
  const duringDrain = (signal: NodeJS.Signals) =>
    gateway.logger.warn({ event: 'signal-ignored', signal }, `${signal} ignored: the gateway is draining`);
  const drainSignals: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT'];
  for (const signal of drainSignals) process.on(signal, duringDrain);
  try {
    await gateway.shutdown();
  } finally {
    for (const signal of drainSignals) process.off(signal, duringDrain);
  }
  // Stopped: an etcd client whose last calls get no answer (etcd hung) keeps the process alive with
  // nothing to do — in Kubernetes until SIGKILL at the grace period. It ends a second after the exit
  // code is set, if nothing else ended it first (the timer does not keep it alive).
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`taishanglaojun gateway: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
