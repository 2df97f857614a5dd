/**
 * The routing table: the one document the deployed gateway reads.
 *
 * Synth writes it to `cdktf.out/routing-table.json` from `regions.config.ts` (see
 * `lib/routing-table/build.ts`). The runtime never reads the config itself: this schema is the
 * contract between the two sides, and it is versioned (`schemaVersion`).
 */
import { z } from 'zod';
import { formatPath, valueAt } from './private/problem-path';

/** The schema version this runtime reads and synth writes. */
export const ROUTING_TABLE_SCHEMA_VERSION = 1;

const regionId = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'a cloud region id such as "eu-west-1"');
const zoneId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a residency zone id such as "emea"');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as "DE"');
const positive = z.number().positive();

const endpoint = z
  .object({
    region: regionId,
    /** host:port of the database endpoint; null until the data tier publishes it. */
    endpoint: z.string().min(1).nullable(),
  })
  .strict();

export const routingTableSchema = z
  .object({
    schemaVersion: z.literal(ROUTING_TABLE_SCHEMA_VERSION),
    regions: z
      .array(
        z
          .object({
            id: regionId,
            location: z.string(),
            continent: z.enum(['APAC', 'EMEA', 'NA']),
            residencyZone: zoneId,
            primary: z.boolean(),
            services: z.array(z.enum(['compute', 'storage', 'cdn'])).min(1),
            /** Requests the region absorbs at 100 % load. */
            capacity: positive,
            /** Latency, in ms, above which the region counts as slow for its users. */
            latencyThresholdMs: positive,
          })
          .strict(),
      )
      .min(1),
    residencyZones: z
      .array(
        z
          .object({
            id: zoneId,
            /** Regions of the zone, in the zone's fallback order (first = preferred fallback). */
            regions: z.array(regionId).min(1),
            /** Zones this zone's personal data may be copied to (always includes itself). */
            allowedCopyTo: z.array(zoneId).min(1),
          })
          .strict(),
      )
      .min(1),
    /** Country (ISO alpha-2) to the region that serves it. */
    countries: z.record(countryCode, regionId),
    shards: z
      .array(
        z
          .object({
            id: z.string().min(1),
            residencyZone: zoneId,
            /** Relative share of the zone's keys; > 0. */
            weight: positive,
            primary: endpoint,
            replicas: z.array(endpoint),
          })
          .strict(),
      )
      .min(1),
    routing: z
      .object({
        /** Regions at or above this load factor (load / capacity) are not chosen by score. */
        maxLoadFactor: z.number().gt(0).max(1),
        /** Score = latency ms + loadFactor * loadWeight. */
        loadWeight: z.number().nonnegative(),
      })
      .strict(),
    failover: z
      .object({
        healthCheck: z
          .object({
            path: z.string().startsWith('/'),
            intervalMs: positive,
            timeoutMs: positive,
            retries: z.number().int().nonnegative(),
          })
          .strict(),
        failureThresholds: z
          .object({
            serviceUnavailable: z.number().int().positive(),
            highLatency: z.number().int().positive(),
            errorRate: z.number().gt(0).lt(1),
          })
          .strict(),
        recoveryThresholds: z
          .object({
            consecutiveSuccess: z.number().int().positive(),
            latencyImprovement: z.number().gt(0).max(1),
          })
          .strict(),
        actions: z
          .object({
            reduceTrafficPercent: z.number().gt(0).lt(100),
            circuitBreakerMs: positive,
          })
          .strict(),
        recovery: z
          .object({
            stepsPercent: z.array(z.number().gt(0).max(100)).min(1),
            stepIntervalMs: positive,
          })
          .strict(),
      })
      .strict(),
  })
  .strict();

/** The routing table as the runtime sees it. */
export type RoutingTable = z.infer<typeof routingTableSchema>;
export type RoutingTableRegion = RoutingTable['regions'][number];
export type RoutingTableZone = RoutingTable['residencyZones'][number];
export type RoutingTableShard = RoutingTable['shards'][number];
export type ReplicaEndpoint = RoutingTableShard['primary'];

/** One thing wrong with a routing table: where, what was there, and what is allowed. */
export interface RoutingTableProblem {
  /** Dotted path into the document, e.g. `shards[3].primary.region` or `countries.DE`. */
  path: string;
  /** The offending value (undefined when the field is missing). */
  value: unknown;
  /** What is wrong and what is allowed. */
  message: string;
}

export type ParseRoutingTableResult = { ok: true; table: RoutingTable } | { ok: false; problems: RoutingTableProblem[] };

