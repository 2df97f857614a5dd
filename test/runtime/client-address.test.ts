import fc from 'fast-check';
import { BlockList } from 'node:net';
import {
  CidrSet,
  ClientAddressResolver,
  normalizeAddress,
  parseIPv4,
  parseTrustedProxies,
  TrustedProxyError,
} from '../../runtime/client-address';

const resolver = new ClientAddressResolver(['10.0.0.0/8', '2001:db8:feed::/48', '192.0.2.7']);

describe('ClientAddressResolver', () => {
  it('ignores X-Forwarded-For from an untrusted peer (anyone can send it)', () => {
    expect(resolver.resolve('203.0.113.9', { 'x-forwarded-for': '81.2.69.142' })).toEqual({ address: '203.0.113.9', source: 'socket' });
  });

  it('takes the right-most untrusted address from a trusted peer', () => {
    expect(resolver.resolve('10.1.1.1', { 'x-forwarded-for': '6.6.6.6, 81.2.69.142, 10.2.2.2' })).toEqual({
      address: '81.2.69.142',
      source: 'x-forwarded-for',
    });
    expect(resolver.resolve('2001:db8:feed::1', { 'x-forwarded-for': '2a00:1450::1' })).toEqual({
      address: '2a00:1450::1',
      source: 'x-forwarded-for',
    });
    expect(resolver.resolve('192.0.2.7', { 'x-forwarded-for': ['1.1.1.1', '8.8.8.8'] })).toEqual({
      address: '8.8.8.8',
      source: 'x-forwarded-for',
    });
  });

  it('uses the socket address when a trusted peer sends no header', () => {
    expect(resolver.resolve('10.1.1.1', {})).toEqual({ address: '10.1.1.1', source: 'socket' });
  });

  it('unwraps IPv4-mapped peers and strips ports and brackets', () => {
    expect(resolver.resolve('::ffff:10.9.9.9', { 'x-forwarded-for': '8.8.4.4:5555' })).toEqual({
      address: '8.8.4.4',
      source: 'x-forwarded-for',
    });
    expect(resolver.resolve('10.9.9.9', { 'x-forwarded-for': '[2a00:1450::1]:443' })?.address).toBe('2a00:1450::1');
  });

  it('uses the left-most address when every hop is trusted', () => {
    expect(resolver.resolve('10.0.0.1', { 'x-forwarded-for': '10.0.0.3, 10.0.0.2' })).toEqual({
      address: '10.0.0.3',
      source: 'x-forwarded-for',
    });
  });

  it('stops at a malformed entry and keeps the last vouched-for address', () => {
    expect(resolver.resolve('10.0.0.1', { 'x-forwarded-for': '8.8.8.8, garbage' })).toEqual({
      address: '10.0.0.1',
      source: 'socket',
      malformed: 'garbage',
    });
    expect(resolver.resolve('10.0.0.1', { 'x-forwarded-for': 'garbage, 10.0.0.5' })).toEqual({
      address: '10.0.0.5',
      source: 'x-forwarded-for',
      malformed: 'garbage',
    });
  });

  it('trusts nobody by default', () => {
    expect(new ClientAddressResolver().resolve('10.0.0.1', { 'x-forwarded-for': '8.8.8.8' })).toEqual({
      address: '10.0.0.1',
      source: 'socket',
    });
    expect(new ClientAddressResolver().resolve('nonsense')).toBeUndefined();
  });

  it('never returns a spoofed address when the peer is untrusted (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.array(fc.oneof(fc.ipV4(), fc.ipV6())), (peer, hops) => {
        fc.pre(!peer.startsWith('10.') && peer !== '192.0.2.7');
        expect(resolver.resolve(peer, { 'x-forwarded-for': hops.join(', ') })?.address).toBe(normalizeAddress(peer));
      }),
    );
  });

  it('rejects bad trusted proxy entries naming the entry and what is allowed', () => {
    expect(() => parseTrustedProxies(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(TrustedProxyError);
    expect(() => parseTrustedProxies(['10.0.0.0/33'])).toThrow(
      /trustedProxies\[0\]: "10.0.0.0\/33" is not valid: prefix length must be 0..32/,
    );
    expect(() => parseTrustedProxies(['proxy.internal'])).toThrow(/trustedProxies\[0\].*not an IP address.*CIDR/);
    expect(() => parseTrustedProxies(['::/129'])).toThrow(/0..128/);
    expect(() => parseTrustedProxies(['10.0.0.0/x'])).toThrow(/prefix length/);
  });
});

describe('CidrSet', () => {
  it('matches IPv4 exactly like node:net BlockList (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.ipV4(), { minLength: 1, maxLength: 30 }),
        (ranges, probes) => {
          const set = new CidrSet();
          const reference = new BlockList();
          for (const [net, prefix] of ranges) {
            set.add(net, prefix, 'ipv4');
            reference.addSubnet(net, prefix, 'ipv4');
          }
          // probe addresses inside the ranges too, not only random ones
          for (const ip of [...probes, ...ranges.map(([net]) => net)]) {
            expect(set.has(ip)).toBe(reference.check(ip, 'ipv4'));
          }
        },
      ),
    );
  });

  it('matches IPv6 through BlockList', () => {
    const set = new CidrSet();
    set.add('2001:db8::', 32, 'ipv6');
    expect(set.has('2001:db8:1::5')).toBe(true);
    expect(set.has('2001:db9::5')).toBe(false);
    expect(set.has('10.0.0.1')).toBe(false);
  });

  it('parses dotted IPv4 strictly', () => {
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d'])
      expect(parseIPv4(bad)).toBe(-1);
  });
});
