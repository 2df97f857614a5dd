/**
 * Residency at the edge, as pure functions (no cdktf): which load-balancer pools each country may
 * reach, and the check that none of them is a region of another residency zone.
 *
 * The rule: a country's pool list holds only pools of the country's zone; the load balancer's
 * default pools and its fallback pool are the refusal pool, which answers 503 and reaches no
 * region. So when every pool of a zone is down, its users get a refusal, never a foreign region.
 */
import type { RegionsConfig } from '../config/model';
import { gatewayRegions } from './hostnames';

/** A load-balancer pool as the residency check sees it. */
export interface EdgePool {
  /** Pool name (what the load balancer's lists hold). */
  readonly name: string;
  /** Region the pool sends to; undefined for the refusal pool. */
  readonly region?: string;
  /** Residency zone of that region; undefined for the refusal pool. */
  readonly residencyZone?: string;
}

/** The steering of a Cloudflare load balancer, reduced to what decides where a request can go. */
export interface EdgeSteering {
  /** Residency zone of every country the config maps. */
  readonly countryZones: Readonly<Record<string, string>>;
  readonly pools: readonly EdgePool[];
  /** `country_pools`: pool names by country, in failover order. */
  readonly countryPools: Readonly<Record<string, readonly string[]>>;
  /** `default_pools`: used for countries without an entry (and, in some steering modes, after them). */
  readonly defaultPools: readonly string[];
  /** `fallback_pool`: used when every other candidate pool is unhealthy. */
  readonly fallbackPool: string;
  /** `region_pools` / `pop_pools` / `rules`: must be empty, they would bypass the country lists. @default none */
  readonly otherSteering?: readonly string[];
}

/** One way a country could reach a pool outside its zone. */
export interface EdgeResidencyProblem {
  readonly country?: string;
  readonly pool: string;
  readonly countryZone?: string;
  readonly poolZone?: string;
  readonly message: string;
}

/** Raised at synth when an edge configuration could send a country to another zone's region. */
export class EdgeResidencyError extends Error {
  constructor(readonly problems: readonly EdgeResidencyProblem[]) {
    super(
      `the edge would break residency (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    this.name = 'EdgeResidencyError';
  }
}

/** Every way the steering could send a request to a pool outside the requester's zone. */
export function edgeResidencyProblems(s: EdgeSteering): EdgeResidencyProblem[] {
  const problems: EdgeResidencyProblem[] = [];
  const poolByName = new Map(s.pools.map((p) => [p.name, p]));
  const isRefusal = (name: string) => {
    const pool = poolByName.get(name);
    return pool !== undefined && pool.region === undefined;
  };
  for (const [country, names] of Object.entries(s.countryPools)) {
    const countryZone = s.countryZones[country];
    for (const name of names) {
      const pool = poolByName.get(name);
      if (!pool) {
        problems.push({ country, pool: name, countryZone, message: `country ${country}: pool "${name}" is not declared` });
      } else if (pool.region === undefined) {
        continue; // the refusal pool reaches no region
      } else if (countryZone === undefined) {
        problems.push({
          country,
          pool: name,
          poolZone: pool.residencyZone,
          message: `country ${country} has no residency zone (no region serves it) but is steered to pool "${name}" (${pool.region}, zone "${pool.residencyZone}"); an unmapped country may reach only the refusal pool`,
        });
      } else if (pool.residencyZone !== countryZone) {
        problems.push({
          country,
          pool: name,
          countryZone,
          poolZone: pool.residencyZone,
          message: `country ${country} (zone "${countryZone}") is steered to pool "${name}" (${pool.region}, zone "${pool.residencyZone}"); a country's pools must be in its own residency zone`,
        });
      }
    }
  }
  for (const name of s.defaultPools) {
    if (!isRefusal(name)) {
      const pool = poolByName.get(name);
      problems.push({
        pool: name,
        poolZone: pool?.residencyZone,
        message: `default pool "${name}"${pool ? ` (${pool.region}, zone "${pool.residencyZone}")` : ' (not declared)'} is reachable from countries of every zone; the default pools must be the refusal pool only`,
      });
    }
  }
  if (s.defaultPools.length === 0) problems.push({ pool: '(none)', message: 'the load balancer needs a default pool: the refusal pool' });
  if (!isRefusal(s.fallbackPool)) {
    const pool = poolByName.get(s.fallbackPool);
    problems.push({
      pool: s.fallbackPool,
      poolZone: pool?.residencyZone,
      message: `fallback pool "${s.fallbackPool}"${pool ? ` (${pool.region}, zone "${pool.residencyZone}")` : ' (not declared)'} is reached when a zone's pools are all down, by countries of every zone; it must be the refusal pool`,
    });
  }
  for (const other of s.otherSteering ?? [])
    problems.push({ pool: '(any)', message: `${other} bypasses the country lists; only country steering is allowed at the edge` });
  return problems;
}

/** @throws EdgeResidencyError when any country could reach a pool of another zone */
export function assertEdgeResidency(s: EdgeSteering): void {
  const problems = edgeResidencyProblems(s);
  if (problems.length) throw new EdgeResidencyError(problems);
}

/**
 * Regions each mapped country is steered to, in order: `edge.countryPools[country]` when set,
 * else the country's own region (if it runs the gateway), then the other gateway regions of its
 * zone in the zone's fallback order. A country whose zone has no gateway region gets an empty list
 * (it is sent to the refusal pool).
 */
export function countryRegionPlan(config: Pick<RegionsConfig, 'regions' | 'residencyZones' | 'edge'>): Record<string, string[]> {
  const gateways = new Set(gatewayRegions(config).map((r) => r.id));
  const plan: Record<string, string[]> = {};
  for (const region of config.regions) {
    const zone = config.residencyZones.find((z) => z.id === region.residencyZone);
    const zoneOrder = (zone?.regions ?? []).filter((id) => gateways.has(id));
    const own = gateways.has(region.id) ? [region.id] : [];
    for (const country of region.countries)
      plan[country] = config.edge.countryPools[country]
        ? [...config.edge.countryPools[country]]
        : [...own, ...zoneOrder.filter((id) => id !== region.id)];
  }
  for (const [country, regions] of Object.entries(config.edge.countryPools)) plan[country] ??= [...regions];
  return plan;
}

/** Residency zone of every country the config maps (the zone of the region that serves it). */
export function countryZones(config: Pick<RegionsConfig, 'regions'>): Record<string, string> {
  const zones: Record<string, string> = {};
  for (const region of config.regions) for (const country of region.countries) zones[country] = region.residencyZone;
  return zones;
}