/** A routing table that failed validation; carries every problem found. */
export class RoutingTableError extends Error {
  readonly problems: readonly RoutingTableProblem[];
  /** Where the table came from (a file name), when known. */
  readonly source: string | undefined;

  constructor(problems: readonly RoutingTableProblem[], source?: string) {
    super(RoutingTableError.format(problems, source));
    this.name = 'RoutingTableError';
    this.problems = problems;
    this.source = source;
  }

  /** One line per problem: `path: message (got VALUE)`. */
  static format(problems: readonly RoutingTableProblem[], source?: string): string {
    const head = `invalid routing table${source === undefined ? '' : ` ${source}`}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    return [head, ...problems.map((p) => `  - ${p.path || '(root)'}: ${p.message} (got ${showValue(p.value)})`)].join('\n');
  }
}

/** A short, single-line rendering of a value for error messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Validates a routing table: the zod schema first, then the cross-references between its parts
 * (countries → regions, regions ↔ residency zones, shards → zones and regions, unique ids,
 * recovery steps). Reports every problem found, never just the first.
 *
 * Cross-references are checked only when the document is structurally valid: a structural
 * error makes the cross-reference messages unreliable, so those are reported first.
 */
export function parseRoutingTable(input: unknown): ParseRoutingTableResult {
  const parsed = routingTableSchema.safeParse(input);
  if (!parsed.success) {
    const problems: RoutingTableProblem[] = [];
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
      if (keys !== undefined && keys.length > 0) {
        for (const key of keys) {
          const path = [...issue.path, key];
          problems.push({
            path: formatPath(path),
            value: valueAt(input, path),
            message: 'unknown field (not in the routing table schema)',
          });
        }
        continue;
      }
      problems.push({ path: formatPath(issue.path), value: valueAt(input, issue.path), message: issue.message });
    }
    return { ok: false, problems };
  }
  const problems = crossReferenceProblems(parsed.data);
  return problems.length === 0 ? { ok: true, table: parsed.data } : { ok: false, problems };
}

/** Like {@link parseRoutingTable} but throws a {@link RoutingTableError}. */
export function assertRoutingTable(input: unknown, source?: string): RoutingTable {
  const result = parseRoutingTable(input);
  if (!result.ok) throw new RoutingTableError(result.problems, source);
  return result.table;
}

function list(items: Iterable<string>): string {
  return [...items].map((s) => JSON.stringify(s)).join(', ');
}

function duplicates(ids: readonly string[], pathOf: (i: number) => string, what: string, problems: RoutingTableProblem[]): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else
      problems.push({
        path: pathOf(i),
        value: id,
        message: `duplicate ${what} id (already used at ${pathOf(first)}); ${what} ids must be unique`,
      });
  });
}

function crossReferenceProblems(table: RoutingTable): RoutingTableProblem[] {
  const problems: RoutingTableProblem[] = [];
  const regionIds = table.regions.map((r) => r.id);
  const zoneIds = table.residencyZones.map((z) => z.id);
  const regions = new Map(table.regions.map((r) => [r.id, r] as const));
  const zones = new Map(table.residencyZones.map((z) => [z.id, z] as const));
  const knownRegions = list(regions.keys());
  const knownZones = list(zones.keys());

  duplicates(regionIds, (i) => `regions[${i}].id`, 'region', problems);
  duplicates(zoneIds, (i) => `residencyZones[${i}].id`, 'residency zone', problems);
  duplicates(
    table.shards.map((s) => s.id),
    (i) => `shards[${i}].id`,
    'shard',
    problems,
  );

  // Each region names an existing zone.
  table.regions.forEach((region, i) => {
    if (!zones.has(region.residencyZone)) {
      problems.push({
        path: `regions[${i}].residencyZone`,
        value: region.residencyZone,
        message: `unknown residency zone; allowed: ${knownZones}`,
      });
    }
  });

  // Each zone lists exactly the regions that name it, and copies only to known zones including itself.
  table.residencyZones.forEach((zone, zi) => {
    const listed = new Set<string>();
    zone.regions.forEach((regionId, ri) => {
      const path = `residencyZones[${zi}].regions[${ri}]`;
      const region = regions.get(regionId);
      if (listed.has(regionId)) {
        problems.push({ path, value: regionId, message: 'region listed twice in the zone' });
      } else if (region === undefined) {
        problems.push({ path, value: regionId, message: `unknown region; allowed: ${knownRegions}` });
      } else if (region.residencyZone !== zone.id) {
        problems.push({
          path,
          value: regionId,
          message: `region belongs to residency zone ${JSON.stringify(region.residencyZone)}, not ${JSON.stringify(zone.id)}; a zone lists exactly the regions whose residencyZone names it`,
        });
      }
      listed.add(regionId);
    });
    const missing = table.regions.filter((r) => r.residencyZone === zone.id && !listed.has(r.id)).map((r) => r.id);
    if (missing.length > 0) {
      problems.push({
        path: `residencyZones[${zi}].regions`,
        value: zone.regions,
        message: `missing region(s) ${list(missing)} whose residencyZone is ${JSON.stringify(zone.id)}`,
      });
    }
    zone.allowedCopyTo.forEach((target, ti) => {
      if (!zones.has(target)) {
        problems.push({
          path: `residencyZones[${zi}].allowedCopyTo[${ti}]`,
          value: target,
          message: `unknown residency zone; allowed: ${knownZones}`,
        });
      }
    });
    if (!zone.allowedCopyTo.includes(zone.id)) {
      problems.push({
        path: `residencyZones[${zi}].allowedCopyTo`,
        value: zone.allowedCopyTo,
        message: `must include the zone itself (${JSON.stringify(zone.id)})`,
      });
    }
  });

  // Countries map to known regions.
  for (const [country, regionId] of Object.entries(table.countries)) {
    if (!regions.has(regionId)) {
      problems.push({ path: `countries.${country}`, value: regionId, message: `unknown region; allowed: ${knownRegions}` });
    }
  }

  // Shards: known zone, primary inside the zone, replicas in known regions the zone may copy to.
  const shardsPerZone = new Map<string, number>();
  table.shards.forEach((shard, si) => {
    const zone = zones.get(shard.residencyZone);
    if (zone === undefined) {
      problems.push({
        path: `shards[${si}].residencyZone`,
        value: shard.residencyZone,
        message: `unknown residency zone; allowed: ${knownZones}`,
      });
    } else {
      shardsPerZone.set(zone.id, (shardsPerZone.get(zone.id) ?? 0) + 1);
    }
    const primary = regions.get(shard.primary.region);
    if (primary === undefined) {
      problems.push({
        path: `shards[${si}].primary.region`,
        value: shard.primary.region,
        message: `unknown region; allowed: ${knownRegions}`,
      });
    } else if (zone !== undefined && primary.residencyZone !== zone.id) {
      problems.push({
        path: `shards[${si}].primary.region`,
        value: shard.primary.region,
        message: `primary must be in the shard's residency zone ${JSON.stringify(zone.id)} (allowed: ${list(zone.regions)})`,
      });
    }
    const replicaRegions = new Set<string>();
    shard.replicas.forEach((replica, ri) => {
      const path = `shards[${si}].replicas[${ri}].region`;
      const region = regions.get(replica.region);
      if (region === undefined) {
        problems.push({ path, value: replica.region, message: `unknown region; allowed: ${knownRegions}` });
      } else if (zone !== undefined && !zone.allowedCopyTo.includes(region.residencyZone)) {
        problems.push({
          path,
          value: replica.region,
          message: `region is in residency zone ${JSON.stringify(region.residencyZone)}, but zone ${JSON.stringify(zone.id)} may copy data only to ${list(zone.allowedCopyTo)}`,
        });
      } else if (replicaRegions.has(replica.region) || replica.region === shard.primary.region) {
        problems.push({
          path,
          value: replica.region,
          message: 'region already holds this shard (primary or another replica); one copy per region',
        });
      }
      replicaRegions.add(replica.region);
    });
  });
  table.residencyZones.forEach((zone, zi) => {
    if (!shardsPerZone.has(zone.id)) {
      problems.push({
        path: `residencyZones[${zi}].id`,
        value: zone.id,
        message: 'zone has no shard; every residency zone needs at least one shard',
      });
    }
  });

  // Recovery steps: strictly increasing, ending at 100.
  const steps = table.failover.recovery.stepsPercent;
  steps.forEach((step, i) => {
    if (i > 0 && step <= steps[i - 1]) {
      problems.push({
        path: `failover.recovery.stepsPercent[${i}]`,
        value: step,
        message: `steps must be strictly increasing (previous step is ${steps[i - 1]})`,
      });
    }
  });
  if (steps[steps.length - 1] !== 100) {
    problems.push({
      path: `failover.recovery.stepsPercent[${steps.length - 1}]`,
      value: steps[steps.length - 1],
      message: 'the last recovery step must be 100 (full traffic)',
    });
  }
  return problems;
}
