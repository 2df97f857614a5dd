/**
 * GatewayMetrics: the request-path counters publish the same series as direct prom-client
 * increments, keep their values across scrapes, and the in-flight gauge reads the gateway.
 */
import { Counter, Registry } from 'prom-client';
import { GatewayMetrics, RequestPathCounter } from '../../gateway/metrics';
import { HTTP_REQUESTS_TOTAL } from '../../runtime/metric-names';
import { sample } from '../helpers/gateway';

const noRegions = { regions: () => [] };

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
