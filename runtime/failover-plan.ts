/**
 * The pure half of failover: traffic weights and capacity per residency zone for given traffic
 * factors, and the what-if `planFailover`. No state, no time. Weights never move traffic from one
 * residency zone to another.
 */
import { invalidInput } from './private/invalid-input';
import { unknownName } from './private/unknown-name';
import type { RoutingTable, RoutingTableRegion } from './routing-table';

export interface ZoneCapacity {
  /** Expected load of the whole zone (requests), from `loads` or the utilisation assumption. */
  demand: number;
  /** Capacity of the regions still taking traffic, scaled by their traffic share. */
  remainingCapacity: number;
  /** demand <= remainingCapacity * routing.maxLoadFactor, and some capacity remains. */
  ok: boolean;
  regionsDown: string[];
}

export interface FailoverPlan {
  /** Per region, percent of its zone's traffic; each zone sums to 100 or is all 0. */
  weights: Record<string, number>;
  zones: Record<string, ZoneCapacity>;
  /** The utilisation assumed for regions without a given load. */
  assumedUtilisation: number;
}

/**
 * When no current load is given for a region, it is assumed to run at this fraction of its
 * capacity. 0.5 matches "each region sized for twice its normal load".
 */
export const DEFAULT_ASSUMED_UTILISATION = 0.5;

const EPS = 1e-9;

function zoneIndex(table: RoutingTable): Map<string, string> {
  const zoneOf = new Map<string, string>();
  for (const r of table.regions) zoneOf.set(r.id, r.residencyZone);
  return zoneOf;
}

/** Whether a region answers API traffic: it runs compute (a gateway). */
function servesTraffic(r: RoutingTableRegion): boolean {
  return r.services.includes('compute');
}

function zoneRegions(table: RoutingTable): Map<string, RoutingTableRegion[]> {
  const byZone = new Map<string, RoutingTableRegion[]>();
  for (const z of table.residencyZones) byZone.set(z.id, []);
  for (const r of table.regions) {
    const list = byZone.get(r.residencyZone) ?? [];
    list.push(r);
    byZone.set(r.residencyZone, list);
  }
  return byZone;
}

/**
 * Splits 100 % among `shares`, proportionally, in hundredths of a percent, using the
 * largest-remainder method: results have at most 2 decimals and sum to exactly 100 (10 000
 * hundredths), or are all 0 when every share is 0. Ties go to the earlier key. Throws a RangeError
 * naming the key for a share that is NaN, negative or not finite, or when the shares' sum is not
 * finite (1e308 + 1e308): such input would otherwise zero or flip the split.
 */
export function proportionalPercent(shares: Array<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of shares) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`share of "${k}" = ${String(v)}; allowed: a finite number >= 0`);
    }
    total += v;
  }
  if (!Number.isFinite(total)) {
    throw new RangeError(
      `shares of ${shares.map(([k]) => k).join(', ')} sum to ${String(total)}; allowed: a finite sum (each share far below 1e308)`,
    );
  }
  // Any positive total splits (capacities of 1e-12 are as proportional as 1e12); only 0 is "nothing".
  if (!(total > 0)) {
    for (const [k] of shares) out[k] = 0;
    return out;
  }
  const raw = shares.map(([k, v], i) => ({ k, i, exact: (v / total) * 10_000 }));
  const floors = raw.map((r) => ({ ...r, units: Math.floor(r.exact + EPS), rem: r.exact - Math.floor(r.exact + EPS) }));
  let left = 10_000 - floors.reduce((s, r) => s + r.units, 0);
  const order = [...floors].sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const r of order) {
    if (left <= 0) break;
    if (r.exact <= EPS) continue;
    r.units += 1;
    left -= 1;
  }
  for (const r of floors) out[r.k] = r.units / 100;
  return out;
}

/** Throws for a traffic factor that is not a finite number in 0..1, naming the region. */
function checkFactors(table: RoutingTable, factors: Record<string, number>): void {
  const zoneOf = zoneIndex(table);
  for (const [region, f] of Object.entries(factors)) {
    if (!zoneOf.has(region)) throw new Error(`factors: ${unknownName('region', region, zoneOf.keys())}`);
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1) {
      throw new RangeError(`factors["${region}"] = ${String(f)}; allowed: a finite number in 0..1 (share of the region's capacity)`);
    }
  }
}

