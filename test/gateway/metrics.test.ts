/**
 * GatewayMetrics: the request-path counters publish the same series as direct prom-client
 * increments, keep their values across scrapes, and the in-flight gauge reads the gateway.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { GatewayMetrics, RequestPathCounter, RequestPathHistogram } from '../../gateway/metrics';
import { HTTP_REQUEST_DURATION_BUCKETS, HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_TOTAL } from '../../runtime/metric-names';
import { sample } from '../helpers/gateway';

const noRegions = { regions: () => [] };

test('a request-path histogram exposes what direct observations would, scrape after scrape', async () => {
  const fastRegistry = new Registry();
  const directRegistry = new Registry();
  const fast = new RequestPathHistogram<'region'>(HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUEST_DURATION_BUCKETS, fastRegistry);
  const direct = new Histogram<'region'>({
    name: HTTP_REQUEST_DURATION_SECONDS.name,
    help: HTTP_REQUEST_DURATION_SECONDS.help,
    labelNames: ['region'],
    buckets: [...HTTP_REQUEST_DURATION_BUCKETS],
    registers: [directRegistry],
  });
  const last = HTTP_REQUEST_DURATION_BUCKETS[HTTP_REQUEST_DURATION_BUCKETS.length - 1];
  // On a bound, between bounds, zero, above the last bound (counted in +Inf only).
  const calls: Array<[string, number]> = [
    ['eu-west-1', 0],
    ['eu-west-1', HTTP_REQUEST_DURATION_BUCKETS[0]],
    ['eu-west-1', (HTTP_REQUEST_DURATION_BUCKETS[1] + HTTP_REQUEST_DURATION_BUCKETS[2]) / 2],
    ['us-east-1', last],
    ['us-east-1', last * 2],
    ['none', 0.0001],
  ];
  for (let scrape = 1; scrape <= 3; scrape++) {
    for (const [region, seconds] of calls.slice(0, scrape === 1 ? 3 : calls.length)) {
      fast.observe(region, seconds);
      direct.observe({ region }, seconds);
    }
    expect(await fastRegistry.metrics()).toBe(await directRegistry.metrics());
  }
  expect(await fastRegistry.metrics()).toContain(`${HTTP_REQUEST_DURATION_SECONDS.name}_count{region="eu-west-1"} 9`);
});

test.each([[-1], [NaN], [Infinity]])('a request-path histogram refuses %p', (value) => {
  const fast = new RequestPathHistogram<'region'>(HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUEST_DURATION_BUCKETS, new Registry());
  expect(() => fast.observe('eu-west-1', value)).toThrow(/allowed: a finite number >= 0/);
});

test('a request-path counter exposes what direct increments would, scrape after scrape', async () => {
  const fast = new RequestPathCounter<'region' | 'status' | 'country'>(HTTP_REQUESTS_TOTAL, new Registry());
  const direct = new Counter<'region' | 'status' | 'country'>({
    name: HTTP_REQUESTS_TOTAL.name,
    help: HTTP_REQUESTS_TOTAL.help,
    labelNames: ['region', 'status', 'country'],
    registers: [new Registry()],
  });
  const calls: Array<[string, string, string]> = [
    ['eu-west-1', '200', 'GB'],
    ['eu-west-1', '200', 'GB'],
    ['eu-west-1', '503', 'GB'],
    ['us-east-1', '200', 'US'],
    ['none', '503', 'unknown'],
  ];
  for (let scrape = 1; scrape <= 3; scrape++) {
    for (const [region, status, country] of calls) {
      fast.inc([region, status, country]);
      direct.inc({ region, status, country });
    }
    const a = (await fast.counter.get()).values.map((v) => [v.labels, v.value]);
    const b = (await direct.get()).values.map((v) => [v.labels, v.value]);
    expect(a).toEqual(expect.arrayContaining(b));
    expect(a).toHaveLength(b.length);
  }
  const values = (await fast.counter.get()).values;
  expect(values.find((v) => v.labels.region === 'eu-west-1' && v.labels.status === '200')?.value).toBe(6); // 2 per round, 3 rounds
});

test('label values that would join to the same text stay two series', async () => {
  const c = new RequestPathCounter<'reason' | 'region'>(
    { name: 't_total', help: 't', labels: ['reason', 'region'] } as never,
    new Registry(),
  );
  c.inc(['a\u0001b', 'c']);
  c.inc(['a', 'b\u0001c']);
  c.inc(['a', 'b\u0001c']);
  const values = (await c.counter.get()).values.map((v) => [v.labels.reason, v.labels.region, v.value]);
  expect(values).toEqual(
    expect.arrayContaining([
      ['a\u0001b', 'c', 1],
      ['a', 'b\u0001c', 2],
    ]),
  );
  expect(values).toHaveLength(2);
});

test('a wrong number of label values is refused with the metric and its labels named', () => {
  const c = new RequestPathCounter<'region' | 'status' | 'country'>(HTTP_REQUESTS_TOTAL, new Registry());
  expect(() => c.inc(['eu-west-1', '200'])).toThrow(/http_requests_total: 2 label values; allowed: 3 \(region, status, country\)/);
});

test('the in-flight gauge reads the source at scrape time', async () => {
  let inflight = 3;
  const m = new GatewayMetrics({ ...noRegions, inflight: () => inflight }, { processMetrics: false });
  expect(sample(await m.registry.metrics(), 'gateway_inflight_requests', {})).toBe(3);
  inflight = 0;
  expect(sample(await m.registry.metrics(), 'gateway_inflight_requests', {})).toBe(0);
});
