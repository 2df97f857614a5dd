/**
 * The gateway's Prometheus metrics (prom-client), named by `runtime/metric-names.ts`, one registry
 * per gateway (two gateways in one process do not share counters).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  GATEWAY_HEALTH_CHECKS_TOTAL,
  GATEWAY_INFLIGHT_REQUESTS,
  GATEWAY_REFUSALS_TOTAL,
  GATEWAY_REGION_STATE,
  GATEWAY_REGION_TRAFFIC_SHARE,
  GATEWAY_REGION_UP,
  GATEWAY_REJECTED_REQUESTS_TOTAL,
  GATEWAY_ROUTING_DECISIONS_TOTAL,
  GATEWAY_ROUTING_TABLE_LOADED_SECONDS,
  GATEWAY_ROUTING_TABLE_RELOADS_TOTAL,
  GATEWAY_UPSTREAM_REQUESTS_TOTAL,
  GATEWAY_UPSTREAM_RETRIES_TOTAL,
  HTTP_REQUEST_DURATION_BUCKETS,
  HTTP_REQUEST_DURATION_SECONDS,
  HTTP_REQUESTS_TOTAL,
  type MetricDefinition,
} from '../runtime/metric-names';
import type { RegionStatus } from '../runtime/failover';

/** What the region gauges read at scrape time. */
export interface RegionStateSource {
  regions(): ReadonlyArray<{ region: string; zone: string; status: RegionStatus; trafficPercent: number }>;
}

const STATES: readonly RegionStatus[] = ['healthy', 'degraded', 'circuit-open', 'failed', 'recovering'];

function opts<T extends string>(def: MetricDefinition, registry: Registry) {
  return { name: def.name, help: def.help, labelNames: def.labels as unknown as T[], registers: [registry] };
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'region' | 'status' | 'country'>;
  readonly duration: Histogram<'region'>;
  readonly decisions: Counter<'reason' | 'region'>;
  readonly retries: Counter<'region' | 'cause'>;
  readonly refusals: Counter<'zone'>;
  readonly upstreamRequests: Counter<'region' | 'status'>;
  readonly healthChecks: Counter<'region' | 'outcome'>;
  readonly inflight: Gauge;
  readonly reloads: Counter<'trigger' | 'result'>;
  readonly tableLoaded: Gauge;
  readonly rejected: Counter<'status'>;

  constructor(source: RegionStateSource, options: { processMetrics?: boolean } = {}) {
    const r = this.registry;
    this.requests = new Counter(opts(HTTP_REQUESTS_TOTAL, r));
    this.duration = new Histogram({ ...opts(HTTP_REQUEST_DURATION_SECONDS, r), buckets: [...HTTP_REQUEST_DURATION_BUCKETS] });
    const up = new Gauge<'region' | 'zone'>({
      ...opts(GATEWAY_REGION_UP, r),
      collect() {
        up.reset();
        for (const s of source.regions()) up.set({ region: s.region, zone: s.zone }, s.trafficPercent > 0 ? 1 : 0);
      },
    });
    const state = new Gauge<'region' | 'zone' | 'state'>({
      ...opts(GATEWAY_REGION_STATE, r),
      collect() {
        state.reset();
        for (const s of source.regions())
          for (const st of STATES) state.set({ region: s.region, zone: s.zone, state: st }, s.status === st ? 1 : 0);
      },
    });
    const share = new Gauge<'region' | 'zone'>({
      ...opts(GATEWAY_REGION_TRAFFIC_SHARE, r),
      collect() {
        share.reset();
        for (const s of source.regions()) share.set({ region: s.region, zone: s.zone }, s.trafficPercent / 100);
      },
    });
    this.decisions = new Counter(opts(GATEWAY_ROUTING_DECISIONS_TOTAL, r));
    this.retries = new Counter(opts(GATEWAY_UPSTREAM_RETRIES_TOTAL, r));
    this.refusals = new Counter(opts(GATEWAY_REFUSALS_TOTAL, r));
    this.upstreamRequests = new Counter(opts(GATEWAY_UPSTREAM_REQUESTS_TOTAL, r));
    this.healthChecks = new Counter(opts(GATEWAY_HEALTH_CHECKS_TOTAL, r));
    this.inflight = new Gauge(opts(GATEWAY_INFLIGHT_REQUESTS, r));
    this.reloads = new Counter(opts(GATEWAY_ROUTING_TABLE_RELOADS_TOTAL, r));
    this.tableLoaded = new Gauge(opts(GATEWAY_ROUTING_TABLE_LOADED_SECONDS, r));
    this.rejected = new Counter(opts(GATEWAY_REJECTED_REQUESTS_TOTAL, r));
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: r });
  }
}
