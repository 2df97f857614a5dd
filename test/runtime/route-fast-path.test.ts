/**
 * The per-request fast paths of a route decision answer exactly what the general code answers:
 * - the geo radix index vs the geoip-country package (random addresses of both families and the
 *   ends of the database's own ranges);
 * - the replica choices the router builds once per shard and region vs `chooseReplica`;
 * - `route()`'s client address (resolved without a result object) vs `ClientAddressResolver.resolve`.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ClientAddressResolver, normalizeAddress } from '../../runtime/client-address';
import { countryForIp, lookupCountry, packageLookup } from '../../runtime/geo';
import { chooseReplica } from '../../runtime/replica';
import { RegionRouter, type RoutedDecision } from '../../runtime/router';
import type { RoutingTable } from '../../runtime/routing-table';

const dataFile = (name: string) => readFileSync(join(dirname(require.resolve('geoip-country/package.json')), 'data', name));
const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const group = (n: number) => (n & 0xffff).toString(16);
/** IPv6 text from the upper 64 bits (two u32 words) and four more groups. */
const ipv6 = (hi: number, lo: number, rest: readonly number[]) => [hi >>> 16, hi, lo >>> 16, lo, ...rest].map(group).join(':');
const ours = (ip: string) => {
  const result = lookupCountry(ip);
  return [result.ok ? result.country : undefined, countryForIp(ip)];
};

