/**
 * RegionRouter: which region serves a request, and which shard/replica holds the user's data.
 *
 * Rules, in order (each decision says which one applied, as a machine-readable `reason`); each rule
 * is one method of {@link RegionRouter}:
 *
 * 0. Residency zone of the user (`#residency`): the explicit `residencyZone` (from the user's
 *    account) if given, else the zone of the region serving the user's country, else
 *    `options.defaultZone` if set, else unknown. An unknown zone means we cannot tell where the
 *    user's data may live:
 *    - with a `userId` (personal data involved) the request is refused (`code: 'residency-unknown'`);
 *    - without one (anonymous traffic, no personal data) every region is a candidate and the rules
 *      below run over all regions (order for ties and fallback: `options.defaultRegion`, default
 *      us-east-1 as in the design, then the other primaries, then table order).
 * 1. `preference` (`#byPreference`): the preferred region (header `x-preferred-region`) if it is a
 *    known region, healthy, and in a zone the user's data may be in (the user's zone or its
 *    `allowedCopyTo`). Otherwise it is ignored and `ignoredPreference` says why ('unknown-region' |
 *    'no-gateway' (a region without compute) | 'unhealthy' | 'residency'). Load does not veto an
 *    explicit preference.
 * 2. `geo` (`#byGeography`): the region serving the user's country, if healthy (and in the user's zone).
 * 3. `score` (`#byScore`): among healthy regions of the zone with loadFactor < routing.maxLoadFactor,
 *    the lowest `latencyMs + loadFactor * routing.loadWeight` (ties: zone order). A region without a
 *    latency figure counts as its `latencyThresholdMs`; without a load figure as load 0; an invalid
 *    load (NaN, negative) excludes it from scoring.
 * 4. `fallback` (`#byFallbackOrder`): the first healthy region in the zone's fallback order
 *    (`residencyZones[].regions`).
 * 5. `shed` (`#withinShare`): the region chosen by 1–4 takes only its traffic share (the failover
 *    controller's `trafficPercent`: 10 % early in a gradual recovery, 50 % when degraded). A user
 *    whose hash falls outside that share goes to the other regions of the user's zone (of the
 *    region's zone for anonymous traffic of unknown zone) that take traffic, picked by their
 *    redistributed weights (capacity × share). Deterministic per user id: the same user stays in
 *    the same region for a given set of shares, and as a recovering region's share grows only
 *    users move to it, never away. Anonymous requests use `options.random`. With no zone peer
 *    taking traffic the region keeps the request (residency leaves nowhere else to send it).
 * 6. `refused` (`#refuse`, `code: 'no-healthy-region'`): never a region of a zone the data may not be in.
 *
 * With a `userId` and a known zone, the decision also carries the user's shard (ShardRing within
 * the user's zone — never another zone) and the replica to read from the routed region.
 */
import { ClientAddressResolver, type ClientAddress, type HeaderBag } from './client-address';
import * as geo from './geo';
import type { GeoLookup } from './geo';
import { invalidInput, isRecord } from './private/invalid-input';
import { unknownName } from './private/unknown-name';
import * as userHash from './private/user-hash';
import * as replicas from './replica';
import type { ReplicaChoice } from './replica';
import { parseRoutingTable, RoutingTableError, type RoutingTable, type RoutingTableShard } from './routing-table';
import { ShardRing } from './shard-ring';

// The functions called per request as local bindings: one read at load instead of one per call (a
// loader's ES-module interop, such as tsx's, reads imports through getters).
const { countryForIp, countryForParsed, preloadGeoDatabase } = geo;
const { userUnit } = userHash;
const { chooseReplica, localPrimaryDetail, localReplicaDetail } = replicas;

export type RouteReason = 'preference' | 'geo' | 'score' | 'fallback' | 'shed';
export type IgnoredPreferenceWhy = 'unknown-region' | 'no-gateway' | 'unhealthy' | 'residency';
export type RefusalCode = 'no-healthy-region' | 'residency-unknown' | 'unknown-zone';

export interface IgnoredPreference {
  region: string;
  why: IgnoredPreferenceWhy;
  detail: string;
}

export interface ShardRef {
  id: string;
  residencyZone: string;
  primaryRegion: string;
}

/** The region a rule chose before its traffic share sent the request elsewhere (rule 5). */
export interface ShedFrom {
  region: string;
  /** The rule that chose it. */
  reason: Exclude<RouteReason, 'shed'>;
  /** Its traffic share at decision time, 0..100. */
  trafficPercent: number;
}

export interface RoutedDecision {
  kind: 'routed';
  region: string;
  reason: RouteReason;
  detail: string;
  /** Residency zone of the user's data (null when unknown, anonymous traffic only). */
  zone: string | null;
  /** How the zone was found. */
  zoneSource: 'explicit' | 'country' | 'default' | 'unknown';
  ignoredPreference?: IgnoredPreference;
  /** Set when reason is 'shed': the region the rules chose and its share. */
  shedFrom?: ShedFrom;
  shard?: ShardRef;
  replica?: ReplicaChoice;
}

export interface RefusedDecision {
  kind: 'refused';
  reason: 'refused';
  code: RefusalCode;
  detail: string;
  zone: string | null;
  ignoredPreference?: IgnoredPreference;
}

export type RouteDecision = RoutedDecision | RefusedDecision;

