/**
 * The routing table: the one document the deployed gateway reads.
 *
 * Synth writes it to `cdktf.out/routing-table.json` from `regions.config.ts` (see
 * `lib/routing-table.ts`). The runtime never reads the config itself: this schema is the contract
 * between the two sides, and it is versioned (`schemaVersion`).
 *
 * Validation is hand-written rather than a zod schema: it reports every problem of a table at once
 * (a field that is wrong never hides a relation that is wrong elsewhere, because relations are
 * checked between the parts that are valid), it bounds every number and list so that nothing
 * valid can overflow later (a capacity of 1e308 would make every weight 0), and it keeps zod's
 * ~90 ms import out of the gateway's and the CLI's start.
 */
import { COUNTRY_CODE_ALLOWED, isCountryCode } from './country-codes';
import { Checker, join, type NumberRule, type StringRule } from './private/checker';
import { ID_MAX_LENGTH, REGION_ID, RESIDENCY_ZONE_ID as ZONE_ID, SHARD_ID } from './ids';
import { disallowedName, unknownName } from './private/unknown-name';
import { formatValue, ProblemsError, type Problem } from './problem';

/** The schema version this runtime reads and synth writes. */
export const ROUTING_TABLE_SCHEMA_VERSION = 1;

/** Longest timer delay Node accepts (2^31 − 1 ms, ~24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Bounds a routing table must respect. They keep every sum and product the runtime computes
 * finite (capacities × shares, weights, timer delays) and a hostile file small to check.
 */
export const ROUTING_TABLE_LIMITS = {
  /** Regions in the table. */
  regions: 256,
  /** Residency zones. */
  residencyZones: 64,
  /** Shards in total. */
  shards: 4096,
  /** Replicas of one shard. */
  replicas: 64,
  /** Country keys (ISO 3166-1 has 249 codes). */
  countries: 300,
  /** Items of any other list (services, copy targets, recovery steps). */
  listItems: 100,
  /** Characters of an id. */
  idLength: ID_MAX_LENGTH,
  /** Characters of a free-text field, a path or an endpoint. */
  textLength: 512,
  /** Requests a region absorbs at 100 % load. */
  capacity: 1e9,
  /** Relative weight of a shard in its zone. */
  shardWeight: 1e6,
  /** Latency threshold of a region, in ms (10 minutes). */
  latencyMs: 600_000,
  /** Weight of the load factor in the routing score. */
  loadWeight: 1e6,
  /** Any duration in ms: what a timer can wait. */
  durationMs: MAX_TIMER_MS,
  /** Counters: retries, consecutive failures or successes. */
  count: 10_000,
} as const;

export type Continent = 'APAC' | 'EMEA' | 'NA';
export type RegionService = 'compute' | 'storage' | 'cdn';

/** One region of the table. */
export interface RoutingTableRegion {
  id: string;
  location: string;
  continent: Continent;
  residencyZone: string;
  primary: boolean;
  services: RegionService[];
  /** Requests the region absorbs at 100 % load. */
  capacity: number;
  /** Latency, in ms, above which the region counts as slow for its users. */
  latencyThresholdMs: number;
}

/** One residency zone: its regions (in fallback order) and where its data may be copied. */
export interface RoutingTableZone {
  id: string;
  /** Regions of the zone, in the zone's fallback order (first = preferred fallback). */
  regions: string[];
  /** Zones this zone's personal data may be copied to (always includes itself). */
  allowedCopyTo: string[];
}

/** Where one copy of a shard lives. */
export interface ReplicaEndpoint {
  region: string;
  /** host:port of the database endpoint; null until the data tier publishes it. */
  endpoint: string | null;
}

/** One shard: its zone, weight, primary and replicas. */
export interface RoutingTableShard {
  id: string;
  residencyZone: string;
  /** Relative share of the zone's keys; > 0. */
  weight: number;
  primary: ReplicaEndpoint;
  replicas: ReplicaEndpoint[];
}

