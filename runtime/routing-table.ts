/**
 * The routing table: the one document the deployed gateway reads.
 *
 * Synth writes it to `cdktf.out/routing-table.json` from `regions.config.ts` (see
 * `lib/routing-table/build.ts`). The runtime never reads the config itself: this schema is the
 * contract between the two sides, and it is versioned (`schemaVersion`).
 */
import { z } from 'zod';

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
