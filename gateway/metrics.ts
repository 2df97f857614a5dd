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

/** What the gauges read at scrape time. */
export interface RegionStateSource {
  regions(): ReadonlyArray<{ region: string; zone: string; status: RegionStatus; trafficPercent: number }>;
  /** Requests received and not yet answered. @default the gauge stays 0 */
  inflight?(): number;
}

/**
 * A counter of the request path: counted in plain numbers (a tree of Maps keyed by each label value in
 * turn, so no two label-value tuples share a slot) and published to its prom-client Counter when the
 * registry is read (the metric's `collect` hook, which prom-client runs for every scrape and every
 * `get()`). A labelled prom-client `inc` validates the labels and hashes them on every call (~0.3 µs,
 * measured); this costs one Map lookup per label. The series are the same as with direct `inc`
 * calls; the counter must not be incremented directly.
 */
export class RequestPathCounter<L extends string> {
  readonly counter: Counter<L>;
  readonly #name: string;
  readonly #labelNames: readonly L[];
  readonly #root = new Map<string, unknown>();
  readonly #series: Array<{ labels: Partial<Record<L, string>>; value: number }> = [];

  constructor(def: MetricDefinition, registry: Registry) {
    this.#name = def.name;
    this.#labelNames = def.labels as unknown as L[];
    const series = this.#series;
    this.counter = new Counter<L>({
      ...opts<L>(def, registry),
      collect() {
        this.reset();
        for (const s of series) this.inc(s.labels, s.value);
      },
    });
  }

  /** Adds one to the series whose label values are `values`, in the order of the definition's labels. */
  inc(values: readonly string[]): void {
    const last = this.#labelNames.length - 1;
    if (values.length !== last + 1)
      throw new RangeError(`${this.#name}: ${values.length} label values; allowed: ${last + 1} (${this.#labelNames.join(', ')})`);
    let level = this.#root;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(values[i], next);
      }
      level = next;
    }
    const found = level.get(values[last]) as { value: number } | undefined;
    if (found !== undefined) {
      found.value++;
      return;
    }
    const labels: Partial<Record<L, string>> = {};
    this.#labelNames.forEach((name, i) => (labels[name] = values[i]));
    const entry = { labels, value: 1 };
    this.#series.push(entry);
    level.set(values[last], entry);
  }
}

/**
 * A histogram of the request path with one label, kept the same way (plain numbers per label value:
 * the count per bucket, the sum, the count) and published to its prom-client Histogram when the
 * registry is read. prom-client's own `observe` builds a label object, validates and hashes it, and
 * finds the bucket through an object keyed by the bound's decimal text on every call (~1.9 µs per
 * request in the gateway's CPU profile, stop 31); this costs one Map lookup and a scan of the
 * bounds. Publishing writes the bucket counts, sum and count into the series prom-client creates
 * with `zero` (its value objects, prom-client 15, pinned; a test compares the exposition with
 * direct `observe` calls). Values above the last bound count in `+Inf` only; a negative or
 * non-finite value is refused (no duration is; prom-client refuses non-finite ones too).
 */
export class RequestPathHistogram<L extends string> {
  readonly histogram: Histogram<L>;
  readonly #name: string;
  readonly #label: L;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, { labels: Partial<Record<L, string>>; buckets: number[]; sum: number; count: number }>();

  constructor(def: MetricDefinition, buckets: readonly number[], registry: Registry) {
    if (def.labels.length !== 1) throw new RangeError(`${def.name}: ${def.labels.length} labels; allowed: exactly one`);
    this.#name = def.name;
    this.#bounds = [...buckets];
    const label = def.labels[0] as L;
    this.#label = label;
    const series = this.#series;
    const bounds = this.#bounds;
    this.histogram = new Histogram<L>({
      ...opts<L>(def, registry),
      buckets: [...bounds],
      collect() {
        this.reset();
        for (const s of series.values()) this.zero(s.labels);
        // Series in insertion order: the ones just zeroed, in the same order as `series`.
        const published = Object.values((this as unknown as { hashMap: Record<string, PromHistogramValue> }).hashMap);
        let i = 0;
        for (const s of series.values()) {
          const target = published[i++];
          if (target === undefined || target.labels[label] !== s.labels[label])
            throw new Error(`${def.name}: prom-client's histogram series are not where expected (is prom-client still 15.x?)`);
          bounds.forEach((bound, b) => (target.bucketValues[bound] = s.buckets[b]));
          target.sum = s.sum;
          target.count = s.count;
        }
      },
    });
  }

