import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_PREFERRED_REGION_CHARS, RegionRouter } from '../../runtime/router';
import type { RoutingTable } from '../../runtime/routing-table';

const table: RoutingTable = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));
const router = new RegionRouter(table, { geoLookup: () => 'DE' });

describe('RegionRouter: hostile x-preferred-region values', () => {
  it('does not echo a 100 KB header back: the region and detail are cut', () => {
    const huge = 'x'.repeat(100_000);
    const result = router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': huge } });
    expect(result).toMatchObject({ kind: 'routed', region: 'eu-central-1', reason: 'geo' });
    const ignored = result.ignoredPreference!;
    expect(ignored.why).toBe('unknown-region');
    expect(ignored.region).toBe(`${'x'.repeat(32)}…`);
    expect(ignored.detail).toContain('(100000 characters) is not a region of the routing table');
    expect(ignored.detail.length).toBeLessThan(120);
    expect(JSON.stringify(result).length).toBeLessThan(1_000);
  });

  it(`echoes an unknown name of up to ${MAX_PREFERRED_REGION_CHARS} characters whole, and honours a known one in any case`, () => {
    const name = 'mars-'.padEnd(MAX_PREFERRED_REGION_CHARS, 'q');
    expect(router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': name } }).ignoredPreference).toMatchObject({
      region: name,
      why: 'unknown-region',
    });
    expect(router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': ' EU-West-2 ' } })).toMatchObject({
      region: 'eu-west-2',
      reason: 'preference',
    });
  });
});

describe('RegionRouter: arguments of the wrong type (JavaScript callers)', () => {
  // `as never`: what a caller without a type checker can pass.
  const trusted = new RegionRouter(table, { trustedProxies: ['10.0.0.0/8'] });

  it.each([
    ['trustedProxies', '10.0.0.0/8', 'RegionRouter trustedProxies: "10.0.0.0/8"; allowed: a list of IP addresses or CIDRs'],
    ['health', 'x', 'RegionRouter health: "x"; allowed: a function (region) => boolean or an object with isHealthy(region)'],
    ['shares', 5, 'RegionRouter shares: 5; allowed: a function (region) => percent or an object with trafficPercent(region)'],
    ['loads', 'x', 'RegionRouter loads: "x"; allowed: a function (region) => number, a Map or an object'],
    ['latencies', 7, 'RegionRouter latencies: 7; allowed:'],
    ['random', 'x', 'RegionRouter random: "x"; allowed: a function'],
    ['geoLookup', {}, 'RegionRouter geoLookup: {}; allowed: a function'],
    ['defaultZone', 5, 'RegionRouter defaultZone: 5; allowed: a string'],
  ])('refuses option %s = %p at construction, naming it and its value', (key, value, message) => {
    expect(() => new RegionRouter(table, { [key]: value } as never)).toThrow(TypeError);
    expect(() => new RegionRouter(table, { [key]: value } as never)).toThrow(message);
  });

  it('takes the option forms it documents', () => {
    expect(() => new RegionRouter(table, { health: { isHealthy: () => true }, shares: { trafficPercent: () => 100 } })).not.toThrow();
    expect(() => new RegionRouter(table, { loads: new Map(), latencies: { 'eu-west-1': 5 }, trustedProxies: [] })).not.toThrow();
  });

  it.each([
    ['route(undefined)', () => trusted.route(undefined as never), 'RegionRouter.route: request: undefined; allowed: an object'],
    ['headers "x"', () => trusted.route({ headers: 'x' as never }), 'RegionRouter.route: headers: "x"; allowed: an object'],
    [
      'socketAddress 123',
      () => trusted.route({ socketAddress: 123 as never }),
      'RegionRouter.route: socketAddress: 123; allowed: a string',
    ],
    [
      'a numeric x-forwarded-for from a trusted proxy',
      () => trusted.route({ socketAddress: '10.0.0.1', headers: { 'x-forwarded-for': 123 as never } }),
      'RegionRouter.route: headers["x-forwarded-for"]: 123; allowed: a string or a list of strings',
    ],
    [
      'an x-forwarded-for list of numbers',
      () => trusted.route({ socketAddress: '10.0.0.1', headers: { 'x-forwarded-for': [1, 2] as never } }),
      'headers["x-forwarded-for"]: [1,2]; allowed',
    ],
    [
      'x-preferred-region [5]',
      () => trusted.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': [5] as never } }),
      'RegionRouter.route: headers["x-preferred-region"]: [5]; allowed: a string or a list of strings',
    ],
    ['userId 42', () => trusted.route({ socketAddress: '81.2.69.142', userId: 42 as never }), 'RegionRouter.route: userId: 42; allowed:'],
    [
      'exclude "eu-west-2" (a string, once matched as a substring)',
      () => trusted.route({ socketAddress: '81.2.69.142', exclude: 'eu-west-2' as never }),
      'RegionRouter.route: exclude: "eu-west-2"; allowed: a list of region id strings',
    ],
    ['decide(undefined)', () => trusted.decide(undefined as never), 'RegionRouter.decide: input: undefined; allowed: an object'],
    ['decide country 5', () => trusted.decide({ country: 5 as never }), 'RegionRouter.decide: country: 5; allowed: a string or undefined'],
    [
      'decide preferredRegion 5',
      () => trusted.decide({ country: 'ZZ', preferredRegion: 5 as never }),
      'RegionRouter.decide: preferredRegion: 5; allowed: a string',
    ],
    ['decide userId {}', () => trusted.decide({ country: 'DE', userId: {} as never }), 'RegionRouter.decide: userId: {}; allowed:'],
  ])('%s: a TypeError naming the field and its value', (_name, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it('still takes a list of header values (the first x-preferred-region counts) and a list of forwarded-for strings', () => {
    expect(trusted.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': ['eu-west-1', 'us-east-1'] } })).toMatchObject({
      region: 'eu-west-1',
      reason: 'preference',
    });
    expect(trusted.route({ socketAddress: '10.0.0.1', headers: { 'x-forwarded-for': ['81.2.69.142'] } }).client.address).toBe(
      '81.2.69.142',
    );
    expect(trusted.route({ socketAddress: '81.2.69.142', headers: null as never, exclude: ['eu-west-2'] }).kind).toBe('routed');
  });
});
