/** The access log's cached timestamp is pino's ISO-8601 `time` field for every millisecond. */
import { isoTimeCachedPerMs } from '../../gateway/private/iso-time';

afterEach(() => jest.useRealTimers());

test.each([
  ['2026-11-27T04:06:12.000Z'],
  ['2026-11-27T04:06:12.007Z'],
  ['2026-11-27T04:06:12.042Z'],
  ['2026-11-27T04:06:12.999Z'],
  ['2026-11-27T04:06:13.000Z'],
  ['2026-12-31T23:59:59.999Z'],
  ['2027-01-01T00:00:00.001Z'],
  ['1999-03-01T00:00:00.100Z'],
])('%s', (iso) => {
  jest.useFakeTimers({ now: new Date(iso) });
  expect(isoTimeCachedPerMs()).toBe(`,"time":"${iso}"`);
  expect(JSON.parse(`{${isoTimeCachedPerMs().slice(1)}}`)).toEqual({ time: iso });
});

test('every millisecond of two seconds, in order', () => {
  const start = Date.parse('2026-11-27T04:06:11.500Z');
  jest.useFakeTimers({ now: start });
  for (let ms = 0; ms < 2000; ms++) {
    jest.setSystemTime(start + ms);
    expect(isoTimeCachedPerMs()).toBe(`,"time":"${new Date(start + ms).toISOString()}"`);
  }
});