export interface DecisionInput {
  /** ISO alpha-2 country of the user (upper or lower case). */
  country?: string;
  /** Region the user asked for. */
  preferredRegion?: string;
  /** Stable user id: selects the shard, and keeps the user in one region while shares change. */
  userId?: string;
  /** The user's residency zone from their account; overrides the country's zone. */
  residencyZone?: string;
  /**
   * Regions not to choose for this one decision, as if unhealthy (a gateway's retry after a region
   * failed the request; regions it has no upstream for). Never widens the choice beyond the zone.
   */
  exclude?: readonly string[];
}

export interface RouteRequest {
  /** Request headers, names lower-case (Node's `req.headers`). */
  headers?: HeaderBag;
  /** `req.socket.remoteAddress`. */
  socketAddress?: string;
  userId?: string;
  residencyZone?: string;
  /** See {@link DecisionInput.exclude}. */
  exclude?: readonly string[];
}

export type RouteResult = RouteDecision & {
  client: { address: string | null; source: ClientAddress['source'] | null; country: string | null };
};

export type HealthView = ((region: string) => boolean) | { isHealthy(region: string): boolean };
/**
 * Region → share of its traffic it takes, 0..100 (a `FailoverController` is one). A value that is
 * not a number in 0..100 is clamped; NaN counts as 0.
 */
export type TrafficShareView = ((region: string) => number) | { trafficPercent(region: string): number };
export type RegionFigures = ((region: string) => number | undefined) | ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface RegionRouterOptions {
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For is trusted. Default: none. */
  trustedProxies?: readonly string[];
  /**
   * A header naming the client's address (e.g. `cf-connecting-ip`), believed from trusted proxies
   * before X-Forwarded-For: only behind an edge that sets it and a proxy tier that refuses requests
   * that did not pass the edge (see client-address.ts). Default: none.
   */
  clientAddressHeader?: string;
  /** IP → country; default: the offline database in ./geo. */
  geoLookup?: GeoLookup;
  /** Region health; default: every region healthy. Read at every decision. */
  health?: HealthView;
  /**
   * Region traffic shares (rule 5). Read at every decision. Default: the `health` view's
   * `trafficPercent` when it has one (a `FailoverController` passed as `health`), else 100 for all.
   */
  shares?: TrafficShareView;
  /** Uniform [0, 1) numbers for the share rule of requests without a user id. Default `Math.random`. */
  random?: () => number;
  /** Region → current load factor (load / capacity, 0..∞). Read at every decision. */
  loads?: RegionFigures;
  /** Region → latency in ms. Read at every decision. */
  latencies?: RegionFigures;
  /** Zone for users whose country is unknown; default: none (see rule 0). */
  defaultZone?: string;
  /** First choice for anonymous traffic of unknown zone on ties/fallback; default `us-east-1` if in the table. */
  defaultRegion?: string;
}

export const PREFERRED_REGION_HEADER = 'x-preferred-region';
/**
 * Longest `x-preferred-region` value treated as a region name (region ids are at most 64
 * characters); a longer one is an unknown region, and only its first {@link ECHO_CHARS} characters
 * are echoed in `ignoredPreference`.
 */
export const MAX_PREFERRED_REGION_CHARS = 64;
const ECHO_CHARS = 32;
/** The design's default region for traffic that nothing else places. */
export const DEFAULT_REGION = 'us-east-1';

/** Seeds of the two independent user hashes of rule 5. */
const SHARE_SEED = 0x5a17;
const PEER_SEED = 0x3c6e;

/**
 * Rings already built for a shard list, keyed by its content (building one takes milliseconds), so
 * a table edited in place or reloaded gets a ring for what it holds now. A few entries at most.
 */
const ringCache = new Map<string, ShardRing<RoutingTableShard>>();
const RING_CACHE_ENTRIES = 8;

function ringFor(shards: readonly RoutingTableShard[]): ShardRing<RoutingTableShard> {
  const key = JSON.stringify(shards);
  let ring = ringCache.get(key);
  if (ring === undefined) {
    ring = new ShardRing(shards);
    if (ringCache.size >= RING_CACHE_ENTRIES) ringCache.delete(ringCache.keys().next().value as string);
    ringCache.set(key, ring);
  }
  return ring;
}

interface RegionInfo {
  readonly id: string;
  readonly zone: string;
  readonly latencyThresholdMs: number;
  readonly capacity: number;
  /** Position in the table's region list (indexes per-region arrays such as {@link ShardInfo.local}). */
  readonly index: number;
  /** Whether the region runs compute (a gateway): only such regions receive API traffic. */
  readonly serves: boolean;
  /** The last detail rule 3 built for this region, and what it was built from. */
  scoreDetail?: { readonly note: string; readonly latency: number; readonly load: number; readonly detail: string };
}

/** A country of the table: its region and the detail of a decision by geography (built once). */
interface CountryInfo {
  readonly region: RegionInfo;
  /** The region's zone (undefined only if the table's zones do not list it). */
  readonly zone: ZoneInfo | undefined;
  readonly geoDetail: string;
  /** Why geography did not decide when the region is unhealthy. */
  readonly unhealthyNote: string;
}

/** A copy of a shard that a caller in its region reads locally: the fixed parts of that replica choice. */
interface LocalCopy {
  readonly endpoint: string | null;
  readonly role: 'replica' | 'primary';
  readonly reason: 'local-replica' | 'local-primary';
  readonly detail: string;
}

/** Per shard of the ring, built once: the local copy per caller region (by {@link RegionInfo.index}). */
interface ShardInfo {
  readonly local: readonly (LocalCopy | undefined)[];
}

interface ZoneInfo {
  readonly id: string;
  readonly regions: readonly RegionInfo[];
  readonly allowed: ReadonlySet<string>;
}