describe('geo radix index answers like the geoip-country package', () => {
  it('on random IPv4 addresses (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const theirs = packageLookup(n);
        expect([ipv4(n), ...ours(ipv4(n))]).toEqual([ipv4(n), theirs, theirs]);
      }),
      { numRuns: 20_000 },
    );
  });

  it("on the first and last address of the database's IPv4 ranges and their neighbours", () => {
    const buf = dataFile('geoip-country.dat');
    const records = buf.length / 10;
    const mismatches: string[] = [];
    for (let k = 0; k < records; k += 7) {
      const start = buf.readUInt32BE(k * 10);
      const end = buf.readUInt32BE(k * 10 + 4);
      for (const n of [start - 1, start, end, end + 1]) {
        if (n < 0 || n > 0xffffffff) continue;
        const theirs = packageLookup(n);
        const [a, b] = ours(ipv4(n));
        if (a !== theirs || b !== theirs) mismatches.push(`${ipv4(n)}: ours ${a}/${b}, package ${theirs}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('on random IPv6 addresses inside and around the database ranges and anywhere in 2000::/3 (property)', () => {
    const buf = dataFile('geoip-country6.dat');
    const records = buf.length / 18;
    const word = fc.integer({ min: 0, max: 0xffffffff });
    const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 });
    // Near a record: its start or end upper 64 bits, moved by a small delta (crosses the boundary).
    const nearRecord = fc
      .tuple(fc.integer({ min: 0, max: records - 1 }), fc.boolean(), fc.integer({ min: -3, max: 3 }), groups)
      .map(([k, atEnd, delta, rest]) => {
        const o = k * 18 + (atEnd ? 8 : 0);
        const hi = buf.readUInt32BE(o);
        const lo = buf.readUInt32BE(o + 4) + delta;
        if (lo < 0) return ipv6(hi - 1 < 0 ? 0 : hi - 1, 0xffffffff, rest);
        if (lo > 0xffffffff) return ipv6(hi + 1 > 0xffffffff ? hi : hi + 1, 0, rest);
        return ipv6(hi, lo, rest);
      });
    const anywhere = fc.tuple(word, word, groups).map(([hi, lo, rest]) => ipv6(0x20000000 | (hi & 0x1fffffff), lo, rest));
    fc.assert(
      fc.property(fc.oneof(nearRecord, anywhere), (ip) => {
        const theirs = packageLookup(ip);
        expect([ip, ...ours(ip)]).toEqual([ip, theirs, theirs]);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('client address fast paths', () => {
  it('lower-cases IPv6 text only where it has upper-case letters', () => {
    expect(normalizeAddress('2001:DB8::Ab')).toBe('2001:db8::ab');
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    const plain = '2001:db8::ab';
    expect(normalizeAddress(plain)).toBe(plain);
    expect(normalizeAddress('::')).toBe('::');
    expect(new ClientAddressResolver(['10.0.0.0/8']).resolve('10.0.0.1', { 'x-forwarded-for': '2A00:1450::1, 10.0.0.2' })).toEqual({
      address: '2a00:1450::1',
      source: 'x-forwarded-for',
    });
  });

  it("route()'s client is what ClientAddressResolver.resolve returns (property)", () => {
    const trusted = ['10.0.0.0/8', 'fd00::/8', '::ffff:192.0.2.0/120'];
    const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
    const router = new RegionRouter(table, { trustedProxies: trusted });
    const resolver = new ClientAddressResolver(trusted);
    const hop = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.constantFrom(
        '10.1.2.3',
        'fd00::7',
        '::ffff:192.0.2.9',
        '[2001:DB8::1]:443',
        '1.2.3.4:80',
        ' 8.8.8.8 ',
        'junk',
        '',
        'x'.repeat(70),
      ),
    );
    const socket = fc.oneof(fc.constantFrom('10.9.9.9', 'fd00::1', '::ffff:10.0.0.1', '192.0.2.5', 'not-an-ip'), fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(socket, fc.option(fc.array(hop, { maxLength: 20 }), { nil: undefined }), (peer, hops) => {
        const headers = hops === undefined ? {} : { 'x-forwarded-for': hops.join(',') };
        const expected = resolver.resolve(peer, headers);
        const { client } = router.route({ socketAddress: peer, headers });
        expect([peer, hops, client.address, client.source]).toEqual([peer, hops, expected?.address ?? null, expected?.source ?? null]);
        expect(client.country).toBe(expected === undefined ? null : (countryForIp(expected.address) ?? null));
      }),
      { numRuns: 3_000 },
    );
  });

  it('a socket address that is not an IP leaves the next request from the previous peer located (found by review)', () => {
    const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
    const router = new RegionRouter(table, { trustedProxies: ['10.0.0.0/8'] });
    for (const bad of ['not-an-ip', '', '1.2.3.4.5', '2001:db8::zz', '::ffff:1.2.3']) {
      for (const peer of ['81.2.69.142', '2a02:c7c:0:0:0:0:0:1', '10.1.2.3']) {
        const headers = peer === '10.1.2.3' ? { 'x-forwarded-for': '81.2.69.142' } : {};
        const before = router.route({ socketAddress: peer, headers, userId: 'u-1' });
        expect(router.route({ socketAddress: bad, headers: {} }).client.address).toBeNull();
        const after = router.route({ socketAddress: peer, headers, userId: 'u-1' });
        expect([bad, peer, after.client]).toEqual([bad, peer, before.client]);
        expect(after.client.country).toBe('GB');
        expect(after).toMatchObject({ kind: 'routed', region: before.kind === 'routed' ? before.region : 'none' });
      }
    }
  });
});

describe('replica choices built per shard and region', () => {
  const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;
  const regions = table.regions.map((r) => r.id);
  const zoneOf = new Map(table.regions.map((r) => [r.id, r.residencyZone]));
  const countries = Object.keys(table.countries);

  it('are what chooseReplica answers, whatever is down and whatever the latencies (property)', () => {
    fc.assert(
      fc.property(
        fc.subarray(regions),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: regions.length, maxLength: regions.length }),
        fc.array(
          fc.tuple(fc.constantFrom(...countries), fc.string({ minLength: 1, maxLength: 12 }), fc.option(fc.constantFrom(...regions))),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (down, ms, requests) => {
          const isHealthy = (r: string) => !down.includes(r);
          const latencies = new Map(regions.map((r, i) => [r, ms[i]]));
          const router = new RegionRouter(table, { health: isHealthy, latencies, geoLookup: () => undefined });
          for (const [country, userId, preferredRegion] of requests) {
            const d = router.decide({ country, userId, preferredRegion: preferredRegion ?? undefined });
            if (d.kind !== 'routed' || d.shard === undefined) continue;
            const shard = table.shards.find((s) => s.id === d.shard!.id)!;
            const expected = chooseReplica(shard, {
              callerRegion: d.region,
              isHealthy,
              latencyMs: latencies,
              zoneOf: (r) => zoneOf.get(r),
            });
            expect([country, userId, d.region, d.replica]).toEqual([country, userId, d.region, expected]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('follow the table: a router of a table with other replicas reads where that table says', () => {
    const moved = JSON.parse(JSON.stringify(table)) as RoutingTable;
    const shard = moved.shards.find((s) => s.residencyZone === 'emea')!;
    const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
    const before = new RegionRouter(table, { geoLookup: () => undefined });
    const user = users.find((u) => (before.decide({ country: 'IE', userId: u }) as RoutedDecision).shard?.id === shard.id)!;
    const first = before.decide({ country: 'IE', userId: user }) as RoutedDecision;
    expect(first.region).toBe('eu-west-1');
    // The shard's copy in eu-west-1 moves away: the same user now reads from elsewhere.
    expect(first.replica).toMatchObject({ region: 'eu-west-1', reason: 'local-primary' });
    shard.primary = { region: 'eu-west-2', endpoint: null };
    shard.replicas = [{ region: 'eu-central-1', endpoint: null }];
    const after = new RegionRouter(moved, { geoLookup: () => undefined }).decide({ country: 'IE', userId: user }) as RoutedDecision;
    expect(after.shard?.id).toBe(shard.id);
    expect(after.replica?.region).not.toBe('eu-west-1');
    expect(after.replica).toEqual(chooseReplica(shard, { callerRegion: 'eu-west-1', zoneOf: (r) => zoneOf.get(r) }));
  });
});

describe('details built once per country or region', () => {
  const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;

  it('read as they did when they were built per decision', () => {
    const latencies = Object.fromEntries(table.regions.map((r, i) => [r.id, 20 + i]));
    const router = new RegionRouter(table, { geoLookup: () => undefined, health: (r) => r !== 'eu-central-1', latencies });
    for (let i = 0; i < 3; i++) {
      expect(router.decide({ country: 'ZZ', userId: 'u' })).toMatchObject({
        code: 'residency-unknown',
        detail: 'cannot place user data: country ZZ is not in the routing table and no residency zone was given',
      });
      expect(router.decide({ country: 'zzz', userId: 'u' })).toMatchObject({
        detail: 'cannot place user data: country ZZZ is not in the routing table and no residency zone was given',
      });
      expect(router.decide({ userId: 'u' })).toMatchObject({
        detail: 'cannot place user data: no country and no residency zone was given',
      });
      expect(router.decide({ country: 'FR' })).toMatchObject({ reason: 'geo', detail: 'country FR is served by eu-west-1' });
      const de = router.decide({ country: 'DE' });
      expect(de.kind === 'routed' && de.reason).toBe('score');
      expect(de.detail).toMatch(/^country region eu-central-1 is unhealthy; best score /);
    }
  });

  it("rule 3's detail follows the latency, load and note it is built from (it is reused only while they are the same)", () => {
    const latencies = new Map([
      ['eu-west-1', 80],
      ['eu-west-2', 30],
      ['eu-west-3', 90],
    ]);
    const loads = new Map([['eu-west-2', 0.25]]);
    const router = new RegionRouter(table, { geoLookup: () => undefined, health: (r) => r !== 'eu-central-1', latencies, loads });
    const detail = (country: string) => {
      const d = router.decide({ country });
      return d.kind === 'routed' && d.reason === 'score' ? `${d.region}: ${d.detail}` : `not by score: ${JSON.stringify(d)}`;
    };
    const weight = table.routing.loadWeight;
    expect(detail('DE')).toBe(`eu-west-2: country region eu-central-1 is unhealthy; best score eu-west-2 = 30 ms + 0.25 x ${weight}`);
    expect(detail('DE')).toBe(`eu-west-2: country region eu-central-1 is unhealthy; best score eu-west-2 = 30 ms + 0.25 x ${weight}`);
    latencies.set('eu-west-2', 31.5);
    expect(detail('DE')).toBe(`eu-west-2: country region eu-central-1 is unhealthy; best score eu-west-2 = 31.5 ms + 0.25 x ${weight}`);
    loads.set('eu-west-2', 0.125);
    expect(detail('DE')).toBe(`eu-west-2: country region eu-central-1 is unhealthy; best score eu-west-2 = 31.5 ms + 0.125 x ${weight}`);
    // Another note (a country the table does not list, placed by an explicit zone), same region and figures.
    const other = router.decide({ country: 'ZZ', residencyZone: 'emea' });
    expect(other).toMatchObject({
      region: 'eu-west-2',
      reason: 'score',
      detail: `country ZZ not in the table; best score eu-west-2 = 31.5 ms + 0.125 x ${weight}`,
    });
    expect(detail('DE')).toBe(`eu-west-2: country region eu-central-1 is unhealthy; best score eu-west-2 = 31.5 ms + 0.125 x ${weight}`);
  });
});
