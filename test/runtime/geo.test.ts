import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ClientAddressResolver } from '../../runtime/client-address';
import { countryForIp, countryForParsed, isGeoDatabaseLoaded, lookupCountry, packageLookup } from '../../runtime/geo';

describe('geo', () => {
  it('loads the database lazily, on the first lookup', () => {
    expect(isGeoDatabaseLoaded()).toBe(false);
    expect(lookupCountry('not an ip')).toMatchObject({ ok: false, reason: 'invalid-ip' });
    expect(isGeoDatabaseLoaded()).toBe(false);
    lookupCountry('8.8.8.8');
    expect(isGeoDatabaseLoaded()).toBe(true);
  });

  it('locates well-known IPv4 and IPv6 addresses', () => {
    // Stable allocations: Google DNS (US), UK (GB, MaxMind's own test range), APNIC/JP root server, RIPE (NL).
    expect(countryForIp('8.8.8.8')).toBe('US');
    expect(countryForIp('81.2.69.142')).toBe('GB');
    expect(countryForIp('202.12.27.33')).toBe('JP');
    expect(countryForIp('2001:4860:4860::8888')).toBe('US');
    expect(lookupCountry('::ffff:8.8.8.8')).toEqual({ ok: true, country: 'US' });
    // IPv4-mapped in hex and in full form: looked up as IPv4 (81.2.69.142 is GB)
    expect(lookupCountry('::ffff:5102:458e')).toEqual({ ok: true, country: 'GB' });
    expect(lookupCountry('0:0:0:0:0:ffff:5102:458e')).toEqual({ ok: true, country: 'GB' });
    expect(lookupCountry('2A00:1450:4001::1')).toEqual(lookupCountry('2a00:1450:4001::1'));
  });

  it('explains private, reserved and malformed addresses', () => {
    for (const ip of [
      '10.1.2.3',
      '192.168.0.1',
      '127.0.0.1',
      '172.20.0.1',
      '100.64.1.1',
      '169.254.1.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '2001:db8::1',
    ]) {
      expect(lookupCountry(ip)).toMatchObject({ ok: false, reason: 'private' });
    }
    for (const ip of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'example.com', '1.2.3.4 ', ':::1']) {
      const result = lookupCountry(ip);
      expect(result).toMatchObject({ ok: false, reason: 'invalid-ip' });
      if (!result.ok) expect(result.detail).toContain(JSON.stringify(ip));
    }
    expect(countryForIp('10.0.0.1')).toBeUndefined();
  });
});

describe('geo: the IPv4 index answers like the package', () => {
  it('agrees with geoip-country on 50,000 random and boundary addresses', () => {
    let seed = 0x9e3779b9;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    let located = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const n = i < 1000 ? [0, 1, 0xffffffff, 0x08080808, 0x7fffffff][i % 5] + (i >> 3) : next();
      const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      const ours = lookupCountry(ip);
      const theirs = packageLookup(n >>> 0);
      if (theirs) located++;
      if ((ours.ok ? ours.country : undefined) !== theirs || countryForIp(ip) !== theirs)
        mismatches.push(`${ip}: ours ${JSON.stringify(ours)} / ${countryForIp(ip)}, package ${theirs}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(located).toBeGreaterThan(25_000);
  });
});

describe('geo: the IPv6 index answers like the package', () => {
  it('agrees with geoip-country on 30,000 random global-unicast and boundary addresses', () => {
    let seed = 0x1234567;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const hex = (n: number) => n.toString(16);
    let located = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      // 2000::/3 (global unicast, where the database has data), denser in 2001::/16 and 2a00::/12;
      // every 8th address sits on a /32 boundary (the ...:0 and ...:ffff ends of a block).
      const first = i % 3 === 0 ? 0x2001 : i % 3 === 1 ? 0x2a00 | (next() & 0xf) : 0x2000 | (next() & 0x1fff);
      const second = next() & 0xffff;
      const rest =
        i % 8 === 0
          ? i % 16 === 0
            ? '::'
            : ':ffff:ffff:ffff:ffff:ffff:ffff'
          : `:${hex(next() & 0xffff)}:${hex(next() & 0xffff)}::${hex(next() & 0xffff)}`;
      const ip = `${hex(first)}:${hex(second)}${rest}`;
      const ours = lookupCountry(ip);
      const theirs = packageLookup(ip);
      if (theirs) located++;
      if ((ours.ok ? ours.country : undefined) !== theirs || countryForIp(ip) !== theirs)
        mismatches.push(`${ip}: ours ${JSON.stringify(ours)} / ${countryForIp(ip)}, package ${theirs}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(located).toBeGreaterThan(3_000);
  });

  it("agrees on the first and last address of 3,000 of the database's own IPv6 ranges and their neighbours", () => {
    const file = join(dirname(require.resolve('geoip-country/package.json')), 'data', 'geoip-country6.dat');
    const buf = readFileSync(file);
    const records = buf.length / 18;
    const w = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)].join(':');
    const ip = (hi: number, lo: number, low64: 'zero' | 'ones') =>
      `${w(hi)}:${w(lo)}:${low64 === 'zero' ? '0:0:0:0' : 'ffff:ffff:ffff:ffff'}`;
    const mismatches: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const o = Math.floor((k * records) / 3000) * 18;
      const [sHi, sLo, eHi, eLo] = [buf.readUInt32BE(o), buf.readUInt32BE(o + 4), buf.readUInt32BE(o + 8), buf.readUInt32BE(o + 12)];
      const probes = [ip(sHi, sLo, 'zero'), ip(eHi, eLo, 'ones')];
      if (sLo > 0) probes.push(ip(sHi, sLo - 1, 'ones')); // just before the range
      if (eLo < 0xffffffff) probes.push(ip(eHi, eLo + 1, 'zero')); // just after it
      for (const probe of probes) {
        const ours = lookupCountry(probe);
        const theirs = packageLookup(probe);
        if ((ours.ok ? ours.country : undefined) !== theirs) mismatches.push(`${probe}: ours ${JSON.stringify(ours)}, package ${theirs}`);
      }
      expect(lookupCountry(probes[0])).toEqual({ ok: true, country: buf.toString('latin1', o + 16, o + 18) });
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('geo: countryForParsed (the router path) answers like countryForIp', () => {
  it('on IPv4, IPv6 and IPv4-mapped addresses resolved from the socket and from X-Forwarded-For', () => {
    const resolver = new ClientAddressResolver(['10.0.0.0/8']);
    let seed = 0x2468ace;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const hex = (n: number) => (n & 0xffff).toString(16);
    let located = 0;
    for (let i = 0; i < 5_000; i++) {
      const n = next();
      const v4 = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      const v6 = `2a0${i & 7}:${hex(next())}:${hex(next())}::${hex(next())}`;
      const mapped = `::ffff:${hex(n >>> 16)}:${hex(n)}`;
      for (const address of [v4, v6, mapped]) {
        for (const resolved of [resolver.resolve(address), resolver.resolve('10.1.1.1', { 'x-forwarded-for': `${address}, 10.2.2.2` })]) {
          const expected = countryForIp(address);
          if (expected !== undefined) located++;
          expect([address, countryForParsed(resolver.lastParsed, resolved!.address)]).toEqual([address, expected]);
        }
      }
    }
    expect(located).toBeGreaterThan(10_000);
  });
});
