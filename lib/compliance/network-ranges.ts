/** Which literal CIDRs the network rules read as "the internet" (pure). */
import { nonInternetBlockOf, parseCidr } from '../private/cidr';
import { NOT_IPV6, parseIPv6Range } from '../../runtime/private/ip';

/**
 * The narrowest public range still read as the whole internet, by prefix length. An IPv4 /8 is
 * 1/256 of all addresses (16.7 million), the size of the largest blocks IANA ever gave one holder:
 * no one's operator or office range. An IPv6 /16 is 2^112 addresses, 1/8192 of the global unicast
 * space 2000::/3; a provider's allocation is a /32 or narrower and a site's a /48 (the runtime's
 * trusted-proxy ranges stop at the same two widths). So `0.0.0.0/1` + `128.0.0.0/1` is the
 * internet in two pieces, and `3.0.0.0/8` is a slice of it.
 */
export const INTERNET_WIDE_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/**
 * IPv6 blocks no request from the internet comes from, as [first 16 bits, prefix ≤ 16]: the IETF
 * reserved ::/8 (unspecified, loopback, IPv4-mapped), unique local fc00::/7, link-local fe80::/10
 * and multicast ff00::/8 (IANA IPv6 Special-Purpose Address Registry).
 */
const NON_INTERNET_IPV6: readonly (readonly [number, number])[] = [
  [0x0000, 8],
  [0xfc00, 7],
  [0xfe80, 10],
  [0xff00, 8],
];

const words = new Uint32Array(4);

/** Whether the IPv6 CIDR `text` is at least {@link INTERNET_WIDE_PREFIX}.ipv6 wide and not wholly non-internet. */
function isInternetWideIpv6(text: string): boolean {
  const slash = text.indexOf('/');
  const prefixText = text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(prefixText) || parseIPv6Range(text, 0, slash, words) === NOT_IPV6) return false;
  const prefix = Number(prefixText);
  if (prefix > INTERNET_WIDE_PREFIX.ipv6) return false;
  const top = words[0] >>> 16;
  const inside = ([base, bits]: readonly [number, number]) => prefix >= bits && top >>> (16 - bits) === base >>> (16 - bits);
  return !NON_INTERNET_IPV6.some(inside);
}

/**
 * Whether a literal CIDR is the internet or a slice wide enough to count as it: a prefix of
 * {@link INTERNET_WIDE_PREFIX} or wider (`0.0.0.0/0`, `::0/0`, `0.0.0.0/1`, `3.0.0.0/8`, `2600::/12`)
 * that does not lie wholly in private or reserved space (`10.0.0.0/8` is no internet). Anything
 * that is no CIDR AWS takes is not (AWS refuses it at apply).
 */
export function isInternetWide(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const text = cidr.trim();
  if (text.includes(':')) return isInternetWideIpv6(text);
  const c = parseCidr(text);
  return !('error' in c) && c.prefix <= INTERNET_WIDE_PREFIX.ipv4 && nonInternetBlockOf(c) === undefined;
}