/**
 * Weights for the given traffic factors (0..1 of each region's capacity; a missing region is 0):
 * per zone, proportional to capacity × factor. Pure; throws for an unknown region or a factor
 * that is NaN, negative, above 1 or not finite.
 */
export function zoneWeights(table: RoutingTable, factors: Record<string, number>): Record<string, number> {
  checkFactors(table, factors);
  const weights: Record<string, number> = {};
  for (const [, regions] of zoneRegions(table)) {
    // A region without compute runs no gateway: it takes no share of its zone's traffic.
    for (const r of regions) if (!servesTraffic(r)) weights[r.id] = 0;
    Object.assign(weights, proportionalPercent(regions.filter(servesTraffic).map((r) => [r.id, r.capacity * (factors[r.id] ?? 0)])));
  }
  return weights;
}

function checkLoads(loads: Record<string, number> | undefined, zoneOf: Map<string, string>): void {
  for (const [region, load] of Object.entries(loads ?? {})) {
    if (!zoneOf.has(region)) throw new Error(`loads: ${unknownName('region', region, zoneOf.keys())}`);
    if (!Number.isFinite(load) || load < 0) throw new RangeError(`loads["${region}"]: must be a finite number >= 0, got ${String(load)}`);
  }
}

/** Capacity check per zone for the given traffic factors (0 = down). Pure. */
export function zoneCapacity(
  table: RoutingTable,
  factors: Record<string, number>,
  loads?: Record<string, number>,
  assumedUtilisation = DEFAULT_ASSUMED_UTILISATION,
): Record<string, ZoneCapacity> {
  if (!(assumedUtilisation >= 0) || !Number.isFinite(assumedUtilisation)) {
    throw new RangeError(`assumedUtilisation: must be a finite number >= 0, got ${String(assumedUtilisation)}`);
  }
  checkFactors(table, factors);
  checkLoads(loads, zoneIndex(table));
  const zones: Record<string, ZoneCapacity> = {};
  for (const [zone, regions] of zoneRegions(table)) {
    let demand = 0;
    let remainingCapacity = 0;
    const regionsDown: string[] = [];
    for (const r of regions.filter(servesTraffic)) {
      demand += loads?.[r.id] ?? r.capacity * assumedUtilisation;
      const f = factors[r.id] ?? 0;
      if (f <= 0) regionsDown.push(r.id);
      remainingCapacity += r.capacity * f;
    }
    // Relative slack for rounding, not an absolute one: tiny capacities compare as large ones do.
    const ok = remainingCapacity > 0 && demand <= remainingCapacity * table.routing.maxLoadFactor * (1 + 1e-12);
    zones[zone] = { demand, remainingCapacity, ok, regionsDown };
  }
  return zones;
}

/**
 * What happens to traffic if `downRegions` fail: their weight is 0, the rest of each zone shares the
 * zone's traffic by capacity, and each zone reports whether what remains can absorb its demand.
 * Traffic never moves between zones. Pure; throws on unknown regions.
 */
export function planFailover(
  table: RoutingTable,
  downRegions: string[],
  loads?: Record<string, number>,
  options: { assumedUtilisation?: number } = {},
): FailoverPlan {
  const zoneOf = zoneIndex(table);
  // A JavaScript caller's one region as a string was read letter by letter ("unknown region "e"").
  if (!Array.isArray(downRegions) || !downRegions.every((r) => typeof r === 'string'))
    throw invalidInput('planFailover: downRegions', downRegions, 'a list of region ids such as ["eu-west-1"]');
  for (const r of downRegions) {
    if (!zoneOf.has(r)) throw new Error(`planFailover: downRegions: ${unknownName('region', r, zoneOf.keys())}`);
  }
  const down = new Set(downRegions);
  const factors: Record<string, number> = {};
  for (const r of table.regions) factors[r.id] = down.has(r.id) ? 0 : 1;
  const assumedUtilisation = options.assumedUtilisation ?? DEFAULT_ASSUMED_UTILISATION;
  return { weights: zoneWeights(table, factors), zones: zoneCapacity(table, factors, loads, assumedUtilisation), assumedUtilisation };
}
