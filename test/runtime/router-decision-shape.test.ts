/**
 * The router's common-case path (a known country whose region is healthy, no explicit zone, no
 * preference) builds its decision without the general path's context objects. These properties
 * check that it answers exactly what the general path answers, field order included (decisions
 * are serialized as they are built: access logs, CLI output, gateway headers), and that every
 * routed decision keeps the field order the general path has always used.
 *
 * The general path is reached with a blank `x-preferred-region` (" "): rule 1 ignores it (a blank
 * preference is no preference, nothing recorded), but it keeps the request off the common path.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegionRouter, type RouteDecision } from '../../runtime/router';
import type { RoutingTable } from '../../runtime/routing-table';

const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
const regionIds = table.regions.map((r) => r.id);
const countries = [...Object.keys(table.countries), 'de', ' fr ', 'ZZ', 'XX'];

/** Every field a routed decision may have, in the order the general path adds them. */
const ROUTED_ORDER = [
  'kind',
  'region',
  'reason',
  'detail',
  'zone',
  'zoneSource',
  'ignoredPreference',
  'shedFrom',
  'shard',
  'replica',
  'client',
];

const setup = fc.record({
  down: fc.subarray(regionIds, { maxLength: 4 }),
  /** Per region: its traffic share, or undefined for no share function at all. */
  shares: fc.option(fc.array(fc.constantFrom(0, 10, 50, 100, 100, 100), { minLength: regionIds.length, maxLength: regionIds.length }), {
    nil: undefined,
  }),
  defaultZone: fc.option(fc.constantFrom('emea', 'na', 'apac'), { nil: undefined }),
});

const input = fc.record({
  country: fc.option(fc.constantFrom(...countries), { nil: undefined }),
  userId: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'alice', 'user-1-2654435761')), { nil: undefined }),
  residencyZone: fc.option(fc.constantFrom('emea', 'na', 'apac'), { freq: 5, nil: undefined }),
  exclude: fc.option(fc.subarray(regionIds, { maxLength: 2 }), { freq: 4, nil: undefined }),
});

function makeRouter(s: { down: string[]; shares: number[] | undefined; defaultZone: string | undefined }, country: string | undefined) {
  let draws = 0;
  return new RegionRouter(table, {
    geoLookup: () => country,
    health: (r) => !s.down.includes(r),
    shares: s.shares === undefined ? undefined : (r) => s.shares![regionIds.indexOf(r)],
    // Deterministic per router, so that the two paths see the same draws.
    random: () => (draws++ * 0.37) % 1,
    defaultZone: s.defaultZone,
  });
}

const keyOrderOk = (d: object, order: readonly string[]) => {
  const keys = Object.keys(d);
  const positions = keys.map((k) => order.indexOf(k));
  return positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]));
};

describe('route decision: common-case path vs general path', () => {
  it('decide() answers alike, field order included (property)', () => {
    fc.assert(
      fc.property(setup, input, (s, i) => {
        const fast = makeRouter(s, undefined).decide(i);
        const general = makeRouter(s, undefined).decide({ ...i, preferredRegion: ' ' });
        expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
        expect(fast).toStrictEqual(general);
        if (fast.kind === 'routed') expect(keyOrderOk(fast, ROUTED_ORDER)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('route() answers alike, with `client` the last field (property)', () => {
    fc.assert(
      fc.property(setup, input, (s, i) => {
        const request = { socketAddress: '81.2.69.142', userId: i.userId, residencyZone: i.residencyZone, exclude: i.exclude };
        const fast = makeRouter(s, i.country).route({ ...request, headers: {} });
        const general = makeRouter(s, i.country).route({ ...request, headers: { 'x-preferred-region': ' ' } });
        expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
        expect(fast).toStrictEqual(general);
        if (fast.kind === 'routed') expect(keyOrderOk(fast, ROUTED_ORDER)).toBe(true);
        expect(Object.keys(fast).at(-1)).toBe('client');
      }),
      { numRuns: 3000 },
    );
  });

  it('routed decisions keep the field order kind, region, reason, detail, zone, zoneSource, [ignoredPreference], [shedFrom], [shard, replica], [client]', () => {
    const r = makeRouter({ down: ['eu-central-1'], shares: undefined, defaultZone: undefined }, 'DE');
    const seen: RouteDecision[] = [
      r.decide({ country: 'FR', userId: 'alice' }),
      r.decide({ country: 'FR' }),
      r.decide({ country: 'DE', userId: 'alice' }),
      r.decide({ country: 'FR', userId: 'alice', preferredRegion: 'us-east-1' }),
      r.route({ socketAddress: '81.2.69.142', headers: {}, userId: 'alice' }),
      r.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': 'nowhere' } }),
    ];
    const shed = makeRouter(
      { down: [], shares: regionIds.map((id) => (id === table.countries.FR ? 0 : 100)), defaultZone: undefined },
      'FR',
    );
    seen.push(shed.decide({ country: 'FR', userId: 'alice' }), shed.route({ socketAddress: '81.2.69.142', headers: {}, userId: 'bob' }));
    for (const d of seen) {
      expect(d.kind).toBe('routed');
      expect(keyOrderOk(d, ROUTED_ORDER)).toBe(true);
    }
    expect(Object.keys(seen[0])).toEqual(['kind', 'region', 'reason', 'detail', 'zone', 'zoneSource', 'shard', 'replica']);
    expect(Object.keys(seen[1])).toEqual(['kind', 'region', 'reason', 'detail', 'zone', 'zoneSource']);
    expect(Object.keys(seen[4])).toEqual(['kind', 'region', 'reason', 'detail', 'zone', 'zoneSource', 'shard', 'replica', 'client']);
    expect(seen[6]).toMatchObject({ reason: 'shed', shedFrom: { reason: 'geo', trafficPercent: 0 } });
  });
});
