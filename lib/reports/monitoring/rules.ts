/**
 * The alert rules: the design's RegionDown, HighLatency and HighErrorRate, and ReplicationLag; and
 * two the design lacks, because a region whose upstream fails is taken out of traffic and then
 * answers no requests (no error rate), and refusals carry no region: RegionOutOfTraffic (every
 * gateway's failover controller has failed the region) and ZoneRefusing (users of a residency zone
 * are refused because no region of their zone is healthy).
 */
import type { RegionsConfig } from '../../config';
import { METRIC_LABELS } from '../../../runtime/metric-names';
import { gatewayRegions } from '../../edge/hostnames';
import {
  errorRatioByRegion,
  gatewayDown,
  p95LatencyByRegion,
  refusalRateByZone,
  regionOutOfTraffic,
  regionUnreported,
  replicaLag,
  replicaLagUnreported,
  requestRateByRegion,
  unlocatedRefusalRate,
  unlocatedRefusalShare,
} from './expressions';
import { GATEWAY_REGION_LABEL, REPLICA_LAG_SERIES, watchedReplicas } from './metric-sources';
import { duration, percent } from './prometheus';

/** One alerting rule. */
/** Window of RegionUnreported's absent_over_time: a region silent this long, then for `alerts.regionDownForSeconds`, fires. */
const UNREPORTED_WINDOW_SECONDS = 300;

/** "6 minutes", "5 minutes 30 seconds": a silence in words for an alert summary. */
function silentFor(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return [m > 0 ? part(m, 'minute') : '', s > 0 ? part(s, 'second') : ''].filter(Boolean).join(' ');
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string };
}

/** How long the replica lag must stay high before ReplicationLag fires (CloudWatch data arrives per minute). */
export const REPLICATION_LAG_FOR_SECONDS = 300;

/** Window of ReplicationLagUnreported's absent_over_time: a replica's lag missing this long, then for {@link REPLICATION_LAG_FOR_SECONDS}, fires. */
export const LAG_UNREPORTED_WINDOW_SECONDS = 900;

/**
 * Fewest requests per second (over the 5-minute window) a region must answer before its error ratio
 * can page: 30 requests in 5 minutes. Below it one failed request of one is "100 % errors".
 */
export const ERROR_RATE_MIN_REQUESTS_PER_SECOND = 0.1;

/**
 * Gateway scrapes in ZoneRefusing's rate window (`alerts.gatewayScrapeIntervalSeconds` each: 40 s by
 * default): the fewest that still sees an increase when a scrape is missed. One refusal keeps the
 * rate above 0 for less than this window, so with a `for` at least as long it never fires alone;
 * refusals must keep coming, one at least every window less a scrape, for the whole `for`.
 */
export const REFUSAL_WINDOW_SCRAPES = 4;

/** Share of all requests refused as unlocated (zone unknown) above which UnlocatedClients fires. */
export const UNLOCATED_SHARE_THRESHOLD = 0.2;

/** How long that share must hold before UnlocatedClients fires (its own: it was the replica-lag constant). */
export const UNLOCATED_FOR_SECONDS = 300;

const label = (name: string) => `{{ $labels.${name} }}`;

