/**
 * Where each region's traffic goes: the upstream URLs per region and one undici connection pool per
 * upstream (a `BalancedPool` per region holds a `Pool` per instance, keep-alive, bounded sockets).
 *
 * URLs come from a template (`https://api.{region}.internal`), overridden per region by flags, a
 * JSON file or environment variables, or from a service registry (see `registry-upstreams.ts`).
 */
import { BalancedPool } from 'undici';
import { invalidInput } from '../runtime/private/invalid-input';
import { unknownName } from '../runtime/private/unknown-name';

/** Timeouts and pool size for every upstream. */
export interface UpstreamPoolOptions {
  /** Sockets per upstream instance. @default 128 */
  readonly connections?: number;
  /** Time to establish a connection. @default 2000 */
  readonly connectTimeoutMs?: number;
  /** Time from the request sent to the response headers. @default 15000 */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two chunks of the response body. @default 30000 */
  readonly bodyTimeoutMs?: number;
  /** Idle keep-alive socket lifetime. @default 4000 */
  readonly keepAliveTimeoutMs?: number;
}

export const UPSTREAM_DEFAULTS: Required<UpstreamPoolOptions> = {
  connections: 128,
  connectTimeoutMs: 2000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 4000,
};

/** The environment variable overriding one region's upstream: `TAISHANGLAOJUN_UPSTREAM_EU_WEST_1`. */
export function upstreamEnvName(region: string): string {
  return `TAISHANGLAOJUN_UPSTREAM_${region.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
/** The environment variable holding the URL template. */
export const UPSTREAM_TEMPLATE_ENV = 'TAISHANGLAOJUN_UPSTREAM_TEMPLATE';

/**
 * The longest a client may wait without a byte while the gateway still has a right to answer: a
 * first attempt and its retry each connecting and waiting for headers, or a pause in a streamed
 * body. The client-idle limit must exceed it (30001 ms cut a retried GET at 30 s).
 */
export function longestUpstreamSilenceMs(options: Required<UpstreamPoolOptions>): number {
  return Math.max(2 * (options.connectTimeoutMs + options.headersTimeoutMs), options.bodyTimeoutMs);
}

/** Thrown for a bad upstream setting; the message names the setting, the value and what is allowed. */
export class UpstreamConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `upstreams are not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'UpstreamConfigError';
  }
}

/** A URL as it may be shown: userinfo and the query (where tokens travel) replaced. */
function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^/@?#]*@/, '//<credentials>@').replace(/\?[^#]*/, '?<query>');
}

/**
 * Checks one upstream URL: absolute http(s), an origin only (no path, query, credentials).
 * Returns the normalised origin or a problem message naming `where`.
 */
