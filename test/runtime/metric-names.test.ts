import * as runtime from '../../runtime';
import { GATEWAY_METRICS, HTTP_REQUEST_DURATION_BUCKETS, METRIC_LABELS } from '../../runtime/metric-names';

describe('gateway metric names', () => {
  it('are exported by the runtime entry', () => {
    expect(runtime.GATEWAY_METRICS).toBe(GATEWAY_METRICS);
    expect(runtime.HTTP_REQUESTS_TOTAL.name).toBe('http_requests_total');
  });

  it('are unique, valid Prometheus names, with labels from METRIC_LABELS and valid label names', () => {
    const names = GATEWAY_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    const labelNames = new Set<string>(Object.values(METRIC_LABELS));
    for (const m of GATEWAY_METRICS) {
      expect(m.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      expect(m.help.length).toBeGreaterThan(10);
      for (const l of m.labels) {
        expect(labelNames.has(l)).toBe(true);
        expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
        expect(l.startsWith('__')).toBe(false);
        expect(l).not.toBe('le'); // reserved for histogram buckets
      }
    }
  });

  it('carry the labels the issue names for requests and latency', () => {
    expect(runtime.HTTP_REQUESTS_TOTAL.labels).toEqual(['region', 'status', 'country']);
    expect(runtime.HTTP_REQUEST_DURATION_SECONDS).toMatchObject({ type: 'histogram', labels: ['region'] });
  });

  it('have strictly increasing duration buckets with one at the 0.5 s HighLatency threshold', () => {
    for (let i = 1; i < HTTP_REQUEST_DURATION_BUCKETS.length; i++) {
      expect(HTTP_REQUEST_DURATION_BUCKETS[i]).toBeGreaterThan(HTTP_REQUEST_DURATION_BUCKETS[i - 1]);
    }
    expect(HTTP_REQUEST_DURATION_BUCKETS).toContain(0.5);
  });
});
