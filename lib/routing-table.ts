/**
 * Builds the routing table (the runtime's one input) from the validated config. Pure: the same
 * config always gives byte-identical JSON, so the table diffs cleanly in review.
 */
import type { RoutingTable } from '../runtime/routing-table';
import { ROUTING_TABLE_SCHEMA_VERSION } from '../runtime/routing-table';
import type { RegionsConfig } from './config/model';
import { shardEndpoints } from './data/endpoint-names';

/** File name of the routing table inside the synth output directory. */
export const ROUTING_TABLE_FILE = 'routing-table.json';

export function buildRoutingTable(config: RegionsConfig): RoutingTable {
  const countries: Record<string, string> = {};
  for (const region of config.regions) for (const country of [...region.countries].sort()) countries[country] = region.id;
  // ISO codes: code-unit order (what localeCompare gives them) without loading ICU's collator
  const sortedCountries = Object.fromEntries(Object.entries(countries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const f = config.failover;
  return {
    schemaVersion: ROUTING_TABLE_SCHEMA_VERSION,
    regions: config.regions.map((r) => ({
      id: r.id,
      location: r.location,
      continent: r.continent,
      residencyZone: r.residencyZone,
      primary: r.primary,
      services: [...r.services],
      capacity: r.capacity,
      latencyThresholdMs: r.latencyThresholdMs,
    })),
    residencyZones: config.residencyZones.map((z) => ({ id: z.id, regions: [...z.regions], allowedCopyTo: [...z.allowedCopyTo] })),
    countries: sortedCountries,
    shards: config.shards.map((s) => {
      // The names DatabaseEndpoints gives the database copies in Route 53 (lib/data/endpoint-names).
      const endpoints = shardEndpoints(s, config.project.domain);
      return {
        id: s.id,
        residencyZone: s.residencyZone,
        weight: s.weight,
        primary: { region: s.primaryRegion, endpoint: endpoints.primary },
        replicas: s.replicaRegions.map((region) => ({ region, endpoint: endpoints.replicas[region] })),
      };
    }),
    routing: { maxLoadFactor: config.routing.maxLoadFactor, loadWeight: config.routing.loadWeight },
    failover: {
      healthCheck: {
        path: f.healthCheck.path,
        intervalMs: f.healthCheck.intervalSeconds * 1000,
        timeoutMs: f.healthCheck.timeoutSeconds * 1000,
        retries: f.healthCheck.retries,
      },
      failureThresholds: { ...f.failureThresholds },
      recoveryThresholds: { ...f.recoveryThresholds },
      actions: { reduceTrafficPercent: f.actions.reduceTrafficPercent, circuitBreakerMs: f.actions.circuitBreakerSeconds * 1000 },
      recovery: { stepsPercent: [...f.recovery.stepsPercent], stepIntervalMs: f.recovery.stepIntervalSeconds * 1000 },
    },
  };
}