/** What rule 0 established, read by the rules after it. */
interface DecisionContext {
  readonly zone: ZoneInfo | undefined;
  readonly zoneSource: RoutedDecision['zoneSource'];
  readonly countryCode: string | undefined;
  readonly geoRegion: RegionInfo | undefined;
  readonly countryInfo: CountryInfo | undefined;
  readonly userId: string | undefined;
  readonly preferredRegion: string | undefined;
  /** Regions the rules 3 and 4 look at: the zone's, or every region for anonymous unknown-zone traffic. */
  readonly candidates: readonly RegionInfo[];
  ignoredPreference?: IgnoredPreference;
  /** Why geography did not decide (for the details of later rules). */
  geoNote: string;
}

/** A region chosen by one of the rules 1–4, or moved by rule 5 (then `shedFrom` is set). */
interface Choice {
  readonly region: RegionInfo;
  readonly reason: RouteReason;
  readonly detail: string;
  readonly shedFrom?: ShedFrom;
}

function figures(source: RegionFigures | undefined): (region: string) => number | undefined {
  if (source === undefined) return () => undefined;
  if (typeof source === 'function') return source;
  if (source instanceof Map) return (region) => source.get(region);
  const record = source as Readonly<Record<string, number>>;
  return (region) => (Object.prototype.hasOwnProperty.call(record, region) ? record[region] : undefined);
}

function healthFn(view: HealthView | undefined): (region: string) => boolean {
  if (view === undefined) return () => true;
  if (typeof view === 'function') return view;
  return (region) => view.isHealthy(region);
}

function shareFn(shares: TrafficShareView | undefined, health: HealthView | undefined): ((region: string) => number) | undefined {
  if (typeof shares === 'function') return shares;
  if (shares !== undefined) return (region) => shares.trafficPercent(region);
  const fromHealth = health as Partial<{ trafficPercent(region: string): number }> | undefined;
  if (fromHealth !== undefined && typeof fromHealth === 'object' && typeof fromHealth.trafficPercent === 'function') {
    return (region) => fromHealth.trafficPercent!(region);
  }
  return undefined;
}

const FIGURES_ALLOWED = 'a function (region) => number, a Map or an object of region → number';

/** The options as a JavaScript caller may pass them: each of the wrong type is named with its value. */
function checkRouterOptions(options: unknown): RegionRouterOptions {
  if (options === undefined) return {};
  if (!isRecord(options)) throw invalidInput('RegionRouter options', options, 'an object');
  const o = options;
  const fail = (key: string, allowed: string) => {
    throw invalidInput(`RegionRouter ${key}`, o[key], allowed);
  };
  const isFn = (v: unknown) => typeof v === 'function';
  const has = (key: string) => o[key] !== undefined;
  if (o.trustedProxies != null && !Array.isArray(o.trustedProxies))
    fail('trustedProxies', 'a list of IP addresses or CIDRs such as ["10.0.0.0/8"]');
  if (has('clientAddressHeader') && typeof o.clientAddressHeader !== 'string')
    fail('clientAddressHeader', 'a header name such as "cf-connecting-ip"');
  if (has('geoLookup') && !isFn(o.geoLookup)) fail('geoLookup', 'a function (ip) => country code or undefined');
  if (has('health') && !isFn(o.health) && !(isRecord(o.health) && isFn(o.health.isHealthy)))
    fail('health', 'a function (region) => boolean or an object with isHealthy(region)');
  if (has('shares') && !isFn(o.shares) && !(isRecord(o.shares) && isFn(o.shares.trafficPercent)))
    fail('shares', 'a function (region) => percent or an object with trafficPercent(region)');
  if (has('random') && !isFn(o.random)) fail('random', 'a function () => number in [0, 1)');
  for (const key of ['loads', 'latencies'])
    if (has(key) && !isFn(o[key]) && !(o[key] instanceof Map) && !isRecord(o[key])) fail(key, FIGURES_ALLOWED);
  for (const key of ['defaultZone', 'defaultRegion']) if (has(key) && typeof o[key] !== 'string') fail(key, 'a string');
  return o as RegionRouterOptions;
}

const FORWARDED_FOR_HEADER = 'x-forwarded-for';

/** A header value that is not a string: a list of strings is returned, anything else named. */
function checkHeader(name: string, value: unknown): readonly string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw invalidInput(`RegionRouter.route: headers[${JSON.stringify(name)}]`, value, 'a string or a list of strings');
}

/** Names what is wrong with a route() request's headers or socketAddress. */
function badRequest(request: RouteRequest): TypeError {
  const headers: unknown = request.headers;
  if (headers != null && typeof headers !== 'object')
    return invalidInput('RegionRouter.route: headers', headers, 'an object of lower-case header names, as req.headers');
  return invalidInput('RegionRouter.route: socketAddress', request.socketAddress, 'a string (req.socket.remoteAddress) or undefined');
}

/** Names the field of a route()/decide() input that is not of its type (called only when one is not). */
function badInput(method: string, fields: Record<string, unknown>): TypeError {
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'exclude') {
      if (value !== undefined && (!Array.isArray(value) || !value.every((v) => typeof v === 'string')))
        return invalidInput(`RegionRouter.${method}: exclude`, value, 'a list of region id strings');
    } else if (value !== undefined && typeof value !== 'string') {
      return invalidInput(`RegionRouter.${method}: ${name}`, value, 'a string or undefined');
    }
  }
  return new TypeError(`RegionRouter.${method}: the input is not valid`); // not reached
}

