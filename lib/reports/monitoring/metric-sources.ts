/**
 * Where the monitoring files' series come from, defined once:
 * - the gateway's own metrics (names in runtime/metric-names.ts), scraped per region as job `gateway`;
 *   each target carries `gateway_region` (where the scraped gateway runs), because the metrics'
 *   own `region` label is the region that served the request;
 * - the data tier's replica lag, a CloudWatch metric (lib/data: `AWS/RDS` `ReplicaLag` per
 *   `DBInstanceIdentifier`) that reaches Prometheus through the CloudWatch exporter YACE
 *   (yet-another-cloudwatch-exporter), which names it `aws_rds_replica_lag_average` with the label
 *   `dimension_DBInstanceIdentifier` and the AWS `region`.
 */
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
export const REPLICA_LAG_SERIES = {
  name: yaceMetricName(REPLICA_LAG_METRIC.namespace, REPLICA_LAG_METRIC.metricName, 'Average'),
  instanceLabel: `dimension_${REPLICA_LAG_METRIC.dimension}`,
  regionLabel: 'region',
} as const;