/** The rule groups, as a plain object (rendered as YAML). */
export function buildAlertRules(config: RegionsConfig): { groups: { name: string; rules: AlertRule[] }[] } {
  const a = config.alerts;
  const R = METRIC_LABELS.region;
  const refusalWindow = REFUSAL_WINDOW_SCRAPES * a.gatewayScrapeIntervalSeconds;
  return {
    groups: [
      {
        name: 'platform-availability',
        rules: [
          {
            alert: 'RegionDown',
            expr: gatewayDown(),
            for: duration(a.regionDownForSeconds),
            labels: { severity: 'critical' },
            annotations: { summary: `Gateway of region ${label(GATEWAY_REGION_LABEL)} cannot be scraped (${label('instance')})` },
          },
          {
            alert: 'RegionUnreported',
            expr: regionUnreported(
              gatewayRegions(config).map((r) => r.id),
              duration(UNREPORTED_WINDOW_SECONDS),
            ),
            for: duration(a.regionDownForSeconds),
            labels: { severity: 'critical' },
            annotations: {
              // The expression's window, then the rule's `for`: how long the region has been silent when it fires.
              summary: `No gateway of region ${label(GATEWAY_REGION_LABEL)} has reported for ${silentFor(UNREPORTED_WINDOW_SECONDS + a.regionDownForSeconds)}: its Prometheus agent or every gateway pod is gone`,
            },
          },
          {
            // With the traffic floor HighErrorRate has: one slow request of one is not "p95 above".
            alert: 'HighLatency',
            expr: `${p95LatencyByRegion()} > ${a.latencyP95Seconds} and ${requestRateByRegion()} >= ${ERROR_RATE_MIN_REQUESTS_PER_SECOND}`,
            for: duration(a.latencyForSeconds),
            labels: { severity: 'warning' },
            annotations: { summary: `p95 latency of region ${label(R)} is above ${a.latencyP95Seconds} s` },
          },
          {
            alert: 'HighErrorRate',
            expr: `(${errorRatioByRegion()}) > ${a.errorRate} and ${requestRateByRegion()} >= ${ERROR_RATE_MIN_REQUESTS_PER_SECOND}`,
            for: duration(a.errorRateForSeconds),
            labels: { severity: 'critical' },
            annotations: { summary: `More than ${percent(a.errorRate)} % of the requests served by region ${label(R)} fail with 5xx` },
          },
          {
            alert: 'RegionOutOfTraffic',
            expr: regionOutOfTraffic(),
            for: duration(a.regionDownForSeconds),
            labels: { severity: 'critical' },
            annotations: {
              summary: `Region ${label(R)} (zone ${label(METRIC_LABELS.zone)}) is out of traffic on every gateway: failed health checks or an open circuit`,
            },
          },
          {
            // Over 5 minutes one refusal kept the rate above 0 for 5 minutes and paged after the 1-minute `for`.
            alert: 'ZoneRefusing',
            expr: `${refusalRateByZone(duration(refusalWindow))} > 0`,
            for: duration(Math.max(a.errorRateForSeconds, refusalWindow)),
            labels: { severity: 'critical' },
            annotations: { summary: `Users of residency zone ${label(METRIC_LABELS.zone)} are refused: no healthy region of the zone` },
          },
          {
            alert: 'UnlocatedClients',
            expr: `(${unlocatedRefusalShare()}) > ${UNLOCATED_SHARE_THRESHOLD} and ${unlocatedRefusalRate()} >= ${ERROR_RATE_MIN_REQUESTS_PER_SECOND}`,
            for: duration(UNLOCATED_FOR_SECONDS),
            labels: { severity: 'critical' },
            annotations: {
              summary: `More than ${percent(UNLOCATED_SHARE_THRESHOLD)} % of the requests to the gateways of ${label(GATEWAY_REGION_LABEL)} are refused because their client locates to no residency zone: check that region's trusted-proxy ranges and the geo database`,
            },
          },
        ],
      },
      // Without a read replica (each zone's data in one storage region) there is no lag to watch.
      ...(watchedReplicas(config).length > 0 ? [replicationGroup(config)] : []),
    ],
  };
}

/** The replica-lag alerts (only for a config with read replicas: see {@link watchedReplicas}). */
function replicationGroup(config: RegionsConfig): { name: string; rules: AlertRule[] } {
  const lag = config.database.replicaLagThresholdSeconds;
  const instance = `$labels.${REPLICA_LAG_SERIES.instanceLabel}`;
  return {
    name: 'data-replication',
    rules: [
      {
        alert: 'ReplicationLag',
        expr: `${replicaLag()} > ${lag}`,
        for: duration(REPLICATION_LAG_FOR_SECONDS),
        labels: { severity: 'warning' },
        annotations: {
          summary: `Replica ${label(REPLICA_LAG_SERIES.instanceLabel)} in ${label(REPLICA_LAG_SERIES.regionLabel)} lags more than ${lag} s behind its primary`,
        },
      },
      {
        // One alert per replica whose lag is missing (labelled with it), one for an exporter that cannot be scraped.
        alert: 'ReplicationLagUnreported',
        expr: replicaLagUnreported(watchedReplicas(config), duration(LAG_UNREPORTED_WINDOW_SECONDS)),
        for: duration(REPLICATION_LAG_FOR_SECONDS),
        labels: { severity: 'warning' },
        annotations: {
          // The expression's window, then the rule's `for`, as RegionUnreported says it.
          summary: `{{ if ${instance} }}No lag of replica ${label(REPLICA_LAG_SERIES.instanceLabel)} in ${label(REPLICA_LAG_SERIES.regionLabel)} has arrived from CloudWatch for ${silentFor(LAG_UNREPORTED_WINDOW_SECONDS + REPLICATION_LAG_FOR_SECONDS)}{{ else }}The CloudWatch exporter ${label('instance')} cannot be scraped{{ end }}: replication is unwatched`,
        },
      },
    ],
  };
}