export function checkUpstreamUrl(where: string, value: unknown): { ok: true; origin: string } | { ok: false; problem: string } {
  const allowed = 'allowed: an absolute http:// or https:// origin such as "http://127.0.0.1:9101" (no path, query or credentials)';
  // Credentials in a refused URL are not repeated in the message (it goes to logs and terminals).
  const shown = typeof value === 'string' ? JSON.stringify(withoutCredentials(value)) : JSON.stringify(value);
  if (typeof value !== 'string' || value.length === 0) return { ok: false, problem: `${where}: ${shown} is not a URL; ${allowed}` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `${where}: ${shown} is not a URL; ${allowed}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: `${where}: ${shown} has protocol ${url.protocol}; ${allowed}` };
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, problem: `${where}: ${shown} is not an origin; ${allowed}` };
  }
  return { ok: true, origin: url.origin };
}

/** Inputs of {@link resolveStaticUpstreams}. */
export interface StaticUpstreamInput {
  /** Region ids of the routing table. */
  readonly regions: readonly string[];
  /** URL with `{region}` in it; applies to every region without an override. @default env TAISHANGLAOJUN_UPSTREAM_TEMPLATE */
  readonly template?: string;
  /** Per region URL (flags `--upstream REGION=URL`, the `--upstreams FILE` map). Win over the environment. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Environment to read `TAISHANGLAOJUN_UPSTREAM_<REGION>` and the template from. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Regions that need no static URL (their instances come from a registry). @default none */
  readonly optional?: boolean;
}

/**
 * One upstream origin per region: override, else environment, else template. Every problem at
 * once (unknown regions in overrides, bad URLs, regions left without an upstream).
 */
export function resolveStaticUpstreams(input: StaticUpstreamInput): Record<string, string> {
  const env = input.env ?? {};
  const problems: string[] = [];
  const known = new Set(input.regions);
  const out: Record<string, string> = {};
  for (const region of Object.keys(input.overrides ?? {})) {
    if (!known.has(region)) problems.push(`upstream: ${unknownName('region of the routing table', region, input.regions)}`);
  }
  const template = input.template ?? env[UPSTREAM_TEMPLATE_ENV];
  const templateName = input.template !== undefined ? 'upstream template' : UPSTREAM_TEMPLATE_ENV;
  if (template !== undefined && !template.includes('{region}')) {
    problems.push(
      `${templateName}: ${JSON.stringify(withoutCredentials(template))} has no {region} placeholder; allowed: a URL such as "https://api.{region}.internal"`,
    );
  }
  const missing: string[] = [];
  let templateRefused = false;
  for (const region of input.regions) {
    const fromOverride = input.overrides?.[region];
    const fromEnv = env[upstreamEnvName(region)];
    // A variable set for a region is checked even when a flag or file wins over it: a bad value
    // would otherwise wait, unnoticed, for the day the flag is removed.
    if (fromOverride !== undefined && fromEnv !== undefined) {
      const shadowed = checkUpstreamUrl(upstreamEnvName(region), fromEnv);
      if (!shadowed.ok) problems.push(shadowed.problem);
    }
    const [where, value] =
      fromOverride !== undefined
        ? [`upstream ${region}`, fromOverride]
        : fromEnv !== undefined
          ? [upstreamEnvName(region), fromEnv]
          : template !== undefined && template.includes('{region}')
            ? [`upstream template for ${region}`, template.split('{region}').join(region)]
            : [undefined, undefined];
    if (where === undefined) {
      missing.push(region);
      continue;
    }
    const checked = checkUpstreamUrl(where, value);
    if (checked.ok) out[region] = checked.origin;
    else if (where !== `upstream template for ${region}`) problems.push(checked.problem);
    else if (!templateRefused) {
      // The template's fault, not each region's: said once.
      templateRefused = true;
      problems.push(
        checked.problem.replace(`upstream template for ${region}`, `upstream template (for ${region} and the others it fills)`),
      );
    }
  }
  // Regions a template without its placeholder would have filled: that problem is already said.
  if (missing.length > 0 && !input.optional && !(template !== undefined && !template.includes('{region}'))) {
    problems.push(
      `no upstream for ${missing.join(', ')}; allowed: --upstream-template URL-with-{region}, --upstream REGION=URL, --upstreams FILE, or ${upstreamEnvName(missing[0])}=URL`,
    );
  }
  if (problems.length > 0) throw new UpstreamConfigError(problems);
  return out;
}

/** One `BalancedPool` per region over its instances' origins; instances can change at run time. */
export class RegionUpstreams {
  readonly #options: Required<UpstreamPoolOptions>;
  readonly #pools = new Map<string, BalancedPool>();
  readonly #origins = new Map<string, readonly string[]>();
  /** Per region: the origins in its pool now (its origins less the ejected ones). */
  readonly #members = new Map<string, readonly string[]>();
  readonly #ejected = new Map<string, Set<string>>();

  constructor(options: UpstreamPoolOptions = {}) {
    this.#options = { ...UPSTREAM_DEFAULTS, ...options };
    for (const [key, value] of Object.entries(this.#options)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
        throw invalidInput(`upstream ${key}`, value, 'an integer > 0', typeof value === 'number');
    }
  }

  get options(): Required<UpstreamPoolOptions> {
    return this.#options;
  }

  /** Sets the instances of a region (origins); an empty list leaves the region without an upstream. */
  set(region: string, origins: readonly string[]): void {
    const wanted = [...new Set(origins)].sort();
    const old = this.#origins.get(region) ?? [];
    if (old.length === wanted.length && old.every((o, i) => o === wanted[i])) return;
    this.#origins.set(region, wanted);
    const ejected = this.#ejected.get(region);
    if (ejected !== undefined) for (const o of [...ejected]) if (!wanted.includes(o)) ejected.delete(o);
    this.#sync(region);
  }

  /**
   * Takes an instance that fails its health checks out of its region's pool (`healthy` false), or
   * puts it back. A region whose every instance fails keeps them all: the region's own health then
   * takes it out of traffic. Returns whether the pool changed.
   */
  setInstanceHealth(region: string, origin: string, healthy: boolean): boolean {
    if (!this.origins(region).includes(origin)) return false;
    let ejected = this.#ejected.get(region);
    if (ejected === undefined) this.#ejected.set(region, (ejected = new Set()));
    if (healthy === !ejected.has(origin)) return false;
    if (healthy) ejected.delete(origin);
    else ejected.add(origin);
    return this.#sync(region);
  }

  /** Origins of a region taken out of its pool for failing their health checks. */
  ejected(region: string): readonly string[] {
    return [...(this.#ejected.get(region) ?? [])].sort();
  }

  /** Makes the region's pool hold its origins less the ejected ones (all of them if none is left). Returns whether it changed. */
  #sync(region: string): boolean {
    const all = this.origins(region);
    const ejected = this.#ejected.get(region);
    let members = ejected === undefined ? [...all] : all.filter((o) => !ejected.has(o));
    if (members.length === 0) members = [...all];
    const current = this.#members.get(region) ?? [];
    if (current.length === members.length && current.every((o, i) => o === members[i])) return false;
    this.#members.set(region, members);
    let pool = this.#pools.get(region);
    if (members.length === 0) {
      this.#members.delete(region);
      if (pool !== undefined) {
        this.#pools.delete(region);
        void pool.close().catch(() => undefined);
      }
      return true;
    }
    if (pool === undefined) {
      pool = new BalancedPool([], {
        connections: this.#options.connections,
        connectTimeout: this.#options.connectTimeoutMs,
        headersTimeout: this.#options.headersTimeoutMs,
        bodyTimeout: this.#options.bodyTimeoutMs,
        keepAliveTimeout: this.#options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: this.#options.keepAliveTimeoutMs,
      });
      this.#pools.set(region, pool);
    }
    for (const o of current) if (!members.includes(o)) pool.removeUpstream(o);
    for (const o of members) if (!current.includes(o)) pool.addUpstream(o);
    return true;
  }

  /** Removes regions not in `keep` (after a table reload). */
  retain(keep: readonly string[]): void {
    for (const region of [...this.#origins.keys()]) if (!keep.includes(region)) this.set(region, []);
  }

  pool(region: string): BalancedPool | undefined {
    return this.#pools.get(region);
  }

  /** Origins of a region (sorted), empty when it has none. */
  origins(region: string): readonly string[] {
    return this.#origins.get(region) ?? [];
  }

  /** Closes every pool: waits for requests in flight; after `deadlineMs` destroys what is left. */
  async close(deadlineMs: number): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#origins.clear();
    this.#members.clear();
    this.#ejected.clear();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const closed = Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    const outcome = await Promise.race([closed.then(() => 'closed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'late') await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
