/**
 * The gateway's access-log line is the line pino writes for `logger.info(fields)` with the
 * gateway's options: the same JSON value, keys in the same order, one line.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { accessLogLine } from '../../gateway/private/access-log';
import { isoTimeCachedPerMs } from '../../gateway/private/iso-time';

/** What the gateway's own pino logger writes for `fields` (its options: no base, the cached ISO time). */
function pinoLine(fields: Record<string, unknown>): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  const logger = pino({ base: undefined, timestamp: isoTimeCachedPerMs }, sink);
  logger.info(fields);
  return out;
}

afterEach(() => jest.useRealTimers());

const CASES: Array<[string, Record<string, unknown>]> = [
  [
    'a proxied request',
    {
      method: 'GET',
      path: '/v1/chat',
      country: 'GB',
      zone: 'emea',
      reason: 'geo',
      shard: 'emea-01',
      attempts: 1,
      status: 200,
      region: 'eu-west-2',
      latencyMs: 6.56,
    },
  ],
  ['fields left undefined are left out', { method: 'POST', path: '/', country: undefined, status: 503, region: 'none', latencyMs: 0 }],
  ['quotes, backslashes and control characters', { method: 'GET', path: '/a"b\\c\n\t\u0001', upstreamError: 'x\r\ny' }],
  ['non-ASCII and astral characters', { path: '/café/日本/😀', reason: 'géo' }],
  ['a long string (pino escapes long strings another way)', { path: `/${'a"\\'.repeat(40)}` }],
  ['arrays of strings', { droppedResponseHeaders: ['x-a', 'x-"b"'] }],
  ['numbers: integers, fractions, zero, negative, not finite', { status: 0, latencyMs: 0.01, attempts: 2, a: -1, b: Infinity, c: NaN }],
  ['no fields', {}],
];

test.each(CASES)('%s: the same JSON as pino, keys in the same order', (_name, fields) => {
  jest.useFakeTimers({ now: new Date('2026-11-29T12:34:56.789Z') });
  const ours = accessLogLine(fields);
  const theirs = pinoLine(fields);
  expect(ours.endsWith('\n')).toBe(true);
  expect(ours.slice(0, -1)).not.toContain('\n'); // one line
  expect(JSON.parse(ours)).toEqual(JSON.parse(theirs));
  expect(Object.keys(JSON.parse(ours))).toEqual(Object.keys(JSON.parse(theirs)));
  expect(JSON.parse(ours)).toMatchObject({ level: 30, time: '2026-11-29T12:34:56.789Z' });
});

test('a lone surrogate is escaped, so the line stays valid UTF-8 JSON', () => {
  const line = accessLogLine({ path: '/\ud800x' });
  expect(line).toContain('\\ud800');
  expect(JSON.parse(line).path).toBe('/\ud800x');
});
