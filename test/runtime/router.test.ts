import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../runtime/clock';
import { FailoverController } from '../../runtime/failover';
import { RegionRouter, type RegionRouterOptions, type RouteDecision } from '../../runtime/router';
import { RoutingTableError, type RoutingTable } from '../../runtime/routing-table';

const fixture = (): RoutingTable => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));
const table = fixture();
const zoneOfRegion = new Map(table.regions.map((r) => [r.id, r.residencyZone]));
const down =
  (...regions: string[]) =>
  (r: string) =>
    !regions.includes(r);
const router = (options: RegionRouterOptions = {}) => new RegionRouter(table, { geoLookup: () => undefined, ...options });

describe('RegionRouter.decide', () => {
  it('honours a healthy preference inside the user zone', () => {
    expect(router().decide({ country: 'DE', preferredRegion: 'eu-west-2' })).toMatchObject({
      kind: 'routed',
      region: 'eu-west-2',
      reason: 'preference',
      zone: 'emea',
    });
  });

  it('ignores a preference outside the zones the data may be in', () => {
    const d = router().decide({ country: 'DE', preferredRegion: 'us-east-1' });
    expect(d).toMatchObject({
      kind: 'routed',
      region: 'eu-central-1',
      reason: 'geo',
      ignoredPreference: { region: 'us-east-1', why: 'residency' },
    });
  });

  it('honours a preference in a zone listed in allowedCopyTo', () => {
    const t = fixture();
    t.residencyZones.find((z) => z.id === 'emea')!.allowedCopyTo = ['emea', 'na'];
    const d = new RegionRouter(t, { geoLookup: () => undefined }).decide({ country: 'DE', preferredRegion: 'us-east-1' });
    expect(d).toMatchObject({ kind: 'routed', region: 'us-east-1', reason: 'preference', zone: 'emea' });
  });

  it('ignores unknown and unhealthy preferences, saying why', () => {
    expect(router().decide({ country: 'DE', preferredRegion: 'mars-north-1' })).toMatchObject({
      reason: 'geo',
      ignoredPreference: { why: 'unknown-region' },
    });
    expect(router({ health: down('eu-west-2') }).decide({ country: 'DE', preferredRegion: 'EU-WEST-2 ' })).toMatchObject({
      reason: 'geo',
      region: 'eu-central-1',
      ignoredPreference: { region: 'eu-west-2', why: 'unhealthy' },
    });
  });

  it('routes by geography when the country region is healthy', () => {
    const r = router();
    expect(r.decide({ country: 'GB' })).toMatchObject({ region: 'eu-west-2', reason: 'geo' });
    expect(r.decide({ country: 'ca' })).toMatchObject({ region: 'ca-central-1', reason: 'geo', zone: 'na' });
    expect(r.decide({ country: 'JP' })).toMatchObject({ region: 'ap-northeast-1', reason: 'geo', zone: 'apac' });
  });

  it('scores healthy regions of the zone by latency + loadFactor * loadWeight, skipping overloaded ones', () => {
    const r = router({
      health: down('eu-central-1'),
      latencies: { 'eu-west-1': 20, 'eu-west-2': 30 },
      loads: { 'eu-west-1': 0.5, 'eu-west-2': 0.1 },
    });
    // eu-west-1: 20 + 50 = 70; eu-west-2: 30 + 10 = 40
    expect(r.decide({ country: 'DE' })).toMatchObject({ region: 'eu-west-2', reason: 'score' });
    const overloaded = router({
      health: down('eu-central-1'),
      latencies: new Map([
        ['eu-west-1', 20],
        ['eu-west-2', 30],
      ]),
      loads: new Map([
        ['eu-west-1', 0.1],
        ['eu-west-2', 0.8],
      ]),
    });
    expect(overloaded.decide({ country: 'DE' })).toMatchObject({ region: 'eu-west-1', reason: 'score' });
  });

  it('reads health, loads and latencies at decision time', () => {
    const loads = new Map<string, number>();
    const health = new Set<string>(['eu-central-1']);
    const r = router({
      health: { isHealthy: (x) => !health.has(x) },
      loads: (x) => loads.get(x),
      latencies: { 'eu-west-1': 10, 'eu-west-2': 10 },
    });
    expect(r.decide({ country: 'DE' }).kind === 'routed' && r.decide({ country: 'DE' })).toMatchObject({
      region: 'eu-west-1',
      reason: 'score',
    });
    loads.set('eu-west-1', 0.9);
    expect(r.decide({ country: 'DE' })).toMatchObject({ region: 'eu-west-2', reason: 'score' });
    health.clear();
    expect(r.decide({ country: 'DE' })).toMatchObject({ region: 'eu-central-1', reason: 'geo' });
  });

  it('never picks the overloaded region when it is the only one with a figure (before: the weights picked it for ~55 % of users)', () => {
    const r = router({ health: down('eu-central-1'), loads: { 'eu-west-1': 0.9 } });
    for (const userId of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', undefined]) {
      const d = r.decide({ country: 'DE', userId });
      expect(d).toMatchObject({ region: 'eu-west-2', reason: 'score' });
      expect(d.kind === 'routed' && d.detail).toMatch(/best score eu-west-2/);
    }
  });

  it('falls back to the zone order when every healthy region is overloaded', () => {
    const r = router({ health: down('eu-central-1'), loads: { 'eu-west-1': 0.95, 'eu-west-2': 0.8 } });
    expect(r.decide({ country: 'DE' })).toMatchObject({ region: 'eu-west-1', reason: 'fallback' });
    const r2 = router({ health: down('eu-central-1', 'eu-west-1'), loads: { 'eu-west-2': 2 } });
    expect(r2.decide({ country: 'DE' })).toMatchObject({ region: 'eu-west-2', reason: 'fallback' });
  });

  it('refuses rather than leave the zone', () => {
    const d = router({ health: down('eu-west-1', 'eu-central-1', 'eu-west-2') }).decide({
      country: 'DE',
      preferredRegion: 'us-east-1',
      userId: 'u1',
    });
    expect(d).toMatchObject({
      kind: 'refused',
      reason: 'refused',
      code: 'no-healthy-region',
      zone: 'emea',
      ignoredPreference: { why: 'residency' },
    });
  });

  it('refuses users with personal data when the zone is unknown, routes anonymous traffic anywhere', () => {
    expect(router().decide({ country: 'ZZ', userId: 'u1' })).toMatchObject({ kind: 'refused', code: 'residency-unknown' });
    expect(router().decide({ userId: 'u1' })).toMatchObject({ kind: 'refused', code: 'residency-unknown' });
    const anon = router({ latencies: { 'ap-south-1': 5 } }).decide({ country: 'ZZ' });
    expect(anon).toMatchObject({ kind: 'routed', region: 'ap-south-1', reason: 'score', zone: null, zoneSource: 'unknown' });
    expect(router().decide({ preferredRegion: 'us-west-2' })).toMatchObject({ region: 'us-west-2', reason: 'preference', zone: null });
    // equal scores: the design's default region first, then the other primaries
    expect(router().decide({})).toMatchObject({ region: 'us-east-1', reason: 'score', zone: null });
    expect(router({ health: down('us-east-1') }).decide({})).toMatchObject({ region: 'ap-east-1' });
    expect(router({ defaultRegion: 'eu-west-2' }).decide({})).toMatchObject({ region: 'eu-west-2' });
    expect(router({ loads: Object.fromEntries(table.regions.map((x) => [x.id, 0.9])) }).decide({})).toMatchObject({
      region: 'us-east-1',
      reason: 'fallback',
    });
    const defaulted = new RegionRouter(table, { defaultZone: 'na', geoLookup: () => undefined }).decide({ country: 'ZZ', userId: 'u1' });
    expect(defaulted).toMatchObject({ kind: 'routed', zone: 'na', zoneSource: 'default', shard: { residencyZone: 'na' } });
  });

  it('lets an explicit residency zone override the country, and refuses unknown zones', () => {
    const d = router().decide({ country: 'DE', residencyZone: 'na', userId: 'u1' });
    expect(d).toMatchObject({ kind: 'routed', zone: 'na', zoneSource: 'explicit', reason: 'score', shard: { residencyZone: 'na' } });
    expect(zoneOfRegion.get((d as { region: string }).region)).toBe('na');
    expect(router().decide({ residencyZone: 'mars' })).toMatchObject({ kind: 'refused', code: 'unknown-zone' });
  });

  it('adds the shard in the user zone and the replica for the routed region', () => {
    const d = router({ health: down('eu-west-2') }).decide({ country: 'GB', userId: 'alice' });
    expect(d).toMatchObject({ kind: 'routed', shard: { id: 'emea-01', residencyZone: 'emea', primaryRegion: 'eu-west-1' } });
    if (d.kind !== 'routed') return;
    expect(d.replica?.region).not.toBe('eu-west-2');
    const local = router().decide({ country: 'DE', userId: 'alice' });
    expect(local).toMatchObject({ region: 'eu-central-1', replica: { region: 'eu-central-1', reason: 'local-replica' } });
    expect(router().decide({ country: 'DE' })).not.toHaveProperty('shard');
  });

  it('builds the shard ring from what the table holds now, not from the array it was first given', () => {
    const t = fixture();
    const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const before = new RegionRouter(t, { geoLookup: () => undefined });
    expect(users.some((userId) => (before.decide({ country: 'DE', userId }) as { shard?: { id: string } }).shard?.id === 'emea-01')).toBe(
      true,
    );
    // Edit the same array in place: emea-01 leaves the zone.
    const i = t.shards.findIndex((x) => x.id === 'emea-01');
    t.shards.splice(i, 1);
    const after = new RegionRouter(t, { geoLookup: () => undefined });
    for (const userId of users)
      expect((after.decide({ country: 'DE', userId }) as { shard?: { id: string } }).shard?.id).not.toBe('emea-01');
  });

  it('rejects an invalid table or options', () => {
    const t = fixture();
    t.countries.FR = 'nowhere-1';
    expect(() => new RegionRouter(t)).toThrow(RoutingTableError);
    expect(() => new RegionRouter(table, { defaultZone: 'mars' })).toThrow(
      /defaultZone: unknown residency zone "mars"; allowed: apac, emea, na/,
    );
    expect(() => new RegionRouter(table, { defaultRegion: 'mars-1' })).toThrow(
      /defaultRegion: unknown region "mars-1"; allowed: ap-east-1, /,
    );
    expect(() => new RegionRouter(table, { trustedProxies: ['10.0.0.0/99'] })).toThrow(/trustedProxies\[0\]/);
  });

  it('never routes outside the zones the user data may be in, for any health/load/latency/share state (property)', () => {
    const regionIds = table.regions.map((r) => r.id);
    const countries = [...Object.keys(table.countries), 'ZZ'];
    // The fixture (every zone keeps its data) and a variant where emea may copy to na.
    const crossZone = fixture();
    crossZone.residencyZones.find((z) => z.id === 'emea')!.allowedCopyTo = ['emea', 'na'];
    const tables = [table, crossZone];
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.dictionary(fc.constantFrom(...regionIds), fc.boolean()),
        fc.dictionary(fc.constantFrom(...regionIds), fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constant(Number.NaN))),
        fc.dictionary(fc.constantFrom(...regionIds), fc.double({ min: 0, max: 500, noNaN: true })),
        fc.constantFrom(...countries),
        fc.option(fc.constantFrom(...regionIds, 'mars-1'), { nil: undefined }),
        fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
        fc.dictionary(fc.constantFrom(...regionIds), fc.oneof(fc.double({ min: -10, max: 150 }), fc.constant(Number.NaN))),
        (which, healthy, loads, latencies, country, preferredRegion, userId, shares) => {
          const t = tables[which];
          const allowed = new Map(t.residencyZones.map((z) => [z.id, new Set(z.allowedCopyTo)]));
          const r = new RegionRouter(t, {
            geoLookup: () => undefined,
            health: (x) => healthy[x] ?? true,
            shares: (x) => shares[x] ?? 100,
            loads,
            latencies,
          });
          const d = r.decide({ country, preferredRegion, userId });
          const userZone = t.countries[country] === undefined ? undefined : zoneOfRegion.get(t.countries[country]);
          if (d.kind === 'refused') {
            if (userZone !== undefined) {
              // refused only when every region of the zone is down
              const zoneRegions = regionIds.filter((x) => zoneOfRegion.get(x) === userZone);
              expect(zoneRegions.every((x) => healthy[x] === false)).toBe(true);
            }
            return;
          }
          expect(healthy[d.region] ?? true).toBe(true);
          if (userZone === undefined) {
            expect(userId).toBeUndefined();
            return;
          }
          const regionZone = zoneOfRegion.get(d.region)!;
          expect(allowed.get(userZone)!.has(regionZone)).toBe(true);
          if (d.reason !== 'preference') expect(regionZone).toBe(userZone);
          if (userId !== undefined) {
            expect(d.shard?.residencyZone).toBe(userZone);
            expect(zoneOfRegion.get(d.replica!.region)).toBe(userZone);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('RegionRouter traffic shares (rule 5)', () => {
  const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const emea = ['eu-west-1', 'eu-central-1', 'eu-west-2'];
  const capacity = new Map(table.regions.map((r) => [r.id, r.capacity]));

  /** Fraction of the users of `country` routed to each region. */
  function split(r: RegionRouter, country: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const userId of USERS) {
      const d = r.decide({ country, userId });
      if (d.kind !== 'routed') throw new Error(`refused: ${d.detail}`);
      counts.set(d.region, (counts.get(d.region) ?? 0) + 1);
    }
    return new Map([...counts].map(([k, v]) => [k, v / USERS.length]));
  }

  /** What rule 5 promises: the region keeps `percent` of its users, peers share the rest by capacity x share. */
  function expectSplit(got: Map<string, number>, region: string, percent: number, shares: Record<string, number>) {
    const kept = percent / 100;
    const peers = emea.filter((x) => x !== region);
    const peerWeight = (x: string) => capacity.get(x)! * ((shares[x] ?? 100) / 100);
    const total = peers.reduce((s, x) => s + peerWeight(x), 0);
    // 10,000 users: the binomial standard deviation is at most 0.5 %; 2 points is four of them.
    expect(Math.abs((got.get(region) ?? 0) - kept)).toBeLessThan(0.02);
    for (const x of peers) expect(Math.abs((got.get(x) ?? 0) - ((1 - kept) * peerWeight(x)) / total)).toBeLessThan(0.02);
    for (const x of got.keys()) expect(emea).toContain(x);
  }

  it('splits 10,000 users by the share at every step of a gradual recovery, users only ever moving back', () => {
    const clock = new ManualClock();
    const ctl = new FailoverController(table, { clock });
    const r = new RegionRouter(table, { geoLookup: () => undefined, health: ctl });
    let seq = 0;
    const probe = (outcome: 'failure' | 'success', times: number) => {
      for (let i = 0; i < times; i++)
        ctl.apply({ kind: 'probe', region: 'eu-central-1', seq: ++seq, outcome, latencyMs: 20, attempts: 1, at: clock.now() });
    };
    expectSplit(split(r, 'DE'), 'eu-central-1', 100, {});
    probe('failure', table.failover.failureThresholds.serviceUnavailable);
    expect(ctl.trafficPercent('eu-central-1')).toBe(0);
    // Failed: not a candidate at all; rule 3 places its users inside the zone. With no latency or
    // load figures (as in the gateway) it spreads them by the peers' capacity x share, as the
    // controller's weights plan, instead of sending them all to one peer.
    const failed = split(r, 'DE');
    expect(failed.get('eu-central-1')).toBeUndefined();
    expectSplit(failed, 'eu-central-1', 0, {});
    const weights = ctl.weights();
    for (const x of ['eu-west-1', 'eu-west-2']) expect(Math.abs((failed.get(x) ?? 0) - weights[x] / 100)).toBeLessThan(0.02);
    probe('success', table.failover.recoveryThresholds.consecutiveSuccess);
    let before = new Set<string>();
    for (const step of table.failover.recovery.stepsPercent) {
      expect(ctl.trafficPercent('eu-central-1')).toBe(step);
      expectSplit(split(r, 'DE'), 'eu-central-1', step, {});
      const now = new Set(USERS.filter((u) => (r.decide({ country: 'DE', userId: u }) as { region: string }).region === 'eu-central-1'));
      for (const u of before) expect(now.has(u)).toBe(true);
      before = now;
      clock.advance(table.failover.recovery.stepIntervalMs);
    }
    expect(ctl.snapshot('eu-central-1').status).toBe('healthy');
    ctl.dispose();
  });

  it('sends what a degraded region sheds to its zone peers by their own shares, and says so', () => {
    const shares: Record<string, number> = { 'eu-central-1': 50, 'eu-west-2': 25 };
    const r = router({ shares: (x) => shares[x] ?? 100 });
    expectSplit(split(r, 'DE'), 'eu-central-1', 50, shares);
    const shed = USERS.map((userId) => r.decide({ country: 'DE', userId })).find((d) => d.reason === 'shed') as RouteDecision;
    expect(shed).toMatchObject({
      kind: 'routed',
      zone: 'emea',
      shedFrom: { region: 'eu-central-1', reason: 'geo', trafficPercent: 50 },
      shard: { residencyZone: 'emea' },
    });
    // Deterministic per user: the same decision every time.
    for (const userId of USERS.slice(0, 200)) expect(r.decide({ country: 'DE', userId })).toEqual(r.decide({ country: 'DE', userId }));
  });

  it('applies shares to a preference too, and keeps the region when no zone peer takes traffic', () => {
    const shares: Record<string, number> = { 'eu-west-2': 10 };
    const r = router({ shares: (x) => shares[x] ?? 100 });
    const prefer = split(
      new RegionRouter(table, { geoLookup: () => undefined, shares: (x) => shares[x] ?? 100 }),
      'GB', // served by eu-west-2
    );
    expect(Math.abs((prefer.get('eu-west-2') ?? 0) - 0.1)).toBeLessThan(0.02);
    const d = USERS.map((userId) => r.decide({ country: 'DE', preferredRegion: 'eu-west-2', userId })).find((x) => x.reason === 'shed');
    expect(d).toMatchObject({ shedFrom: { region: 'eu-west-2', reason: 'preference', trafficPercent: 10 } });
    // Every peer down: residency leaves nowhere else, the region keeps all its users.
    const alone = router({ health: down('eu-west-1', 'eu-central-1'), shares: (x) => shares[x] ?? 100 });
    expect(split(alone, 'GB').get('eu-west-2')).toBe(1);
    // Anonymous traffic uses the injected random source.
    const anon = router({ shares: (x) => shares[x] ?? 100, random: () => 0.05 });
    expect(anon.decide({ country: 'GB' })).toMatchObject({ region: 'eu-west-2', reason: 'geo' });
    const anonShed = router({ shares: (x) => shares[x] ?? 100, random: () => 0.5 });
    expect(anonShed.decide({ country: 'GB' })).toMatchObject({ reason: 'shed', zone: 'emea' });
  });

  it("scores by the figures when there are any: the failed region's users go to the best-scoring peer", () => {
    const r = router({ health: down('eu-central-1'), latencies: { 'eu-west-1': 30, 'eu-west-2': 10 } });
    const got = split(r, 'DE');
    expect(got.get('eu-west-2')).toBe(1);
    expect(r.decide({ country: 'DE', userId: 'u' }).detail).toMatch(/best score eu-west-2 = 10 ms/);
    const none = router({ health: down('eu-central-1') });
    expect(none.decide({ country: 'DE', userId: 'u' }).detail).toMatch(
      /^country region eu-central-1 is unhealthy; no latency or load figures to score: eu-west-[12] by the zone's weights/,
    );
  });

  it('treats NaN and negative shares as 0 and shares above 100 as 100', () => {
    const nan = router({ shares: (x) => (x === 'eu-central-1' ? Number.NaN : 100) });
    expect(split(nan, 'DE').get('eu-central-1') ?? 0).toBe(0);
    const neg = router({ shares: (x) => (x === 'eu-central-1' ? -5 : 100) });
    expect(split(neg, 'DE').get('eu-central-1') ?? 0).toBe(0);
    const big = router({ shares: () => 250 });
    expect(split(big, 'DE').get('eu-central-1')).toBe(1);
  });
});

describe('RegionRouter.route', () => {
  const geo: Record<string, string> = { '81.2.69.142': 'GB', '8.8.8.8': 'US' };
  const r = new RegionRouter(table, { trustedProxies: ['10.0.0.0/8'], geoLookup: (ip) => geo[ip] });

  it('locates the client through trusted proxies only', () => {
    const viaProxy = r.route({ socketAddress: '10.0.0.2', headers: { 'x-forwarded-for': '8.8.8.8, 81.2.69.142' } });
    expect(viaProxy).toMatchObject({
      region: 'eu-west-2',
      reason: 'geo',
      client: { address: '81.2.69.142', source: 'x-forwarded-for', country: 'GB' },
    });
    const spoofed = r.route({ socketAddress: '8.8.8.8', headers: { 'x-forwarded-for': '81.2.69.142' } });
    expect(spoofed).toMatchObject({ region: 'us-east-1', client: { address: '8.8.8.8', source: 'socket', country: 'US' } });
  });

  it('reads x-preferred-region and the user id', () => {
    const d = r.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': 'eu-west-1' }, userId: 'alice' });
    expect(d).toMatchObject({ region: 'eu-west-1', reason: 'preference', shard: { id: 'emea-01' } });
  });

  it('handles a missing socket address as an unknown client', () => {
    expect(r.route({})).toMatchObject({ kind: 'routed', zone: null, client: { address: null, country: null } });
  });
});

describe('a region without compute (storage only) runs no gateway and takes no API traffic', () => {
  // eu-west-2 holds data only; its countries are served by eu-west-1.
  const storageOnly = (): RoutingTable => {
    const t = fixture();
    t.regions.find((r) => r.id === 'eu-west-2')!.services = ['storage'];
    for (const [country, region] of Object.entries(t.countries)) if (region === 'eu-west-2') t.countries[country] = 'eu-west-1';
    return t;
  };

  it('is never chosen: not as a fallback, not by share, not by preference', () => {
    const r = new RegionRouter(storageOnly(), { geoLookup: () => undefined, health: down('eu-west-1', 'eu-central-1') });
    // The zone's two compute regions are down: a refusal, never the storage-only region.
    expect(r.decide({ country: 'GB' })).toMatchObject({ kind: 'refused', zone: 'emea' });
    const healthy = new RegionRouter(storageOnly(), { geoLookup: () => undefined });
    const d = healthy.decide({ country: 'DE', preferredRegion: 'eu-west-2' });
    expect(d).toMatchObject({ kind: 'routed', region: 'eu-central-1', ignoredPreference: { region: 'eu-west-2', why: 'no-gateway' } });
    expect(d.kind === 'routed' && d.ignoredPreference?.detail).toMatch(/eu-west-2 runs no gateway \(no "compute" in its services\)/);
    for (let i = 0; i < 2000; i++) {
      const anonymous = healthy.decide({ country: 'ZZ', userId: `u${i}` });
      expect(anonymous.kind === 'routed' && anonymous.region).not.toBe('eu-west-2');
    }
  });

  it('a table that maps a country to it is refused, naming the country', () => {
    const t = storageOnly();
    t.countries.GB = 'eu-west-2';
    expect(() => new RegionRouter(t)).toThrow(RoutingTableError);
    expect(() => new RegionRouter(t)).toThrow(
      /countries\.GB: "eu-west-2" is a region without "compute" in its services \(storage\): it runs no gateway and serves no users/,
    );
  });
});
