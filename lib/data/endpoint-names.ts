/**
 * Stable database endpoint names, known at synth.
 *
 * RDS endpoints exist only after apply; the gateway needs them in the routing table at synth. So
 * every database copy gets a name in its residency zone's private hosted zone
 * (`<zone>.db.<domain>`), and the Route 53 records (DatabaseEndpoints) and the routing table
 * (lib/routing-table.ts) both take it from here. A promoted replica only needs its record changed.
 *
 * Pure: no cdktf, no provider; the routing table stays a pure function of the config.
 */
import type { RegionsConfig, ShardSpec } from '../config/model';

/** PostgreSQL port of every database copy. */
export const DATABASE_PORT = 5432;

/** Name of the private hosted zone of a residency zone, e.g. `emea.db.taishanglaojun.com`. */
export function databaseZoneDomain(residencyZone: string, domain: string): string {
  return `${residencyZone}.db.${domain}`;
}

/**
 * Name of a database (one PostgreSQL primary and its replicas), after the region of its primary:
 * `pg-eu-west-1`. A region holds at most one primary, so the name is unique in its zone.
 */
export function databaseNameOf(primaryRegion: string): string {
  return `pg-${primaryRegion}`;
}

/**
 * RDS instance identifier of a database copy: `<project>-<database>` for the primary, that and
 * `-<region>` for its read replica in a region (`taishanglaojun-pg-eu-west-1-eu-central-1`): the
 * `DBInstanceIdentifier` its CloudWatch metrics carry.
 */
export function rdsInstanceIdentifier(projectName: string, database: string, replicaRegion?: string): string {
  return replicaRegion === undefined ? `${projectName}-${database}` : `${projectName}-${database}-${replicaRegion}`;
}

export interface DatabaseHostName {
  /** Database name ({@link databaseNameOf}). */
  readonly database: string;
  /** Region of this copy (the primary's region for the primary). */
  readonly region: string;
  /** Residency zone of the database. */
  readonly residencyZone: string;
  /** Apex domain of the platform. */
  readonly domain: string;
}

/** `<database>.<region>.<zone>.db.<domain>`, e.g. `pg-eu-west-1.eu-central-1.emea.db.taishanglaojun.com`. */
export function databaseHostName(n: DatabaseHostName): string {
  return `${n.database}.${n.region}.${databaseZoneDomain(n.residencyZone, n.domain)}`;
}

/** One database of the data tier, derived from the shards that live on it. */
export interface DatabasePlacement {
  /** {@link databaseNameOf} its primary region. */
  readonly database: string;
  readonly residencyZone: string;
  readonly primaryRegion: string;
  /** Regions of its cross-region read replicas (the zone's other storage regions). */
  readonly replicaRegions: readonly string[];
  /** Shards it holds, one logical database each. */
  readonly shards: readonly string[];
}

/**
 * The databases the config asks for: one per distinct (zone, primary region) of its shards. By
 * default every shard of a zone lives on the zone's primary region, so a zone has one database.
 */
export function databasePlacements(config: Pick<RegionsConfig, 'shards'>): DatabasePlacement[] {
  const byName = new Map<string, { spec: ShardSpec; shards: string[] }>();
  for (const shard of config.shards) {
    const database = databaseNameOf(shard.primaryRegion);
    const entry = byName.get(database);
    if (entry) entry.shards.push(shard.id);
    else byName.set(database, { spec: shard, shards: [shard.id] });
  }
  return [...byName.entries()].map(([database, { spec, shards }]) => ({
    database,
    residencyZone: spec.residencyZone,
    primaryRegion: spec.primaryRegion,
    replicaRegions: [...spec.replicaRegions],
    shards,
  }));
}

/** `host:port` of a shard's primary and of each of its replicas. */
export function shardEndpoints(shard: ShardSpec, domain: string): { primary: string; replicas: Record<string, string> } {
  const database = databaseNameOf(shard.primaryRegion);
  const at = (region: string) => `${databaseHostName({ database, region, residencyZone: shard.residencyZone, domain })}:${DATABASE_PORT}`;
  return {
    primary: at(shard.primaryRegion),
    replicas: Object.fromEntries(shard.replicaRegions.map((r) => [r, at(r)])),
  };
}
