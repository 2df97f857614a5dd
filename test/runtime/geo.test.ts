import { countryForIp, isGeoDatabaseLoaded, lookupCountry } from '../../runtime/geo';

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
    for (const ip of ['10.1.2.3', '192.168.0.1', '127.0.0.1', '172.20.0.1', '100.64.1.1', '169.254.1.1', '::1', 'fd00::1', 'fe80::1', '2001:db8::1']) {
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