/** The routing table as the runtime sees it. */
export interface RoutingTable {
  schemaVersion: typeof ROUTING_TABLE_SCHEMA_VERSION;
  regions: RoutingTableRegion[];
  residencyZones: RoutingTableZone[];
  /** Country (ISO alpha-2) to the region that serves it. */
  countries: Record<string, string>;
  shards: RoutingTableShard[];
  routing: {
    /** Regions at or above this load factor (load / capacity) are not chosen by score. */
    maxLoadFactor: number;
    /** Score = latency ms + loadFactor * loadWeight. */
    loadWeight: number;
  };
  failover: {
    healthCheck: { path: string; intervalMs: number; timeoutMs: number; retries: number };
    failureThresholds: { serviceUnavailable: number; highLatency: number; errorRate: number };
    recoveryThresholds: { consecutiveSuccess: number; latencyImprovement: number };
    actions: { reduceTrafficPercent: number; circuitBreakerMs: number };
    recovery: { stepsPercent: number[]; stepIntervalMs: number };
  };
}

/** One thing wrong with a routing table: the package's one {@link Problem} shape. */
export type RoutingTableProblem = Problem;

export type ParseRoutingTableResult = { ok: true; table: RoutingTable } | { ok: false; problems: RoutingTableProblem[] };

/** A routing table that failed validation; carries every problem found. */
export class RoutingTableError extends ProblemsError {
  /** Where the table came from (a file name), when known. */
  readonly source: string | undefined;

  constructor(problems: readonly RoutingTableProblem[], source?: string) {
    super(source === undefined ? 'routing table' : `routing table ${source}`, problems);
    this.name = 'RoutingTableError';
    this.source = source;
  }
}

const L = ROUTING_TABLE_LIMITS;
const COUNTRY: StringRule = { maxLength: 2, pattern: /^[A-Z]{2}$/, allowed: 'an ISO 3166-1 alpha-2 country code such as "DE"' };
const TEXT: StringRule = { maxLength: L.textLength };
/**
 * `host:port`: a DNS name, an IPv4 address (a host of digits and dots must be a valid one: 999.1.1.1
 * is neither) or an IPv6 address in brackets; a port 1-65535.
 */
