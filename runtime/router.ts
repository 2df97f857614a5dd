/**
 * RegionRouter: which region serves a request, and which shard/replica holds the user's data.
 *
 * Rules, in order (each decision says which one applied, as a machine-readable `reason`):
 *
 * 0. Residency zone of the user: the explicit `residencyZone` (from the user's account) if given,
 *    else the zone of the region serving the user's country, else `options.defaultZone` if set,
 *    else unknown. An unknown zone means we cannot tell where the user's data may live:
 *    - with a `userId` (personal data involved) the request is refused (`code: 'residency-unknown'`);
 *    - without one (anonymous traffic, no personal data) every region is a candidate and the rules
 *      below run over all regions (order for ties and fallback: `options.defaultRegion`, default
 *      us-east-1 as in the design, then the other primaries, then table order).
 * 1. `preference`: the preferred region (header `x-preferred-region`) if it is a known region,
 *    healthy, and in a zone the user's data may be in (the user's zone or its `allowedCopyTo`).
 *    Otherwise it is ignored and `ignoredPreference` says why ('unknown-region' | 'unhealthy' |
 *    'residency'). Load does not veto an explicit preference.
 * 2. `geo`: the region serving the user's country, if healthy (and in the user's zone).
 * 3. `score`: among healthy regions of the zone with loadFactor < routing.maxLoadFactor, the lowest
 *    `latencyMs + loadFactor * routing.loadWeight` (ties: zone order). A region without a latency
 *    figure counts as its `latencyThresholdMs`; without a load figure as load 0; an invalid load
 *    (NaN, negative) excludes it from scoring.
 * 4. `fallback`: the first healthy region in the zone's fallback order (`residencyZones[].regions`).
 * 5. `refused` (`code: 'no-healthy-region'`): never a region of a zone the data may not be in.
 *
 * With a `userId` and a known zone, the decision also carries the user's shard (ShardRing within
 * the user's zone — never another zone) and the replica to read from the routed region.
 */
import { ClientAddressResolver, type ClientAddress, type HeaderBag } from './client-address';
import { countryForIp, type GeoLookup } from './geo';
import { chooseReplica, type ReplicaChoice } from './replica';
import { parseRoutingTable, RoutingTableError, type RoutingTable, type RoutingTableRegion, type RoutingTableShard } from './routing-table';
import { ShardRing } from './shard-ring';

export type RouteReason = 'preference' | 'geo' | 'score' | 'fallback';
export type IgnoredPreferenceWhy = 'unknown-region' | 'unhealthy' | 'residency';
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
  /** Stable user id: selects the shard. */
  userId?: string;
  /** The user's residency zone from their account; overrides the country's zone. */
  residencyZone?: string;
}

export interface RouteRequest {
  /** Request headers, names lower-case (Node's `req.headers`). */
  headers?: HeaderBag;
  /** `req.socket.remoteAddress`. */
  socketAddress?: string;
  userId?: string;
  residencyZone?: string;
}

export type RouteResult = RouteDecision & {
  client: { address: string | null; source: ClientAddress['source'] | null; country: string | null };
};

