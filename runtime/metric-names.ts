/**
 * The names of every metric the reference gateway (`gateway/`) exports on `/metrics`, with their
 * label names and histogram buckets.
 *
 * Plain constants, no prom-client: the monitoring generator (`lib/reports/monitoring`) imports this
 * module at synth time to write scrape configs, alert rules and dashboards that use exactly the names
 * the gateway serves. Renaming a metric here is a breaking change for every alert rule and dashboard
 * generated from it.
 */

/** Label names used by the gateway's metrics. */
export const METRIC_LABELS = {
  /** Region that served (or was chosen for) the request: a routing-table region id. */
  region: 'region',
  /** HTTP status code answered to the client, as a string ("200", "503"). */
  status: 'status',
  /**
   * ISO alpha-2 country of the client from the IP lookup, or "unknown". Bounded by the country
   * map (about 250 values); never an address.
   */
  country: 'country',
  /** Residency zone of a region or of the user's data ("unknown" for anonymous traffic of no zone). */
  zone: 'zone',
  /** Routing rule that decided: preference | geo | score | fallback | shed | refused. */
  reason: 'reason',
  /** Why a request was retried: connect-error | reset | timeout | upstream-5xx. */
  cause: 'cause',
  /** Failover state of a region: healthy | degraded | circuit-open | failed | recovering. */
  state: 'state',
  /** Outcome of a routing-table reload: ok | rejected. */
  result: 'result',
  /** Source of a reload: sighup | watch | api. */
  trigger: 'trigger',
  /** Outcome of an active health check: success | slow | failure. */
  outcome: 'outcome',
} as const;

export type MetricLabel = (typeof METRIC_LABELS)[keyof typeof METRIC_LABELS];

/** One metric: its name, type, help text and label names. */
export interface MetricDefinition {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly MetricLabel[];
}

/**
 * Buckets (seconds) of {@link HTTP_REQUEST_DURATION_SECONDS}. Dense around the design's 0.5 s
 * HighLatency threshold, so `histogram_quantile(0.95, ...)` is accurate where the alert decides.
 */
export const HTTP_REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1, 2.5, 5, 10,
];

/** Requests answered by the gateway, by serving region, status code and client country. */
export const HTTP_REQUESTS_TOTAL: MetricDefinition = {
  name: 'http_requests_total',
  type: 'counter',
  help: 'Requests answered by the gateway, by serving region (or "none" for a refusal or a gateway error), HTTP status and client country.',
  labels: ['region', 'status', 'country'],
};

/** End-to-end latency of a request through the gateway (retries included), by serving region. */
export const HTTP_REQUEST_DURATION_SECONDS: MetricDefinition = {
  name: 'http_request_duration_seconds',
  type: 'histogram',
  help: 'Time from the request arriving at the gateway to the last byte of the answer, retries included, by serving region ("none" for refusals).',
  labels: ['region'],
};

/** 1 when the failover controller lets the region take traffic (healthy, degraded or recovering), else 0. */
export const GATEWAY_REGION_UP: MetricDefinition = {
  name: 'gateway_region_up',
  type: 'gauge',
  help: '1 when the region takes traffic (healthy, degraded or recovering), 0 when it is failed or its circuit is open.',
  labels: ['region', 'zone'],
};

/** The failover state of each region: 1 for the current state, 0 for the others. */
export const GATEWAY_REGION_STATE: MetricDefinition = {
  name: 'gateway_region_state',
  type: 'gauge',
  help: 'Failover state of the region: 1 on the current state, 0 on the others.',
  labels: ['region', 'zone', 'state'],
};

/** Share (0..1) of its own capacity the region is offered by the failover controller (recovery steps, degradation). */
export const GATEWAY_REGION_TRAFFIC_SHARE: MetricDefinition = {
  name: 'gateway_region_traffic_share',
  type: 'gauge',
  help: 'Share (0..1) of its capacity the failover controller offers the region: 1 healthy, 0.5 degraded, the recovery step while recovering, 0 when down.',
  labels: ['region', 'zone'],
};

/** Routing decisions by the rule that decided (refusals included) and the chosen region. */
export const GATEWAY_ROUTING_DECISIONS_TOTAL: MetricDefinition = {
  name: 'gateway_routing_decisions_total',
  type: 'counter',
  help: 'Routing decisions by rule (preference, geo, score, fallback, shed, refused) and chosen region ("none" for refusals).',
  labels: ['reason', 'region'],
};

