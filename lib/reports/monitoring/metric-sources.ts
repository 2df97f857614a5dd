/**
 * Where the monitoring files' series come from, defined once:
 * - the gateway's own metrics (names in runtime/metric-names.ts), scraped per region as job `gateway`;
 *   each target carries `gateway_region` (where the scraped gateway runs), because the metrics'
 *   own `region` label is the region that served the request;
 * - the data tier's replica lag, a CloudWatch metric (lib/data: `AWS/RDS` `ReplicaLag` per
 *   `DBInstanceIdentifier`) that reaches Prometheus through the CloudWatch exporter YACE
 *   (yet-another-cloudwatch-exporter; its config is generated too, `yace.yml`), which names it
 *   `aws_rds_replica_lag_maximum` (the statistic the CloudWatch alarm reads, too) with the label
 *   `dimension_DBInstanceIdentifier` and the AWS `region`.
 */
import type { RegionsConfig } from '../../config';
import { databasePlacements, rdsInstanceIdentifier } from '../../data/endpoint-names';
import { REPLICA_LAG_METRIC } from '../../data/replicated-database';

/** Job name of the gateways' scrape config. */
export const GATEWAY_JOB = 'gateway';
/** Target label: the region whose gateway was scraped. */
export const GATEWAY_REGION_LABEL = 'gateway_region';
/** Job name of the CloudWatch exporter (YACE). */
export const CLOUDWATCH_JOB = 'cloudwatch';
/** Where Prometheus reaches YACE by default (run it next to Prometheus). */
export const DEFAULT_CLOUDWATCH_EXPORTER_TARGET = 'localhost:5000';

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** YACE's name for a CloudWatch metric and statistic: `AWS/RDS` `ReplicaLag` Average → `aws_rds_replica_lag_average`. */
export function yaceMetricName(namespace: string, metricName: string, statistic: string): string {
  return `${snake(namespace.replace('/', '_'))}_${snake(metricName)}_${statistic.toLowerCase()}`;
}

/** The replica-lag series in Prometheus, and its labels. */
/** The statistic of the replica lag Prometheus gets: the worst lag of each minute, as the CloudWatch alarm reads it. */
export const REPLICA_LAG_STATISTIC = 'Maximum';

export const REPLICA_LAG_SERIES = {
  name: yaceMetricName(REPLICA_LAG_METRIC.namespace, REPLICA_LAG_METRIC.metricName, REPLICA_LAG_STATISTIC),
  instanceLabel: `dimension_${REPLICA_LAG_METRIC.dimension}`,
  regionLabel: 'region',
} as const;

/** One read replica whose lag Prometheus should receive: its values of {@link REPLICA_LAG_SERIES}'s labels. */
export interface WatchedReplica {
  /** AWS region of the replica (YACE's `region` label). */
  readonly region: string;
  /** Its RDS instance identifier (`dimension_DBInstanceIdentifier`), as the data tier names it. */
  readonly instance: string;
}

/** Every read replica the config's data tier creates (lib/data/zone-data-tier.ts), in placement order. */
export function watchedReplicas(config: Pick<RegionsConfig, 'shards' | 'project'>): WatchedReplica[] {
  return databasePlacements(config).flatMap((p) =>
    p.replicaRegions.map((region) => ({ region, instance: rdsInstanceIdentifier(config.project.name, p.database, region) })),
  );
}

/** File name of the CloudWatch exporter's config, next to the Prometheus configs. */
export const CLOUDWATCH_EXPORTER_FILE = 'yace.yml';

/**
 * The CloudWatch exporter's config (YACE, `apiVersion: v1alpha1`): the replica lag of every RDS
 * instance in the regions that hold databases, at one-minute periods, as {@link REPLICA_LAG_SERIES}.
 */
export function buildCloudwatchExporterConfig(regionIds: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'v1alpha1',
    discovery: {
      jobs: [
        {
          type: REPLICA_LAG_METRIC.namespace,
          regions: [...regionIds],
          period: 60,
          length: 300,
          metrics: [{ name: REPLICA_LAG_METRIC.metricName, statistics: [REPLICA_LAG_STATISTIC] }],
        },
      ],
    },
  };
}
