/**
 * The design document's global settings, as defaults for `regions.config.ts`.
 *
 * Each value is the one the design document (故障转移机制, 预留实例管理, CDN配置, 监控和告警) states;
 * where the design used a unit-less number the unit is made explicit here.
 */
import { GATEWAY_ADMIN_PORT } from '../limits';

/** Health checking and failover (design: failover-detection.yaml). */
export const DEFAULT_FAILOVER = {
  healthCheck: { path: '/health', intervalSeconds: 30, timeoutSeconds: 10, retries: 3 },
  failureThresholds: { serviceUnavailable: 3, highLatency: 5, errorRate: 0.05 },
  recoveryThresholds: { consecutiveSuccess: 5, latencyImprovement: 0.8 },
  actions: { reduceTrafficPercent: 50, circuitBreakerSeconds: 300 },
  recovery: { stepsPercent: [10, 25, 50, 75, 100], stepIntervalSeconds: 120 },
} as const;

/** Region choice by score (design: region-routing.js getOptimalRegion). */
export const DEFAULT_ROUTING = { maxLoadFactor: 0.8, loadWeight: 100 } as const;

/** Auto-scaling and spot share (design: reserved-instances.yaml auto_scaling). */
export const DEFAULT_AUTO_SCALING = {
  scaleOutThresholdPercent: 80,
  scaleInThresholdPercent: 30,
  spotInstancePercent: 50,
} as const;

/** Cloudflare zone settings and page-rule TTLs (design: cdn-config.yaml). */
export const DEFAULT_CDN = {
  cacheLevel: 'aggressive',
  browserCacheTtlSeconds: 31_536_000,
  /** The design's 2,592,000 (30 days) is above the zone setting's longest value, 604,800 (7 days). */
  edgeCacheTtlSeconds: 604_800,
  staticEdgeCacheTtlSeconds: 86_400,
  alwaysOnline: true,
  staticPathPrefix: '/static/',
  apiPathPrefix: '/api/',
} as const;

/** Alert thresholds (design: global_rules.yml). */
export const DEFAULT_ALERTS = {
  regionDownForSeconds: 60,
  latencyP95Seconds: 0.5,
  latencyForSeconds: 120,
  errorRate: 0.05,
  errorRateForSeconds: 60,
  scrapeIntervalSeconds: 15,
  gatewayScrapeIntervalSeconds: 10,
  /** The gateway image's admin port (GATEWAY_ADMIN_PORT), the only one allowed. */
  metricsPort: GATEWAY_ADMIN_PORT,
  /**
   * Where the central Prometheus sends its alerts: the Service `alertmanager` on port 9093
   * (Alertmanager's conventional port) in the namespace the central Prometheus runs in (`monitoring`).
   */
  alertmanagers: ['alertmanager:9093'],
} as const;

/**
 * Reserved capacity of a compute region whose config declares none (the design gives numbers only
 * for ap-east-1, eu-west-1 and us-east-1). Derived from the region's `capacity`:
 * - baseline: one instance per 100 requests of capacity (ap-east-1's ratio in the design: 10 000 → 100);
 * - reserved share: 60 %, the lowest share the design reserves (eu-west-1), because a secondary
 *   region's demand is the least certain;
 * - reservations: the baseline's reserved share as the design's most common type and term,
 *   c5.2xlarge for 1 year (a 1-year term commits the least for the least certain demand).
 */
export const DEFAULT_RESERVED_CAPACITY = {
  requestsPerInstance: 100,
  reservedPercent: 60,
  instanceType: 'c5.2xlarge',
  term: '1year',
} as const;

/**
 * The data tier (数据同步策略). The design names the replication settings and the lag metric
 * (pg_stat_replication_lag_seconds) but no retention or lag threshold; these are our choices,
 * documented in README (Data tier).
 */
export const DEFAULT_DATABASE = {
  /** RDS automated backups (point-in-time recovery window), days. */
  automatedBackupRetentionDays: 7,
  /** AWS Backup daily recovery points (and their in-zone copies), days. */
  backupRetentionDays: 35,
  /** Replica lag above which a replica's alarm fires, seconds. */
  replicaLagThresholdSeconds: 30,
} as const;