/** Retries of idempotent requests on the next allowed region, by the region that failed and why. */
export const GATEWAY_UPSTREAM_RETRIES_TOTAL: MetricDefinition = {
  name: 'gateway_upstream_retries_total',
  type: 'counter',
  help: 'Idempotent requests retried on the next region of the same residency zone, by the region that failed and the cause (connect-error, reset, timeout, upstream-5xx).',
  labels: ['region', 'cause'],
};

/** Requests answered 503 because no compliant healthy region exists, by the user's zone. */
export const GATEWAY_REFUSALS_TOTAL: MetricDefinition = {
  name: 'gateway_refusals_total',
  type: 'counter',
  help: 'Requests refused with 503 because no healthy region of the user residency zone exists, by zone ("unknown" when the zone could not be told).',
  labels: ['zone'],
};

/** Attempts that reached an upstream (or failed to), by region and outcome; the passive health input. */
export const GATEWAY_UPSTREAM_REQUESTS_TOTAL: MetricDefinition = {
  name: 'gateway_upstream_requests_total',
  type: 'counter',
  help: 'Attempts sent to a region upstream, by region and HTTP status ("error" when no answer came: connect error, reset, timeout; "cancelled" when the client went away first; "cut" at the drain deadline).',
  labels: ['region', 'status'],
};

/** Active health checks against each region's upstream, by outcome. */
export const GATEWAY_HEALTH_CHECKS_TOTAL: MetricDefinition = {
  name: 'gateway_health_checks_total',
  type: 'counter',
  help: 'Active health checks of each region upstream, by outcome (success, slow, failure).',
  labels: ['region', 'outcome'],
};

/** Requests in flight in the gateway. */
export const GATEWAY_INFLIGHT_REQUESTS: MetricDefinition = {
  name: 'gateway_inflight_requests',
  type: 'gauge',
  help: 'Requests received and not yet answered.',
  labels: [],
};

/** Routing-table reloads, by trigger and result (a rejected table leaves the last good one serving). */
export const GATEWAY_ROUTING_TABLE_RELOADS_TOTAL: MetricDefinition = {
  name: 'gateway_routing_table_reloads_total',
  type: 'counter',
  help: 'Routing-table reloads by trigger (sighup, watch, api) and result (ok, rejected: the last good table keeps serving).',
  labels: ['trigger', 'result'],
};

/** Unix time (seconds) at which the routing table now serving was loaded. */
export const GATEWAY_ROUTING_TABLE_LOADED_SECONDS: MetricDefinition = {
  name: 'gateway_routing_table_loaded_timestamp_seconds',
  type: 'gauge',
  help: 'Unix time at which the routing table now serving was accepted.',
  labels: [],
};

/** Requests answered by the gateway itself with a 4xx for bad input (headers, body size, timeouts). */
export const GATEWAY_REJECTED_REQUESTS_TOTAL: MetricDefinition = {
  name: 'gateway_rejected_requests_total',
  type: 'counter',
  help: 'Requests the gateway rejected before routing, by status (400 bad header, 408 timeout, 413 body too large, 431 headers too large).',
  labels: ['status'],
};

/** Every metric the gateway exports, in the order `/metrics` lists them. */
export const GATEWAY_METRICS: readonly MetricDefinition[] = [
  HTTP_REQUESTS_TOTAL,
  HTTP_REQUEST_DURATION_SECONDS,
  GATEWAY_REGION_UP,
  GATEWAY_REGION_STATE,
  GATEWAY_REGION_TRAFFIC_SHARE,
  GATEWAY_ROUTING_DECISIONS_TOTAL,
  GATEWAY_UPSTREAM_RETRIES_TOTAL,
  GATEWAY_REFUSALS_TOTAL,
  GATEWAY_UPSTREAM_REQUESTS_TOTAL,
  GATEWAY_HEALTH_CHECKS_TOTAL,
  GATEWAY_INFLIGHT_REQUESTS,
  GATEWAY_ROUTING_TABLE_RELOADS_TOTAL,
  GATEWAY_ROUTING_TABLE_LOADED_SECONDS,
  GATEWAY_REJECTED_REQUESTS_TOTAL,
];

/** The label value for "no region" (refusals, gateway errors) and unknown country / zone. */
export const METRIC_NONE = 'none';
export const METRIC_UNKNOWN = 'unknown';