const ENDPOINT_PATTERN = new RegExp(
  '^(?:' +
    '(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)' + // IPv4
    '|\\[[0-9A-Fa-f:.]+\\]' + // [IPv6]
    '|(?![\\d.]+:)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*' + // DNS name
    '):(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3})$',
);
const ENDPOINT: StringRule = { minLength: 1, maxLength: L.textLength, pattern: ENDPOINT_PATTERN };
const HEALTH_PATH: StringRule = { maxLength: L.textLength, pattern: /^\//, allowed: 'a path starting with "/"' };
const DURATION: NumberRule = { gt: 0, max: L.durationMs };
const COUNT: NumberRule = { int: true, min: 1, max: L.count };
const CONTINENTS: readonly Continent[] = ['APAC', 'EMEA', 'NA'];
const SERVICES: readonly RegionService[] = ['compute', 'storage', 'cdn'];

/** The part of a document a check produced: every field is undefined where it was not valid. */
type Checked<T> = { [K in keyof T]?: T[K] | undefined };

function checkRegion(c: Checker, value: unknown, path: string): Checked<RoutingTableRegion> | undefined {
  const o = c.object(value, path, [
    'id',
    'location',
    'continent',
    'residencyZone',
    'primary',
    'services',
    'capacity',
    'latencyThresholdMs',
  ]);
  if (o === undefined) return undefined;
  const services = c.array(o.services, join(path, 'services'), 1, SERVICES.length, 'services');
  const checkedServices = services?.map((s, i) => c.oneOf(s, join(join(path, 'services'), i), SERVICES));
  return {
    id: c.string(o.id, join(path, 'id'), REGION_ID),
    location: c.string(o.location, join(path, 'location'), TEXT),
    continent: c.oneOf(o.continent, join(path, 'continent'), CONTINENTS),
    residencyZone: c.string(o.residencyZone, join(path, 'residencyZone'), ZONE_ID),
    primary: c.boolean(o.primary, join(path, 'primary')),
    services: checkedServices?.every((s) => s !== undefined) ? (checkedServices as RegionService[]) : undefined,
    capacity: c.number(o.capacity, join(path, 'capacity'), { gt: 0, max: L.capacity }),
    latencyThresholdMs: c.number(o.latencyThresholdMs, join(path, 'latencyThresholdMs'), { gt: 0, max: L.latencyMs }),
  };
}

function checkIdList(c: Checker, value: unknown, path: string, rule: StringRule, min: number, max: number, what: string) {
  const items = c.array(value, path, min, max, what);
  return items?.map((item, i) => c.string(item, join(path, i), rule));
}

function checkZone(
  c: Checker,
  value: unknown,
  path: string,
): Checked<{ id: string; regions: (string | undefined)[]; allowedCopyTo: (string | undefined)[] }> | undefined {
  const o = c.object(value, path, ['id', 'regions', 'allowedCopyTo']);
  if (o === undefined) return undefined;
  return {
    id: c.string(o.id, join(path, 'id'), ZONE_ID),
    regions: checkIdList(c, o.regions, join(path, 'regions'), REGION_ID, 1, L.regions, 'regions'),
    allowedCopyTo: checkIdList(c, o.allowedCopyTo, join(path, 'allowedCopyTo'), ZONE_ID, 1, L.residencyZones, 'residency zones'),
  };
}

function checkEndpoint(c: Checker, value: unknown, path: string): Checked<ReplicaEndpoint> | undefined {
  const o = c.object(value, path, ['region', 'endpoint']);
  if (o === undefined) return undefined;
  return {
    region: c.string(o.region, join(path, 'region'), REGION_ID),
    endpoint:
      o.endpoint === null
        ? null
        : c.string(o.endpoint, join(path, 'endpoint'), {
            ...ENDPOINT,
            allowed: 'null or a "host:port" string (a DNS name, an IPv4 address or a bracketed IPv6 address; a port 1-65535)',
          }),
  };
}

function checkShard(
  c: Checker,
  value: unknown,
  path: string,
):
  | Checked<{
      id: string;
      residencyZone: string;
      weight: number;
      primary: Checked<ReplicaEndpoint>;
      replicas: (Checked<ReplicaEndpoint> | undefined)[];
    }>
  | undefined {
  const o = c.object(value, path, ['id', 'residencyZone', 'weight', 'primary', 'replicas']);
  if (o === undefined) return undefined;
  const replicas = c.array(o.replicas, join(path, 'replicas'), 0, L.replicas, 'replicas');
  return {
    id: c.string(o.id, join(path, 'id'), SHARD_ID),
    residencyZone: c.string(o.residencyZone, join(path, 'residencyZone'), ZONE_ID),
    weight: c.number(o.weight, join(path, 'weight'), { gt: 0, max: L.shardWeight }),
    primary: checkEndpoint(c, o.primary, join(path, 'primary')),
    replicas: replicas?.map((r, i) => checkEndpoint(c, r, join(join(path, 'replicas'), i))),
  };
}

function checkFailover(c: Checker, value: unknown, path: string) {
  const o = c.object(value, path, ['healthCheck', 'failureThresholds', 'recoveryThresholds', 'actions', 'recovery']);
  if (o === undefined) return undefined;
  const p = (group: string) => join(path, group);
  const hc = c.object(o.healthCheck, p('healthCheck'), ['path', 'intervalMs', 'timeoutMs', 'retries']);
  const ft = c.object(o.failureThresholds, p('failureThresholds'), ['serviceUnavailable', 'highLatency', 'errorRate']);
  const rt = c.object(o.recoveryThresholds, p('recoveryThresholds'), ['consecutiveSuccess', 'latencyImprovement']);
  const ac = c.object(o.actions, p('actions'), ['reduceTrafficPercent', 'circuitBreakerMs']);
  const rc = c.object(o.recovery, p('recovery'), ['stepsPercent', 'stepIntervalMs']);
  const steps =
    rc === undefined ? undefined : c.array(rc.stepsPercent, join(p('recovery'), 'stepsPercent'), 1, L.listItems, 'recovery steps');
  return {
    healthCheck: hc && {
      path: c.string(hc.path, join(p('healthCheck'), 'path'), HEALTH_PATH),
      intervalMs: c.number(hc.intervalMs, join(p('healthCheck'), 'intervalMs'), DURATION),
      timeoutMs: c.number(hc.timeoutMs, join(p('healthCheck'), 'timeoutMs'), DURATION),
      retries: c.number(hc.retries, join(p('healthCheck'), 'retries'), { int: true, min: 0, max: L.count }),
    },
    failureThresholds: ft && {
      serviceUnavailable: c.number(ft.serviceUnavailable, join(p('failureThresholds'), 'serviceUnavailable'), COUNT),
      highLatency: c.number(ft.highLatency, join(p('failureThresholds'), 'highLatency'), COUNT),
      errorRate: c.number(ft.errorRate, join(p('failureThresholds'), 'errorRate'), { gt: 0, lt: 1 }),
    },
    recoveryThresholds: rt && {
      consecutiveSuccess: c.number(rt.consecutiveSuccess, join(p('recoveryThresholds'), 'consecutiveSuccess'), COUNT),
      latencyImprovement: c.number(rt.latencyImprovement, join(p('recoveryThresholds'), 'latencyImprovement'), { gt: 0, max: 1 }),
    },
    actions: ac && {
      reduceTrafficPercent: c.number(ac.reduceTrafficPercent, join(p('actions'), 'reduceTrafficPercent'), { gt: 0, lt: 100 }),
      circuitBreakerMs: c.number(ac.circuitBreakerMs, join(p('actions'), 'circuitBreakerMs'), DURATION),
    },
    recovery: rc && {
      stepsPercent: steps?.map((s, i) => c.number(s, join(join(p('recovery'), 'stepsPercent'), i), { gt: 0, max: 100 })),
      stepIntervalMs: c.number(rc.stepIntervalMs, join(p('recovery'), 'stepIntervalMs'), DURATION),
    },
  };
}

/** Ids of the regions that answer API traffic (they run compute: a gateway), in table order. */
export function servingRegionIds(table: Pick<RoutingTable, 'regions'>): string[] {
  return table.regions.filter((r) => r.services.includes('compute')).map((r) => r.id);
}

/**
 * Validates a routing table and returns it (a fresh copy) or every problem found: fields, bounds,
 * unknown fields, and the relations between its parts (countries → regions, regions ↔ residency
 * zones, shards → zones and regions, replicas only where the zone may copy data, unique ids,
 * recovery steps). A wrong field never hides another problem: relations are checked between the
 * parts that are valid. Never throws.
 */
export function parseRoutingTable(input: unknown): ParseRoutingTableResult {
  const c = new Checker();
  const root = c.object(
    input,
    '',
    ['schemaVersion', 'regions', 'residencyZones', 'countries', 'shards', 'routing', 'failover'],
    'a routing table object',
  );
  if (root === undefined) return { ok: false, problems: c.problems };

  if (root.schemaVersion !== ROUTING_TABLE_SCHEMA_VERSION) {
    c.add(
      'schemaVersion',
      root.schemaVersion,
      root.schemaVersion === undefined
        ? `is missing; it must be ${ROUTING_TABLE_SCHEMA_VERSION} (the version this runtime reads)`
        : `is not supported; this runtime reads schemaVersion ${ROUTING_TABLE_SCHEMA_VERSION}`,
    );
  }
  const regions = c.array(root.regions, 'regions', 1, L.regions, 'regions')?.map((r, i) => checkRegion(c, r, join('regions', i)));
  const zones = c
    .array(root.residencyZones, 'residencyZones', 1, L.residencyZones, 'residency zones')
    ?.map((z, i) => checkZone(c, z, join('residencyZones', i)));
  const shards = c.array(root.shards, 'shards', 1, L.shards, 'shards')?.map((s, i) => checkShard(c, s, join('shards', i)));
  const countryMap = c.map(root.countries, 'countries', 'an object from country code to region id');
  const countries: [string, string | undefined][] = [];
  if (countryMap !== undefined) {
    const keys = Object.keys(countryMap);
    if (keys.length > L.countries) c.add('countries', countryMap, `must hold at most ${L.countries} countries (it holds ${keys.length})`);
    else
      for (const key of keys) {
        const path = join('countries', key);
        if (!COUNTRY.pattern!.test(key)) c.add(path, key, `is not a country key; keys must be ${COUNTRY.allowed}`);
        else if (!isCountryCode(key)) c.add(path, key, `is not a country key; keys must be ${COUNTRY_CODE_ALLOWED}`);
        else countries.push([key, c.string(countryMap[key], path, REGION_ID)]);
      }
  }
  const routing = c.object(root.routing, 'routing', ['maxLoadFactor', 'loadWeight']);
  const maxLoadFactor = routing && c.number(routing.maxLoadFactor, 'routing.maxLoadFactor', { gt: 0, max: 1 });
  const loadWeight = routing && c.number(routing.loadWeight, 'routing.loadWeight', { min: 0, max: L.loadWeight });
  const failover = checkFailover(c, root.failover, 'failover');

  relationProblems(c, regions ?? [], zones ?? [], shards ?? [], countries);
  if (
    failover?.healthCheck?.timeoutMs !== undefined &&
    failover.healthCheck.intervalMs !== undefined &&
    failover.healthCheck.timeoutMs > failover.healthCheck.intervalMs
  ) {
    c.add(
      'failover.healthCheck.timeoutMs',
      failover.healthCheck.timeoutMs,
      `must be <= intervalMs (${failover.healthCheck.intervalMs}): a check must end before the next starts`,
    );
  }
  const steps = failover?.recovery?.stepsPercent;
  if (steps !== undefined && steps.every((s) => s !== undefined)) {
    steps.forEach((step, i) => {
      if (i > 0 && step! <= steps[i - 1]!)
        c.add(
          `failover.recovery.stepsPercent[${i}]`,
          step,
          `must be greater than the previous step (${steps[i - 1]}): steps are strictly increasing`,
        );
    });
    if (steps[steps.length - 1] !== 100)
      c.add(
        `failover.recovery.stepsPercent[${steps.length - 1}]`,
        steps[steps.length - 1],
        'must be 100: the last recovery step is full traffic',
      );
  }

  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  // No problem: every part is defined and of its type.
  const table: RoutingTable = {
    schemaVersion: ROUTING_TABLE_SCHEMA_VERSION,
    regions: regions as RoutingTableRegion[],
    residencyZones: zones as RoutingTableZone[],
    countries: Object.fromEntries(countries) as Record<string, string>,
    shards: shards as RoutingTableShard[],
    routing: { maxLoadFactor: maxLoadFactor!, loadWeight: loadWeight! },
    failover: failover as RoutingTable['failover'],
  };
  validTables.add(table);
  return { ok: true, table };
}

/** Tables {@link parseRoutingTable} returned (they are not checked again; see {@link checkedRoutingTable}). */
const validTables = new WeakSet<object>();

/**
 * For a class that takes a table (`FailoverController`, `HealthProber`, …) from a caller who may
 * not have validated it: a table {@link parseRoutingTable} returned is taken as it is, anything
 * else is validated and, when valid, its parsed copy returned. Throws a {@link RoutingTableError}
 * naming `owner` and every problem (not a TypeError from deep inside: `reading 'failover'`).
 */
export function checkedRoutingTable(input: unknown, owner: string): RoutingTable {
  if (typeof input === 'object' && input !== null && validTables.has(input)) return input as RoutingTable;
  return assertRoutingTable(input, `given to ${owner}`);
}

/** Like {@link parseRoutingTable} but throws a {@link RoutingTableError}. */
export function assertRoutingTable(input: unknown, source?: string): RoutingTable {
  const result = parseRoutingTable(input);
  if (!result.ok) throw new RoutingTableError(result.problems, source);
  return result.table;
}

/**
 * @deprecated the zod schema is gone (see the module comment); `routingTableSchema.parse(x)` is
 * {@link assertRoutingTable}, kept for callers of the previous API.
 */
export const routingTableSchema = { parse: (input: unknown): RoutingTable => assertRoutingTable(input) } as const;

type PartialRegion = Checked<RoutingTableRegion> | undefined;
type PartialZone = ReturnType<typeof checkZone>;
type PartialShard = ReturnType<typeof checkShard>;

function duplicates(c: Checker, ids: readonly (string | undefined)[], pathOf: (i: number) => string, what: string): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else c.add(pathOf(i), id, `is a duplicate ${what} id (already used at ${pathOf(first)}); ${what} ids must be unique`);
  });
}