/** `de`, ` DE ` → `DE`; two upper-case letters (what the geo lookup returns) come back as they are, without allocating. */
function normalizeCountry(country: string): string {
  if (country.length === 2) {
    const a = country.charCodeAt(0);
    const b = country.charCodeAt(1);
    if (a >= 65 && a <= 90 && b >= 65 && b <= 90) return country;
  }
  return country.trim().toUpperCase();
}

/** A share as a fraction 0..1; NaN and negatives are 0, above 100 is 1. */
function shareFraction(percent: number): number {
  if (!(percent > 0)) return 0;
  return percent >= 100 ? 1 : percent / 100;
}

export class RegionRouter {
  readonly table: RoutingTable;
  readonly #regions = new Map<string, RegionInfo>();
  readonly #zones = new Map<string, ZoneInfo>();
  readonly #countries = new Map<string, CountryInfo>();
  readonly #unplaceableDetails = new Map<string, string>();
  /** All regions, primaries first, for anonymous traffic with no known zone. */
  readonly #everywhere: readonly RegionInfo[];
  readonly #ring: ShardRing<RoutingTableShard>;
  /** Keyed by the ring's own shard objects (a cached ring may hold an equal table's). */
  readonly #shardInfo = new Map<RoutingTableShard, ShardInfo>();
  readonly #clients: ClientAddressResolver;
  readonly #geo: GeoLookup;
  #healthy: (region: string) => boolean;
  readonly #share: ((region: string) => number) | undefined;
  readonly #random: () => number;
  readonly #load: (region: string) => number | undefined;
  readonly #latency: (region: string) => number | undefined;
  readonly #maxLoad: number;
  readonly #loadWeight: number;
  readonly #defaultZone: ZoneInfo | undefined;
  readonly #zoneOf = (region: string): string | undefined => this.#regions.get(region)?.zone;

