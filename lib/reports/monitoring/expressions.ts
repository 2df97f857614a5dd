/**
 * The PromQL of the alert rules and the dashboard, in one place. The design's expressions did not
 * aggregate: `histogram_quantile(0.95, rate(…_bucket[5m]))` computes a quantile per scraped series
 * (per gateway, per status …) instead of per region, a ratio of two unaggregated rates divides
 * series by series, and `histogram_quantile(…) by (region)` is not PromQL at all. Here every rate is
 * summed by the label the question is about first (`le` kept for the quantile).
 */
import {
  GATEWAY_REFUSALS_TOTAL,
  GATEWAY_REGION_UP,
  HTTP_REQUEST_DURATION_SECONDS,
  HTTP_REQUESTS_TOTAL,
  METRIC_LABELS,
  METRIC_NONE,
  METRIC_UNKNOWN,
} from '../../../runtime/metric-names';
import { CLOUDWATCH_JOB, GATEWAY_JOB, GATEWAY_REGION_LABEL, REPLICA_LAG_SERIES, type WatchedReplica } from './metric-sources';

const R = METRIC_LABELS.region;
/** Requests answered by some region (refusals and gateway errors carry region "none"). */
const served = `job="${GATEWAY_JOB}",${R}!="${METRIC_NONE}"`;
const requests = HTTP_REQUESTS_TOTAL.name;

/** Gateways Prometheus cannot scrape. */
export const gatewayDown = (): string => `up{job="${GATEWAY_JOB}"} == 0`;

/**
 * Regions of which no gateway has reported over the window (`regions`: the compute regions): the
 * region's agent or every gateway pod is gone, which `up == 0` cannot see (no target, no `up`).
 */
export const regionUnreported = (regions: readonly string[], window = '5m'): string =>
  regions.map((r) => `absent_over_time(up{job="${GATEWAY_JOB}",${GATEWAY_REGION_LABEL}="${r}"}[${window}])`).join(' or ');

/** p95 latency per serving region, over every gateway's histogram. */
export const p95LatencyByRegion = (window = '5m'): string =>
  `histogram_quantile(0.95, sum by (le, ${R}) (rate(${HTTP_REQUEST_DURATION_SECONDS.name}_bucket{${served}}[${window}])))`;

/** Share of 5xx answers per serving region. */
export const errorRatioByRegion = (window = '5m'): string =>
  `sum by (${R}) (rate(${requests}{${served},${METRIC_LABELS.status}=~"5.."}[${window}])) / sum by (${R}) (rate(${requests}{${served}}[${window}]))`;

/** Requests per second each serving region answered over the window. */
export const requestRateByRegion = (window = '5m'): string => `sum by (${R}) (rate(${requests}{${served}}[${window}]))`;

/**
 * Replicas whose lag series has not arrived over the window, one result per replica (labelled with
 * its region and instance identifier), or the CloudWatch exporter cannot be scraped. One
 * `absent_over_time` per replica: over the bare metric name it would fire only once every replica's
 * series is gone, and one replica that stops reporting while the others report would go unwatched.
 */
export const replicaLagUnreported = (replicas: readonly WatchedReplica[], window = '15m'): string =>
  [
    ...replicas.map(
      (r) =>
        `absent_over_time(${REPLICA_LAG_SERIES.name}{${REPLICA_LAG_SERIES.regionLabel}="${r.region}",${REPLICA_LAG_SERIES.instanceLabel}="${r.instance}"}[${window}])`,
    ),
    `up{job="${CLOUDWATCH_JOB}"} == 0`,
  ].join(' or ');

/** Replica lag in seconds, per replica instance and region. */
export const replicaLag = (): string =>
  `max by (${REPLICA_LAG_SERIES.regionLabel}, ${REPLICA_LAG_SERIES.instanceLabel}) (${REPLICA_LAG_SERIES.name})`;

/** Request rate per client country. */
export const requestRateByCountry = (window = '5m'): string =>
  `sum by (${METRIC_LABELS.country}) (rate(${requests}{job="${GATEWAY_JOB}"}[${window}]))`;

/** Share of the gateways' scrapes that succeeded per region over the window (availability). */
export const availabilityByRegion = (window = '1h'): string =>
  `avg by (${GATEWAY_REGION_LABEL}) (avg_over_time(up{job="${GATEWAY_JOB}"}[${window}]))`;

/**
 * Share of the gateways whose failover controller lets each region take traffic: 1 every gateway, 0
 * none (what RegionOutOfTraffic alerts on). A minimum showed 0 as soon as one gateway anywhere had
 * the region out, while the alert rightly stayed quiet: the panel and the alert disagreed.
 */
export const regionTakingTraffic = (): string => `avg by (${R}) (${GATEWAY_REGION_UP.name}{job="${GATEWAY_JOB}"})`;

/** Each serving region's share of all served requests. */
export const trafficShareByRegion = (window = '5m'): string =>
  `sum by (${R}) (rate(${requests}{${served}}[${window}])) / ignoring (${R}) group_left sum(rate(${requests}{${served}}[${window}]))`;

/** Regions every gateway has taken out of traffic (failed or circuit open): 0 on all of them. */
export const regionOutOfTraffic = (): string =>
  `max by (${R}, ${METRIC_LABELS.zone}) (${GATEWAY_REGION_UP.name}{job="${GATEWAY_JOB}"}) == 0`;

/**
 * Share of the requests reaching a region's gateways refused because the client's residency zone is
 * unknown (an address that locates to no zone's country), over the window, per gateway region: a
 * load-balancer change breaks one region's trusted-proxy range, not all of them. A few such clients are normal; a large share means
 * every client looks unlocated: a wrong trusted-proxy range after a load-balancer change, or a broken
 * geo database.
 */
export const unlocatedRefusalShare = (window = '5m'): string =>
  `sum by (${GATEWAY_REGION_LABEL}) (rate(${GATEWAY_REFUSALS_TOTAL.name}{job="${GATEWAY_JOB}",${METRIC_LABELS.zone}="${METRIC_UNKNOWN}"}[${window}])) / sum by (${GATEWAY_REGION_LABEL}) (rate(${requests}{job="${GATEWAY_JOB}"}[${window}]))`;

/** Refusals of unlocated clients per second over the window, per region whose gateways refused them. */
export const unlocatedRefusalRate = (window = '5m'): string =>
  `sum by (${GATEWAY_REGION_LABEL}) (rate(${GATEWAY_REFUSALS_TOTAL.name}{job="${GATEWAY_JOB}",${METRIC_LABELS.zone}="${METRIC_UNKNOWN}"}[${window}]))`;

/**
 * Requests refused per second because no healthy region of the user's residency zone exists, per
 * zone. Refusals of users whose zone is unknown (zone "unknown": an address that locates to no zone's
 * country) are the client's case, not an outage, and are left out. ZoneRefusing passes a short window
 * (a few gateway scrapes): over a long one a single refusal keeps the rate above 0 for the whole window.
 */
export const refusalRateByZone = (window: string): string =>
  `sum by (${METRIC_LABELS.zone}) (rate(${GATEWAY_REFUSALS_TOTAL.name}{job="${GATEWAY_JOB}",${METRIC_LABELS.zone}!="${METRIC_UNKNOWN}"}[${window}]))`;
