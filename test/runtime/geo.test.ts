import { countryForIp, isGeoDatabaseLoaded, lookupCountry, packageLookup } from '../../runtime/geo';

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
      if ((ours.ok ? ours.country : undefined) !== theirs) mismatches.push(`${ip}: ours ${JSON.stringify(ours)}, package ${theirs}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(located).toBeGreaterThan(25_000);
  });
});