  /**
   * Throws RoutingTableError for an invalid table, TypeError for an option of the wrong type (named
   * with its value), Error for an unknown defaultZone or defaultRegion.
   */
  constructor(table: RoutingTable, routerOptions: RegionRouterOptions = {}) {
    const options = checkRouterOptions(routerOptions);
    const parsed = parseRoutingTable(table);
    if (!parsed.ok) throw new RoutingTableError(parsed.problems);
    this.table = parsed.table;
    const t = parsed.table;
    t.regions.forEach((r, index) => {
      this.#regions.set(r.id, {
        id: r.id,
        zone: r.residencyZone,
        latencyThresholdMs: r.latencyThresholdMs,
        capacity: r.capacity,
        index,
        serves: r.services.includes('compute'),
      });
    });
    for (const z of t.residencyZones) {
      // Candidates for API traffic: the zone's regions that run a gateway (a storage-only region
      // holds data, and replicas, but answers no request).
      const regions = z.regions.map((id) => this.#regions.get(id)).filter((r): r is RegionInfo => r !== undefined && r.serves);
      this.#zones.set(z.id, { id: z.id, regions, allowed: new Set(z.allowedCopyTo) });
    }
    for (const [country, regionId] of Object.entries(t.countries)) {
      const region = this.#regions.get(regionId);
      if (region === undefined) continue;
      this.#countries.set(country, {
        region,
        zone: this.#zones.get(region.zone),
        geoDetail: `country ${country} is served by ${region.id}`,
        unhealthyNote: `country region ${region.id} is unhealthy`,
      });
    }
    const primaries = new Set(t.regions.filter((r) => r.primary).map((r) => r.id));
    const defaultRegion = options.defaultRegion ?? (this.#regions.has(DEFAULT_REGION) ? DEFAULT_REGION : undefined);
    if (defaultRegion !== undefined && !this.#regions.has(defaultRegion)) {
      throw new Error(`defaultRegion: ${unknownName('region', defaultRegion, this.#regions.keys())}`);
    }
    const rank = (r: RegionInfo) => (r.id === defaultRegion ? 0 : primaries.has(r.id) ? 1 : 2);
    this.#everywhere = [...this.#regions.values()]
      .filter((r) => r.serves)
      .map((r, i) => [r, i] as const)
      .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
      .map(([r]) => r);
    this.#ring = ringFor(t.shards);
    for (const zone of this.#ring.zones)
      for (const shard of this.#ring.shardsOf(zone)) this.#shardInfo.set(shard, this.#localCopies(shard));
    this.#clients = new ClientAddressResolver(options.trustedProxies ?? [], options.clientAddressHeader);
    this.#geo = options.geoLookup ?? countryForIp;
    this.#healthy = healthFn(options.health);
    this.#share = shareFn(options.shares, options.health);
    this.#random = options.random ?? Math.random;
    this.#load = figures(options.loads);
    this.#latency = figures(options.latencies);
    this.#maxLoad = t.routing.maxLoadFactor;
    this.#loadWeight = t.routing.loadWeight;
    if (options.defaultZone !== undefined) {
      this.#defaultZone = this.#zones.get(options.defaultZone);
      if (this.#defaultZone === undefined) {
        throw new Error(`defaultZone: ${unknownName('residency zone', options.defaultZone, this.#zones.keys())}`);
      }
    }
  }

  /**
   * Does now the work the first requests would otherwise pay for: the shard ring's bucket tables
   * (built per zone on first use, milliseconds each) and the geo database. A server calls it at
   * start; a one-shot command does not need to.
   */
  prepare(): this {
    this.#ring.prepare();
    if (this.#geo === countryForIp) preloadGeoDatabase();
    return this;
  }

  /** The residency zone of a region (undefined for an unknown region). */
  zoneOf(region: string): string | undefined {
    return this.#zoneOf(region);
  }

  /**
   * Routes an HTTP request: client address → country → {@link decide}. A request, header or field
   * of the wrong type (a JavaScript caller's: `userId: 42`, `exclude: "eu-west-2"`, a numeric
   * `x-forwarded-for`) throws a TypeError naming it and its value.
   */
  route(request: RouteRequest): RouteResult {
    if (typeof request !== 'object' || request === null)
      throw invalidInput('RegionRouter.route: request', request, 'an object such as { socketAddress, headers }');
    const headers = request.headers ?? {};
    const socketAddress = request.socketAddress;
    if (typeof headers !== 'object' || (socketAddress !== undefined && typeof socketAddress !== 'string')) throw badRequest(request);
    // A JavaScript caller's header of another type than Node gives (a string, or a list of them):
    // named here, before the client address is read from it.
    const forwardedFor = headers[FORWARDED_FOR_HEADER];
    if (forwardedFor !== undefined && typeof forwardedFor !== 'string') checkHeader(FORWARDED_FOR_HEADER, forwardedFor);
    const clients = this.#clients;
    const address = clients.resolveAddress(socketAddress, headers);
    const country =
      address === undefined
        ? undefined
        : this.#geo === countryForIp
          ? countryForParsed(clients.lastParsed, address) // the address parsed once
          : this.#geo(address);
    const client: RouteResult['client'] = {
      address: address ?? null,
      source: address === undefined ? null : clients.lastSource,
      country: country ?? null,
    };
    const raw = headers[PREFERRED_REGION_HEADER];
    const preferred = raw === undefined || typeof raw === 'string' ? raw : checkHeader(PREFERRED_REGION_HEADER, raw)[0];
    const decision = this.#decide(country, preferred, request.userId, request.residencyZone, request.exclude, client);
    // A routed decision built by #routed already holds `client`, as its last field.
    if (decision.kind !== 'routed' || (decision as RouteResult).client !== client) (decision as RouteResult).client = client;
    return decision as RouteResult;
  }

  /**
   * The routing decision for a user; see the module comment for the rules, one method each. A field
   * of the wrong type throws a TypeError naming it and its value.
   */
  decide(input: DecisionInput): RouteDecision {
    if (typeof input !== 'object' || input === null)
      throw invalidInput('RegionRouter.decide: input', input, 'an object such as { country, userId }');
    return this.#decide(input.country, input.preferredRegion, input.userId, input.residencyZone, input.exclude, undefined);
  }

  /** `client` (route() only) is added to a routed decision as its last field. */
  #decide(
    country: string | undefined,
    preferredRegion: string | undefined,
    userId: string | undefined,
    residencyZone: string | undefined,
    exclude: readonly string[] | undefined,
    client: RouteResult['client'] | undefined,
  ): RouteDecision {
    // Input of another type (a JavaScript caller's): named here, not met later as `x.trim is not a function`.
    if (
      (userId !== undefined && typeof userId !== 'string') ||
      (country !== undefined && typeof country !== 'string') ||
      (preferredRegion !== undefined && typeof preferredRegion !== 'string') ||
      (residencyZone !== undefined && typeof residencyZone !== 'string') ||
      (exclude !== undefined && (!Array.isArray(exclude) || !exclude.every((id) => typeof id === 'string')))
    ) {
      const fields = { country, preferredRegion, userId, residencyZone, exclude };
      throw badInput(client === undefined ? 'decide' : 'route', fields);
    }
    if (exclude !== undefined && exclude.length > 0) {
      // Region ids are compared as the preference is: "EU-CENTRAL-1" excludes eu-central-1.
      const excluded = new Set(exclude.map((id) => id.trim().toLowerCase()));
      const healthy = this.#healthy;
      this.#healthy = (region) => !excluded.has(region) && healthy(region);
      try {
        return this.#decide(country, preferredRegion, userId, residencyZone, undefined, client);
      } finally {
        this.#healthy = healthy;
      }
    }
    // The common case, decided without the context and choice objects of the general path: a
    // country of the table whose region is healthy, no explicit zone, no preference, and a region
    // that keeps all its traffic. Rules 0-2 and 5 then answer geography in the country's zone; the
    // general path below gives the same decision (a test compares them) with the same health and
    // share calls in the same order.
    if (country !== undefined && residencyZone === undefined && (preferredRegion === undefined || preferredRegion === '')) {
      const info = this.#countries.get(normalizeCountry(country));
      if (info !== undefined && info.zone !== undefined && this.#healthy(info.region.id)) {
        const kept = this.#share === undefined ? 1 : shareFraction(this.#share(info.region.id));
        if (kept >= 1) {
          return this.#decision(info.region, 'geo', info.geoDetail, info.zone, 'country', userId === '' ? undefined : userId, client);
        }
        // Rule 5 may move it: the general path's context (rule 0 finds the same zone) and share.
        const ctx = this.#residency(country, preferredRegion, userId, residencyZone) as DecisionContext;
        const geoChoice: Choice = { region: info.region, reason: 'geo', detail: info.geoDetail };
        return this.#routed(this.#withinShare(geoChoice, ctx, kept), ctx, client);
      }
    }
    const ctx = this.#residency(country, preferredRegion, userId, residencyZone);
    if ('kind' in ctx) return ctx;
    const choice = this.#byPreference(ctx) ?? this.#byGeography(ctx) ?? this.#byScore(ctx) ?? this.#byFallbackOrder(ctx);
    if (choice === undefined) return this.#refuse(ctx);
    return this.#routed(this.#withinShare(choice, ctx), ctx, client);
  }

  /** Rule 0: the user's residency zone, or a refusal when personal data has no known zone. */
  #residency(
    country: string | undefined,
    preferredRegion: string | undefined,
    rawUserId: string | undefined,
    residencyZone: string | undefined,
  ): DecisionContext | RefusedDecision {
    const userId = rawUserId === '' ? undefined : rawUserId;
    const countryCode = country === undefined ? undefined : normalizeCountry(country);
    const countryInfo = countryCode === undefined ? undefined : this.#countries.get(countryCode);
    const geoRegion = countryInfo?.region;
    let zone: ZoneInfo | undefined;
    let zoneSource: RoutedDecision['zoneSource'] = 'unknown';
    if (residencyZone !== undefined) {
      // Zone ids are lower-case (RESIDENCY_ZONE_ID): " EMEA " is emea, as a region id or country is read.
      zone = this.#zones.get(residencyZone) ?? this.#zones.get(residencyZone.trim().toLowerCase());
      if (zone === undefined) {
        return {
          kind: 'refused',
          reason: 'refused',
          code: 'unknown-zone',
          zone: null,
          detail: `residencyZone: ${unknownName('residency zone', residencyZone, this.#zones.keys())}`,
        };
      }
      zoneSource = 'explicit';
    } else if (geoRegion !== undefined) {
      zone = countryInfo!.zone;
      zoneSource = 'country';
    } else if (this.#defaultZone !== undefined) {
      zone = this.#defaultZone;
      zoneSource = 'default';
    }
    if (zone === undefined && userId !== undefined) {
      return { kind: 'refused', reason: 'refused', code: 'residency-unknown', zone: null, detail: this.#unplaceable(countryCode) };
    }
    return {
      zone,
      zoneSource,
      countryCode,
      geoRegion,
      countryInfo,
      userId,
      preferredRegion,
      candidates: zone === undefined ? this.#everywhere : zone.regions,
      geoNote: countryCode === undefined ? 'no country' : geoRegion === undefined ? `country ${countryCode} not in the table` : '',
    };
  }

  /**
   * The detail of a `residency-unknown` refusal. Geolocated countries repeat (a few hundred codes):
   * their details are kept, for two-letter codes only, so the cache stays small whatever callers pass.
   */
  #unplaceable(countryCode: string | undefined): string {
    if (countryCode === undefined) return 'cannot place user data: no country and no residency zone was given';
    let detail = this.#unplaceableDetails.get(countryCode);
    if (detail === undefined) {
      detail = `cannot place user data: country ${countryCode} is not in the routing table and no residency zone was given`;
      if (countryCode.length === 2 && this.#unplaceableDetails.size < 1024) this.#unplaceableDetails.set(countryCode, detail);
    }
    return detail;
  }

  /** Rule 1: the preferred region, if known, healthy and allowed for the user's data. */
  #byPreference(ctx: DecisionContext): Choice | undefined {
    const raw = ctx.preferredRegion;
    if (raw === undefined || raw === '') return undefined;
    if (raw.length > MAX_PREFERRED_REGION_CHARS) {
      // Not a region id; never lower-cased, trimmed or echoed whole (the header may be 100 KB).
      const shown = `${raw.slice(0, ECHO_CHARS)}…`;
      ctx.ignoredPreference = {
        region: shown,
        why: 'unknown-region',
        detail: `${JSON.stringify(shown)} (${raw.length} characters) is not a region of the routing table`,
      };
      return undefined;
    }
    const preferredId = raw.trim().toLowerCase();
    if (preferredId === '') return undefined;
    const preferred = this.#regions.get(preferredId);
    const zone = ctx.zone;
    if (preferred === undefined) {
      ctx.ignoredPreference = {
        region: preferredId,
        why: 'unknown-region',
        detail: `${JSON.stringify(preferredId)} is not a region of the routing table`,
      };
      return undefined;
    }
    if (!preferred.serves) {
      ctx.ignoredPreference = {
        region: preferred.id,
        why: 'no-gateway',
        detail: `${preferred.id} runs no gateway (no "compute" in its services) and serves no requests`,
      };
      return undefined;
    }
    if (!this.#healthy(preferred.id)) {
      ctx.ignoredPreference = { region: preferred.id, why: 'unhealthy', detail: `${preferred.id} is unhealthy` };
      return undefined;
    }
    if (zone !== undefined && !zone.allowed.has(preferred.zone)) {
      ctx.ignoredPreference = {
        region: preferred.id,
        why: 'residency',
        detail: `${preferred.id} is in zone ${preferred.zone}; data of zone ${zone.id} may only be in ${[...zone.allowed].join(', ')}`,
      };
      return undefined;
    }
    return {
      region: preferred,
      reason: 'preference',
      detail: `preferred region ${preferred.id} is healthy and allowed for zone ${zone === undefined ? '(none: anonymous)' : zone.id}`,
    };
  }

  /** Rule 2: the region serving the user's country, if healthy and in the user's zone. */
  #byGeography(ctx: DecisionContext): Choice | undefined {
    const geoRegion = ctx.geoRegion;
    if (geoRegion === undefined) return undefined;
    if (ctx.zone !== undefined && geoRegion.zone !== ctx.zone.id) {
      ctx.geoNote = `country region ${geoRegion.id} is outside zone ${ctx.zone.id}`;
      return undefined;
    }
    if (!this.#healthy(geoRegion.id)) {
      ctx.geoNote = ctx.countryInfo!.unhealthyNote;
      return undefined;
    }
    return { region: geoRegion, reason: 'geo', detail: ctx.countryInfo!.geoDetail };
  }

  /** Rule 3: the best latency + load score among healthy regions under the load limit. */
  #byScore(ctx: DecisionContext): Choice | undefined {
    let best: RegionInfo | undefined;
    let bestScore = Infinity;
    let bestLoad = 0;
    let bestLatency = 0;
    let figures = false;
    for (const region of ctx.candidates) {
      if (!this.#healthy(region.id)) continue;
      const loadFigure = this.#load(region.id);
      const measured = this.#latency(region.id);
      // A region left out for its load is a figure too: without it, a zone where only the
      // overloaded region had a figure fell back to the weights, which could pick that region.
      if (loadFigure !== undefined || measured !== undefined) figures = true;
      const load = loadFigure ?? 0;
      if (!(load >= 0) || load >= this.#maxLoad) continue;
      const latency = measured !== undefined && measured >= 0 && Number.isFinite(measured) ? measured : region.latencyThresholdMs;
      const score = latency + load * this.#loadWeight;
      if (score < bestScore) {
        best = region;
        bestScore = score;
        bestLoad = load;
        bestLatency = latency;
      }
    }
    if (best === undefined) return undefined;
    // No latency or load figure for any candidate (a gateway that feeds none): the score would send
    // every user of a zone's country to the region with the lowest configured threshold. They are
    // spread instead by the zone's redistributed weights (capacity x traffic share), per user, as
    // traffic a region sheds is; FailoverController.weights() plans with the same split. Anonymous
    // traffic of no known zone keeps the ranking (the default region, then the primaries).
    if (!figures && ctx.zone !== undefined) return this.#byWeights(ctx);
    // The detail formats two numbers (a double's text costs more than the rest of the rule): the
    // last one built for the region is reused while its note, latency and load are the same.
    let memo = best.scoreDetail;
    if (memo === undefined || memo.note !== ctx.geoNote || memo.latency !== bestLatency || memo.load !== bestLoad) {
      const detail = `${ctx.geoNote}; best score ${best.id} = ${bestLatency} ms + ${bestLoad} x ${this.#loadWeight}`;
      memo = best.scoreDetail = { note: ctx.geoNote, latency: bestLatency, load: bestLoad, detail };
    }
    return { region: best, reason: 'score', detail: memo.detail };
  }

  /** Rule 3 without figures: a healthy candidate by capacity x share, deterministic per user. */
  #byWeights(ctx: DecisionContext): Choice | undefined {
    const pick = this.#pickByWeight(ctx.candidates, undefined, ctx.userId);
    if (pick === undefined) return undefined;
    const percent = Math.round(pick.fraction * 10_000) / 100;
    return {
      region: pick.region,
      reason: 'score',
      detail: `${ctx.geoNote}; no latency or load figures to score: ${pick.region.id} by the zone's weights (capacity x traffic share, ${percent} % of this traffic)`,
    };
  }

  /**
   * A healthy region of `regions` other than `except`, picked with probability capacity x share
   * (deterministic per user id, random for anonymous traffic): the zone's redistributed weights,
   * used for shed traffic and for rule 3 without figures. Undefined when no region has weight.
   */
  #pickByWeight(
    regions: readonly RegionInfo[],
    except: RegionInfo | undefined,
    userId: string | undefined,
  ): { region: RegionInfo; fraction: number } | undefined {
    let total = 0;
    const weights: number[] = [];
    for (const region of regions) {
      const w =
        region === except || !this.#healthy(region.id)
          ? 0
          : region.capacity * (this.#share === undefined ? 1 : shareFraction(this.#share(region.id)));
      weights.push(w);
      total += w;
    }
    if (!(total > 0)) return undefined;
    const v = (userId === undefined ? this.#random() : userUnit(userId, PEER_SEED)) * total;
    let acc = 0;
    let picked = 0;
    for (let i = 0; i < regions.length; i++) {
      if (weights[i] <= 0) continue;
      picked = i;
      acc += weights[i];
      if (v < acc) break;
    }
    return { region: regions[picked], fraction: weights[picked] / total };
  }

  /** Rule 4: the first healthy region in the zone's fallback order. */
  #byFallbackOrder(ctx: DecisionContext): Choice | undefined {
    for (const region of ctx.candidates) {
      if (this.#healthy(region.id)) {
        return {
          region,
          reason: 'fallback',
          detail: `${ctx.geoNote}; every healthy region is at or above load factor ${this.#maxLoad}; first healthy in fallback order`,
        };
      }
    }
    return undefined;
  }

  /**
   * Rule 5: the chosen region keeps the request only within its traffic share; otherwise the
   * request goes to a zone peer picked by the peers' redistributed weights (capacity × share).
   */
  #withinShare(choice: Choice, ctx: DecisionContext, knownKept = -1): Choice {
    if (this.#share === undefined) return choice;
    const kept = knownKept >= 0 ? knownKept : shareFraction(this.#share(choice.region.id));
    if (kept >= 1) return choice;
    const u = ctx.userId === undefined ? this.#random() : userUnit(ctx.userId, SHARE_SEED);
    if (u < kept) return choice;
    const peers = (ctx.zone ?? this.#zones.get(choice.region.zone))?.regions ?? [];
    const pick = this.#pickByWeight(peers, choice.region, ctx.userId);
    if (pick === undefined) return choice;
    const picked = pick.region;
    const percent = Math.round(kept * 10_000) / 100;
    return {
      region: picked,
      reason: 'shed',
      detail: `${choice.reason} chose ${choice.region.id}, which takes ${percent} % of its traffic; this request is outside that share and goes to ${picked.id} by the zone's redistributed weights`,
      shedFrom: { region: choice.region.id, reason: choice.reason as ShedFrom['reason'], trafficPercent: percent },
    };
  }

  /** Rule 6: no healthy region in the zone (or anywhere, for anonymous unknown-zone traffic). */
  #refuse(ctx: DecisionContext): RefusedDecision {
    const where = ctx.zone === undefined ? 'any zone' : `zone ${ctx.zone.id}`;
    const refused: RefusedDecision = {
      kind: 'refused',
      reason: 'refused',
      code: 'no-healthy-region',
      zone: ctx.zone === undefined ? null : ctx.zone.id,
      detail:
        ctx.candidates.length === 0
          ? `no region of ${where} runs a gateway (none has "compute" in its services): its users cannot be served in their zone`
          : `no healthy region in ${where} (${ctx.candidates.map((r) => r.id).join(', ')})`,
    };
    if (ctx.ignoredPreference !== undefined) refused.ignoredPreference = ctx.ignoredPreference;
    return refused;
  }

  /** The routed decision, with the user's shard and replica when there is a user and a zone. */
  #routed(choice: Choice, ctx: DecisionContext, client: RouteResult['client'] | undefined): RoutedDecision {
    if (ctx.ignoredPreference === undefined && choice.shedFrom === undefined) {
      return this.#decision(choice.region, choice.reason, choice.detail, ctx.zone, ctx.zoneSource, ctx.userId, client);
    }
    const decision: RoutedDecision = {
      kind: 'routed',
      region: choice.region.id,
      reason: choice.reason,
      detail: choice.detail,
      zone: ctx.zone === undefined ? null : ctx.zone.id,
      zoneSource: ctx.zoneSource,
    };
    if (ctx.ignoredPreference !== undefined) decision.ignoredPreference = ctx.ignoredPreference;
    if (choice.shedFrom !== undefined) decision.shedFrom = choice.shedFrom;
    if (ctx.userId !== undefined && ctx.zone !== undefined) {
      const shard = this.#ring.shardFor(ctx.userId, ctx.zone.id);
      decision.shard = { id: shard.id, residencyZone: shard.residencyZone, primaryRegion: shard.primary.region };
      decision.replica = this.#replica(shard, choice.region);
    }
    if (client !== undefined) (decision as RouteResult).client = client;
    return decision;
  }

  /**
   * A routed decision without an ignored preference or a shed: each of its four shapes built as
   * one object literal, its fields in the order the general path adds them (`client`, from
   * route(), last), so that the objects of one shape share one hidden class from the start.
   */
  #decision(
    region: RegionInfo,
    reason: RouteReason,
    detail: string,
    zone: ZoneInfo | undefined,
    zoneSource: RoutedDecision['zoneSource'],
    userId: string | undefined,
    client: RouteResult['client'] | undefined,
  ): RoutedDecision {
    const zoneId = zone === undefined ? null : zone.id;
    if (userId === undefined || zone === undefined) {
      return client === undefined
        ? { kind: 'routed', region: region.id, reason, detail, zone: zoneId, zoneSource }
        : ({ kind: 'routed', region: region.id, reason, detail, zone: zoneId, zoneSource, client } as RouteResult & RoutedDecision);
    }
    const found = this.#ring.shardFor(userId, zone.id);
    const shard: ShardRef = { id: found.id, residencyZone: found.residencyZone, primaryRegion: found.primary.region };
    const replica = this.#replica(found, region);
    return client === undefined
      ? { kind: 'routed', region: region.id, reason, detail, zone: zoneId, zoneSource, shard, replica }
      : ({ kind: 'routed', region: region.id, reason, detail, zone: zoneId, zoneSource, shard, replica, client } as RouteResult &
          RoutedDecision);
  }

  /**
   * The copy of `shard` to read from `caller`: what {@link chooseReplica} answers. A caller in a
   * region holding a copy (the usual case: shards have copies where their users are routed) gets
   * it from the copies listed at construction, without a search or a detail string built per call.
   */
  #replica(shard: RoutingTableShard, caller: RegionInfo): ReplicaChoice {
    const local = this.#shardInfo.get(shard)?.local[caller.index];
    if (local !== undefined && this.#healthy(caller.id)) {
      return { region: caller.id, endpoint: local.endpoint, role: local.role, reason: local.reason, detail: local.detail };
    }
    return chooseReplica(shard, { callerRegion: caller.id, isHealthy: this.#healthy, latencyMs: this.#latency, zoneOf: this.#zoneOf });
  }

  /** The local copy of a shard per caller region, in {@link chooseReplica}'s order: a replica there, else the primary. */
  #localCopies(shard: RoutingTableShard): ShardInfo {
    const local: (LocalCopy | undefined)[] = [];
    for (const replica of shard.replicas) {
      const region = this.#regions.get(replica.region);
      if (region === undefined || local[region.index] !== undefined) continue;
      local[region.index] = {
        endpoint: replica.endpoint,
        role: 'replica',
        reason: 'local-replica',
        detail: localReplicaDetail(shard.id, region.id),
      };
    }
    const primary = this.#regions.get(shard.primary.region);
    if (primary !== undefined && local[primary.index] === undefined) {
      local[primary.index] = {
        endpoint: shard.primary.endpoint,
        role: 'primary',
        reason: 'local-primary',
        detail: localPrimaryDetail(shard.id, primary.id),
      };
    }
    return { local };
  }
}