export type HealthView = ((region: string) => boolean) | { isHealthy(region: string): boolean };
export type RegionFigures = ((region: string) => number | undefined) | ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface RegionRouterOptions {
  /** Proxies (IPs/CIDRs) whose X-Forwarded-For is trusted. Default: none. */
  trustedProxies?: readonly string[];
  /** IP → country; default: the offline database in ./geo. */
  geoLookup?: GeoLookup;
  /** Region health; default: every region healthy. Read at every decision. */
  health?: HealthView;
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
/** The design's default region for traffic that nothing else places. */
export const DEFAULT_REGION = 'us-east-1';

/** Rings already built for a table's shard list (building one takes milliseconds). */
const ringCache = new WeakMap<readonly RoutingTableShard[], ShardRing<RoutingTableShard>>();

function ringFor(shards: readonly RoutingTableShard[]): ShardRing<RoutingTableShard> {
  let ring = ringCache.get(shards);
  if (ring === undefined) {
    ring = new ShardRing(shards);
    ringCache.set(shards, ring);
  }
  return ring;
}

interface RegionInfo {
  readonly id: string;
  readonly zone: string;
  readonly latencyThresholdMs: number;
}

interface ZoneInfo {
  readonly id: string;
  readonly regions: readonly RegionInfo[];
  readonly allowed: ReadonlySet<string>;
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

export class RegionRouter {
  readonly table: RoutingTable;
  readonly #regions = new Map<string, RegionInfo>();
  readonly #zones = new Map<string, ZoneInfo>();
  readonly #countries = new Map<string, RegionInfo>();
  /** All regions, primaries first, for anonymous traffic with no known zone. */
  readonly #everywhere: readonly RegionInfo[];
  readonly #ring: ShardRing<RoutingTableShard>;
  readonly #clients: ClientAddressResolver;
  readonly #geo: GeoLookup;
  readonly #healthy: (region: string) => boolean;
  readonly #load: (region: string) => number | undefined;
  readonly #latency: (region: string) => number | undefined;
  readonly #maxLoad: number;
  readonly #loadWeight: number;
  readonly #defaultZone: ZoneInfo | undefined;
  readonly #zoneOf = (region: string): string | undefined => this.#regions.get(region)?.zone;

  /** Throws RoutingTableError for an invalid table, Error for invalid options. */
  constructor(table: RoutingTable, options: RegionRouterOptions = {}) {
    const parsed = parseRoutingTable(table);
    if (!parsed.ok) throw new RoutingTableError(parsed.problems);
    this.table = parsed.table;
    const byId = new Map<string, RoutingTableRegion>(table.regions.map((r) => [r.id, r]));
    for (const r of table.regions) this.#regions.set(r.id, { id: r.id, zone: r.residencyZone, latencyThresholdMs: r.latencyThresholdMs });
    for (const z of table.residencyZones) {
      const regions = z.regions.map((id) => this.#regions.get(id)).filter((r): r is RegionInfo => r !== undefined);
      this.#zones.set(z.id, { id: z.id, regions, allowed: new Set(z.allowedCopyTo) });
    }
    for (const [country, regionId] of Object.entries(table.countries)) {
      const region = this.#regions.get(regionId);
      if (region !== undefined) this.#countries.set(country, region);
    }
    const all = [...this.#regions.values()];
    const defaultRegion = options.defaultRegion ?? (byId.has(DEFAULT_REGION) ? DEFAULT_REGION : undefined);
    if (defaultRegion !== undefined && !byId.has(defaultRegion)) {
      throw new Error(
        `defaultRegion: ${JSON.stringify(defaultRegion)} is not a region of the table; allowed: ${[...byId.keys()].join(', ')}`,
      );
    }
    const rank = (r: RegionInfo) => (r.id === defaultRegion ? 0 : byId.get(r.id)?.primary ? 1 : 2);
    this.#everywhere = all
      .map((r, i) => [r, i] as const)
      .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
      .map(([r]) => r);
    this.#ring = ringFor(table.shards);
    this.#clients = new ClientAddressResolver(options.trustedProxies ?? []);
    this.#geo = options.geoLookup ?? countryForIp;
    this.#healthy = healthFn(options.health);
    this.#load = figures(options.loads);
    this.#latency = figures(options.latencies);
    this.#maxLoad = table.routing.maxLoadFactor;
    this.#loadWeight = table.routing.loadWeight;
    if (options.defaultZone !== undefined) {
      this.#defaultZone = this.#zones.get(options.defaultZone);
      if (this.#defaultZone === undefined) {
        throw new Error(
          `defaultZone: ${JSON.stringify(options.defaultZone)} is not a residency zone of the table; allowed: ${[...this.#zones.keys()].join(', ')}`,
        );
      }
    }
  }

  /** The residency zone of a region (undefined for an unknown region). */
  zoneOf(region: string): string | undefined {
    return this.#zoneOf(region);
  }

  /** Routes an HTTP request: client address → country → {@link decide}. */
  route(request: RouteRequest): RouteResult {
    const headers = request.headers ?? {};
    const client = this.#clients.resolve(request.socketAddress, headers);
    const country = client === undefined ? undefined : this.#geo(client.address);
    const raw = headers[PREFERRED_REGION_HEADER];
    const preferred = raw === undefined ? undefined : typeof raw === 'string' ? raw : raw[0];
    const decision = this.decide({ country, preferredRegion: preferred, userId: request.userId, residencyZone: request.residencyZone });
    const result = decision as RouteResult;
    result.client = { address: client?.address ?? null, source: client?.source ?? null, country: country ?? null };
    return result;
  }

  /** The routing decision for a user; see the module comment for the rules. */
  decide(input: DecisionInput): RouteDecision {
    if (input.userId === '') input = { ...input, userId: undefined };
    const countryCode = input.country === undefined ? undefined : input.country.trim().toUpperCase();
    const geoRegion = countryCode === undefined ? undefined : this.#countries.get(countryCode);

    // 0. Residency zone.
    let zone: ZoneInfo | undefined;
    let zoneSource: RoutedDecision['zoneSource'] = 'unknown';
    if (input.residencyZone !== undefined) {
      zone = this.#zones.get(input.residencyZone);
      if (zone === undefined) {
        return {
          kind: 'refused',
          reason: 'refused',
          code: 'unknown-zone',
          zone: null,
          detail: `residency zone ${JSON.stringify(input.residencyZone)} is not in the routing table; allowed: ${[...this.#zones.keys()].join(', ')}`,
        };
      }
      zoneSource = 'explicit';
    } else if (geoRegion !== undefined) {
      zone = this.#zones.get(geoRegion.zone);
      zoneSource = 'country';
    } else if (this.#defaultZone !== undefined) {
      zone = this.#defaultZone;
      zoneSource = 'default';
    }
    const zoneId = zone === undefined ? null : zone.id;
    if (zone === undefined && input.userId !== undefined) {
      const what = countryCode === undefined ? 'no country' : `country ${countryCode} is not in the routing table`;
      return {
        kind: 'refused',
        reason: 'refused',
        code: 'residency-unknown',
        zone: null,
        detail: `cannot place user data: ${what} and no residency zone was given`,
      };
    }

    // 1. Preference.
    let ignoredPreference: IgnoredPreference | undefined;
    const preferredId = input.preferredRegion === undefined ? '' : input.preferredRegion.trim().toLowerCase();
    if (preferredId !== '') {
      const preferred = this.#regions.get(preferredId);
      if (preferred === undefined) {
        ignoredPreference = {
          region: preferredId,
          why: 'unknown-region',
          detail: `${JSON.stringify(preferredId)} is not a region of the routing table`,
        };
      } else if (!this.#healthy(preferred.id)) {
        ignoredPreference = { region: preferred.id, why: 'unhealthy', detail: `${preferred.id} is unhealthy` };
      } else if (zone !== undefined && !zone.allowed.has(preferred.zone)) {
        ignoredPreference = {
          region: preferred.id,
          why: 'residency',
          detail: `${preferred.id} is in zone ${preferred.zone}; data of zone ${zone.id} may only be in ${[...zone.allowed].join(', ')}`,
        };
      } else {
        return this.#routed(
          preferred,
          'preference',
          `preferred region ${preferred.id} is healthy and allowed for zone ${zoneId ?? '(none: anonymous)'}`,
          zone,
          zoneSource,
          undefined,
          input.userId,
        );
      }
    }

    // 2. Geography.
    let geoNote = countryCode === undefined ? 'no country' : geoRegion === undefined ? `country ${countryCode} not in the table` : '';
    if (geoRegion !== undefined) {
      if (zone !== undefined && geoRegion.zone !== zone.id) {
        geoNote = `country region ${geoRegion.id} is outside zone ${zone.id}`;
      } else if (this.#healthy(geoRegion.id)) {
        return this.#routed(
          geoRegion,
          'geo',
          `country ${countryCode} is served by ${geoRegion.id}`,
          zone,
          zoneSource,
          ignoredPreference,
          input.userId,
        );
      } else {
        geoNote = `country region ${geoRegion.id} is unhealthy`;
      }
    }

    // 3. Score among healthy, not overloaded regions of the zone.
    const candidates = zone === undefined ? this.#everywhere : zone.regions;
    let best: RegionInfo | undefined;
    let bestScore = Infinity;
    let bestLoad = 0;
    let bestLatency = 0;
    for (const region of candidates) {
      if (!this.#healthy(region.id)) continue;
      const load = this.#load(region.id) ?? 0;
      if (!(load >= 0) || load >= this.#maxLoad) continue;
      const measured = this.#latency(region.id);
      const latency = measured !== undefined && measured >= 0 && Number.isFinite(measured) ? measured : region.latencyThresholdMs;
      const score = latency + load * this.#loadWeight;
      if (score < bestScore) {
        best = region;
        bestScore = score;
        bestLoad = load;
        bestLatency = latency;
      }
    }
    if (best !== undefined) {
      return this.#routed(
        best,
        'score',
        `${geoNote}; best score ${best.id} = ${bestLatency} ms + ${bestLoad} x ${this.#loadWeight}`,
        zone,
        zoneSource,
        ignoredPreference,
        input.userId,
      );
    }

    // 4. Fallback order.
    for (const region of candidates) {
      if (this.#healthy(region.id)) {
        return this.#routed(
          region,
          'fallback',
          `${geoNote}; every healthy region is at or above load factor ${this.#maxLoad}; first healthy in fallback order`,
          zone,
          zoneSource,
          ignoredPreference,
          input.userId,
        );
      }
    }
    const where = zone === undefined ? 'any zone' : `zone ${zone.id}`;
    const refused: RefusedDecision = {
      kind: 'refused',
      reason: 'refused',
      code: 'no-healthy-region',
      zone: zoneId,
      detail: `no healthy region in ${where} (${candidates.map((r) => r.id).join(', ')})`,
    };
    if (ignoredPreference !== undefined) refused.ignoredPreference = ignoredPreference;
    return refused;
  }

  #routed(
    region: RegionInfo,
    reason: RouteReason,
    detail: string,
    zone: ZoneInfo | undefined,
    zoneSource: RoutedDecision['zoneSource'],
    ignoredPreference: IgnoredPreference | undefined,
    userId: string | undefined,
  ): RoutedDecision {
    const decision: RoutedDecision = {
      kind: 'routed',
      region: region.id,
      reason,
      detail,
      zone: zone === undefined ? null : zone.id,
      zoneSource,
    };
    if (ignoredPreference !== undefined) decision.ignoredPreference = ignoredPreference;
    if (userId !== undefined && zone !== undefined) {
      const shard = this.#ring.shardFor(userId, zone.id);
      decision.shard = { id: shard.id, residencyZone: shard.residencyZone, primaryRegion: shard.primary.region };
      decision.replica = chooseReplica(shard, {
        callerRegion: region.id,
        isHealthy: this.#healthy,
        latencyMs: this.#latency,
        zoneOf: this.#zoneOf,
      });
    }
    return decision;
  }
}