function relationProblems(
  c: Checker,
  regionList: readonly PartialRegion[],
  zoneList: readonly PartialZone[],
  shardList: readonly PartialShard[],
  countries: readonly [string, string | undefined][],
): void {
  const regions = new Map<string, NonNullable<PartialRegion>>();
  for (const r of regionList) if (r?.id !== undefined && !regions.has(r.id)) regions.set(r.id, r);
  const zones = new Map<string, NonNullable<PartialZone>>();
  for (const z of zoneList) if (z?.id !== undefined && !zones.has(z.id)) zones.set(z.id, z);
  // A region or zone entry without a readable id (reported above) may be the one a reference
  // means: the unknown-name problems say so, instead of reading as independent mistakes.
  const idless = (list: readonly ({ id?: string } | undefined)[], field: string) => {
    const at = list.flatMap((x, i) => (x?.id === undefined ? [`${field}[${i}]`] : []));
    return at.length === 0
      ? ''
      : ` (${at.slice(0, 3).join(', ')}${at.length > 3 ? ', …' : ''} ${at.length === 1 ? 'has' : 'have'} no valid id: it may be meant)`;
  };
  const unknownRegion = unknownName('region', undefined, regions.keys()) + idless(regionList, 'regions');
  const unknownZone = unknownName('residency zone', undefined, zones.keys()) + idless(zoneList, 'residencyZones');

  duplicates(
    c,
    regionList.map((r) => r?.id),
    (i) => `regions[${i}].id`,
    'region',
  );
  duplicates(
    c,
    zoneList.map((z) => z?.id),
    (i) => `residencyZones[${i}].id`,
    'residency zone',
  );
  duplicates(
    c,
    shardList.map((s) => s?.id),
    (i) => `shards[${i}].id`,
    'shard',
  );

  regionList.forEach((region, i) => {
    if (region?.residencyZone !== undefined && !zones.has(region.residencyZone))
      c.add(`regions[${i}].residencyZone`, region.residencyZone, `is an ${unknownZone}`);
  });

  // Each zone lists exactly the regions that name it, and copies only to known zones including itself.
  zoneList.forEach((zone, zi) => {
    if (zone === undefined) return;
    const listed = new Set<string>();
    zone.regions?.forEach((regionId, ri) => {
      if (regionId === undefined) return;
      const path = `residencyZones[${zi}].regions[${ri}]`;
      const region = regions.get(regionId);
      if (listed.has(regionId)) c.add(path, regionId, 'is listed twice in the zone');
      else if (region === undefined) c.add(path, regionId, `is an ${unknownRegion}`);
      else if (zone.id !== undefined && region.residencyZone !== undefined && region.residencyZone !== zone.id)
        c.add(
          path,
          regionId,
          `belongs to residency zone ${JSON.stringify(region.residencyZone)}, not ${JSON.stringify(zone.id)}; a zone lists exactly the regions whose residencyZone names it`,
        );
      listed.add(regionId);
    });
    if (zone.id !== undefined && zone.regions !== undefined && zone.regions.every((r) => r !== undefined)) {
      const missing: string[] = [];
      for (const r of regionList) if (r?.id !== undefined && r.residencyZone === zone.id && !listed.has(r.id)) missing.push(r.id);
      if (missing.length > 0)
        c.add(
          `residencyZones[${zi}].regions`,
          zone.regions,
          `misses region(s) ${missing.map((m) => JSON.stringify(m)).join(', ')} whose residencyZone is ${JSON.stringify(zone.id)}`,
        );
    }
    zone.allowedCopyTo?.forEach((target, ti) => {
      if (target !== undefined && !zones.has(target)) c.add(`residencyZones[${zi}].allowedCopyTo[${ti}]`, target, `is an ${unknownZone}`);
    });
    if (zone.id !== undefined && zone.allowedCopyTo !== undefined && !zone.allowedCopyTo.includes(zone.id))
      c.add(`residencyZones[${zi}].allowedCopyTo`, zone.allowedCopyTo, `must include the zone itself (${JSON.stringify(zone.id)})`);
  });

  for (const [country, regionId] of countries) {
    const region = regionId === undefined ? undefined : regions.get(regionId);
    if (regionId !== undefined && region === undefined) c.add(join('countries', country), regionId, `is an ${unknownRegion}`);
    else if (region?.services !== undefined && !region.services.includes('compute'))
      c.add(
        join('countries', country),
        regionId,
        `is a region without "compute" in its services (${region.services.join(', ')}): it runs no gateway and serves no users; map the country to a compute region of its zone`,
      );
  }

  // Shards: known zone, primary inside the zone, replicas in known regions the zone may copy to.
  const shardsPerZone = new Set<string>();
  shardList.forEach((shard, si) => {
    if (shard === undefined) return;
    const zone = shard.residencyZone === undefined ? undefined : zones.get(shard.residencyZone);
    if (shard.residencyZone !== undefined && zone === undefined)
      c.add(`shards[${si}].residencyZone`, shard.residencyZone, `is an ${unknownZone}`);
    if (zone?.id !== undefined) shardsPerZone.add(zone.id);
    const primaryId = shard.primary?.region;
    const primary = primaryId === undefined ? undefined : regions.get(primaryId);
    if (primaryId !== undefined && primary === undefined) c.add(`shards[${si}].primary.region`, primaryId, `is an ${unknownRegion}`);
    else if (zone?.id !== undefined && primary?.residencyZone !== undefined && primary.residencyZone !== zone.id)
      c.add(
        `shards[${si}].primary.region`,
        primaryId,
        disallowedName(
          `must be in the shard's residency zone ${JSON.stringify(zone.id)}`,
          (zone.regions ?? []).filter((r): r is string => r !== undefined),
        ),
      );
    const holders = new Set<string>(primaryId === undefined ? [] : [primaryId]);
    shard.replicas?.forEach((replica, ri) => {
      const regionId = replica?.region;
      if (regionId === undefined) return;
      const path = `shards[${si}].replicas[${ri}].region`;
      const region = regions.get(regionId);
      if (region === undefined) c.add(path, regionId, `is an ${unknownRegion}`);
      else if (
        zone?.allowedCopyTo !== undefined &&
        region.residencyZone !== undefined &&
        !zone.allowedCopyTo.includes(region.residencyZone)
      )
        c.add(
          path,
          regionId,
          `is in residency zone ${JSON.stringify(region.residencyZone)}, but zone ${JSON.stringify(zone.id)} may copy data only to ${zone.allowedCopyTo.map((z) => formatValue(z)).join(', ')}`,
        );
      else if (holders.has(regionId)) c.add(path, regionId, 'already holds this shard (primary or another replica); one copy per region');
      holders.add(regionId);
    });
  });
  zoneList.forEach((zone, zi) => {
    if (zone?.id !== undefined && !shardsPerZone.has(zone.id) && shardList.length > 0)
      c.add(`residencyZones[${zi}].id`, zone.id, 'has no shard; every residency zone needs at least one shard');
  });
}
