/**
 * Choosing which copy of a shard to read from.
 *
 * Order: a healthy copy in the caller's region — a replica, or the primary itself when the caller
 * is in the primary's region (the nearest copy; reading it there avoids a cross-region hop) → the
 * lowest-latency healthy replica in the shard's residency zone → the primary. Replicas outside the
 * shard's zone (allowed only through the zone's `allowedCopyTo`) are chosen only when they are in
 * the caller's own region. This is for reads: writes always go to the primary.
 */
import type { ReplicaEndpoint } from './routing-table';

export interface ReplicaShard {
  readonly id: string;
  readonly residencyZone: string;
  readonly primary: ReplicaEndpoint;
  readonly replicas: readonly ReplicaEndpoint[];
}

export type ReplicaReason = 'local-replica' | 'local-primary' | 'nearest-replica' | 'primary';

export interface ReplicaChoice {
  /** Region of the chosen copy. */
  region: string;
  /** host:port of the chosen copy (null until the data tier publishes it). */
  endpoint: string | null;
  role: 'replica' | 'primary';
  reason: ReplicaReason;
  detail: string;
}

export interface ReplicaOptions {
  /** Region the read is made from (the routed region). */
  callerRegion: string;
  /** Whether a region is healthy; default: every region is. */
  isHealthy?: (region: string) => boolean;
  /** Latency in ms from the caller to each region; regions without a figure rank last. */
  latencyMs?: ((region: string) => number | undefined) | ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Residency zone of a region; default: every replica counts as inside the shard's zone. */
  zoneOf?: (region: string) => string | undefined;
}

const allHealthy = (): boolean => true;

/** The detail of a `local-replica` choice (the router builds these once per shard and region). */
export function localReplicaDetail(shard: string, callerRegion: string): string {
  return `healthy replica of shard ${shard} in the caller's region ${callerRegion}`;
}

/** The detail of a `local-primary` choice. */
export function localPrimaryDetail(shard: string, callerRegion: string): string {
  return `healthy primary of shard ${shard} in the caller's region ${callerRegion} (the nearest copy)`;
}

function latencyGetter(source: ReplicaOptions['latencyMs']): (region: string) => number | undefined {
  if (source === undefined) return () => undefined;
  if (typeof source === 'function') return source;
  if (source instanceof Map) return (region) => source.get(region);
  const record = source as Readonly<Record<string, number>>;
  return (region) => (Object.prototype.hasOwnProperty.call(record, region) ? record[region] : undefined);
}

/** Picks the copy of `shard` to read from; see the module comment for the order. */
export function chooseReplica(shard: ReplicaShard, options: ReplicaOptions): ReplicaChoice {
  const isHealthy = options.isHealthy ?? allHealthy;
  const { callerRegion } = options;
  for (const replica of shard.replicas) {
    if (replica.region === callerRegion && isHealthy(replica.region)) {
      return {
        region: replica.region,
        endpoint: replica.endpoint,
        role: 'replica',
        reason: 'local-replica',
        detail: localReplicaDetail(shard.id, callerRegion),
      };
    }
  }
  if (shard.primary.region === callerRegion && isHealthy(callerRegion)) {
    return {
      region: callerRegion,
      endpoint: shard.primary.endpoint,
      role: 'primary',
      reason: 'local-primary',
      detail: localPrimaryDetail(shard.id, callerRegion),
    };
  }
  const latencyOf = latencyGetter(options.latencyMs);
  const zoneOf = options.zoneOf;
  let best: ReplicaEndpoint | undefined;
  let bestLatency = Infinity;
  for (const replica of shard.replicas) {
    if (zoneOf !== undefined && zoneOf(replica.region) !== shard.residencyZone) continue;
    if (!isHealthy(replica.region)) continue;
    const raw = latencyOf(replica.region);
    const latency = raw === undefined || !Number.isFinite(raw) || raw < 0 ? Infinity : raw;
    // Ties (including "no figure") go to the smaller region id, so every gateway agrees.
    if (best === undefined || latency < bestLatency || (latency === bestLatency && replica.region < best.region)) {
      best = replica;
      bestLatency = latency;
    }
  }
  if (best !== undefined) {
    const how = bestLatency === Infinity ? 'no latency figures; smallest region id' : `${bestLatency} ms`;
    return {
      region: best.region,
      endpoint: best.endpoint,
      role: 'replica',
      reason: 'nearest-replica',
      detail: `no healthy replica of shard ${shard.id} in ${callerRegion}; nearest healthy replica in zone ${shard.residencyZone} (${how})`,
    };
  }
  const primaryState = isHealthy(shard.primary.region) ? 'healthy' : 'UNHEALTHY';
  return {
    region: shard.primary.region,
    endpoint: shard.primary.endpoint,
    role: 'primary',
    reason: 'primary',
    detail: `no healthy replica of shard ${shard.id} in zone ${shard.residencyZone}; using the primary in ${shard.primary.region} (${primaryState})`,
  };
}