  /** Adds one observation of `value` to the series whose label value is `labelValue`. */
  observe(labelValue: string, value: number): void {
    if (!(value >= 0) || value === Infinity) throw new TypeError(`${this.#name}: value ${value}; allowed: a finite number >= 0`);
    let s = this.#series.get(labelValue);
    if (s === undefined) {
      const labels: Partial<Record<L, string>> = {};
      labels[this.#label] = labelValue;
      s = { labels, buckets: new Array<number>(this.#bounds.length).fill(0), sum: 0, count: 0 };
      this.#series.set(labelValue, s);
    }
    const bounds = this.#bounds;
    for (let b = 0; b < bounds.length; b++) {
      if (value <= bounds[b]) {
        s.buckets[b]++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }
}

/** The value object prom-client 15 keeps per histogram series (what `RequestPathHistogram` publishes into). */
interface PromHistogramValue {
  labels: Record<string, string | number>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

const STATES: readonly RegionStatus[] = ['healthy', 'degraded', 'circuit-open', 'failed', 'recovering'];

function opts<T extends string>(def: MetricDefinition, registry: Registry) {
  return { name: def.name, help: def.help, labelNames: def.labels as unknown as T[], registers: [registry] };
}

export class GatewayMetrics {
  readonly registry = new Registry();
  /** `http_requests_total`: label values in the order region, status, country. */
  readonly requests: RequestPathCounter<'region' | 'status' | 'country'>;
  /** `http_request_duration_seconds`, by region. */
  readonly duration: RequestPathHistogram<'region'>;
  /** Label values in the order reason, region. */
  readonly decisions: RequestPathCounter<'reason' | 'region'>;
  readonly retries: Counter<'region' | 'cause'>;
  readonly refusals: Counter<'zone'>;
  /** Label values in the order region, status. */
  readonly upstreamRequests: RequestPathCounter<'region' | 'status'>;
  readonly healthChecks: Counter<'region' | 'outcome'>;
  readonly inflight: Gauge;
  readonly reloads: Counter<'trigger' | 'result'>;
  readonly tableLoaded: Gauge;
  readonly rejected: Counter<'status'>;

  constructor(source: RegionStateSource, options: { processMetrics?: boolean } = {}) {
    const r = this.registry;
    this.requests = new RequestPathCounter(HTTP_REQUESTS_TOTAL, r);
    this.duration = new RequestPathHistogram(HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUEST_DURATION_BUCKETS, r);
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
    this.decisions = new RequestPathCounter(GATEWAY_ROUTING_DECISIONS_TOTAL, r);
    this.retries = new Counter(opts(GATEWAY_UPSTREAM_RETRIES_TOTAL, r));
    this.refusals = new Counter(opts(GATEWAY_REFUSALS_TOTAL, r));
    this.upstreamRequests = new RequestPathCounter(GATEWAY_UPSTREAM_REQUESTS_TOTAL, r);
    this.healthChecks = new Counter(opts(GATEWAY_HEALTH_CHECKS_TOTAL, r));
    this.inflight = new Gauge({
      ...opts(GATEWAY_INFLIGHT_REQUESTS, r),
      collect() {
        if (source.inflight) this.set(source.inflight());
      },
    });
    this.reloads = new Counter(opts(GATEWAY_ROUTING_TABLE_RELOADS_TOTAL, r));
    this.tableLoaded = new Gauge(opts(GATEWAY_ROUTING_TABLE_LOADED_SECONDS, r));
    this.rejected = new Counter(opts(GATEWAY_REJECTED_REQUESTS_TOTAL, r));
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: r });
  }
}
