/** IPv4 CIDR arithmetic for network planning (pure, no I/O). */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0–32. */
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "10.0.0.0/16"; returns a reason instead when the text is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Ipv4Cidr | { error: string } {
  const m = CIDR.exec(text);
  if (!m) return { error: 'must be an IPv4 CIDR such as "10.10.0.0/16"' };
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return { error: 'has an octet above 255' };
  const prefix = Number(m[5]);
  if (prefix > 32) return { error: 'has a prefix length above 32' };
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostMask = prefix === 32 ? 0 : 0xffffffff >>> prefix;
  if ((base & hostMask) !== 0)
    return { error: `has host bits set; the network address is ${formatCidr({ base: (base & ~hostMask) >>> 0, prefix })}` };
  return { base, prefix };
}

export function formatCidr(c: Ipv4Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function size(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when the two blocks share any address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The `index`-th block of length `newPrefix` inside `parent`. */
export function subnetOf(parent: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
  const count = 2 ** (newPrefix - parent.prefix);
  if (newPrefix < parent.prefix || newPrefix > 28 || index < 0 || index >= count) {
    throw new RangeError(`subnet ${index} of /${newPrefix} does not fit in ${formatCidr(parent)}`);
  }
  return { base: parent.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/**
 * The ranges AWS lets a VPC use that no one else routes: RFC 1918 and the RFC 6598 shared space
 * (100.64.0.0/10). A public range as a VPC CIDR is accepted by AWS, but every address of it becomes
 * unreachable from the VPC (its traffic stays inside).
 */
export const PRIVATE_NETWORKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

const PRIVATE_BLOCKS = PRIVATE_NETWORKS.map((text) => parseCidr(text) as Ipv4Cidr);

/** Whether `c` lies whole inside one of `blocks`. */
export function isInsideAny(c: Ipv4Cidr, blocks: readonly Ipv4Cidr[]): boolean {
  return blocks.some((p) => c.prefix >= p.prefix && c.base >= p.base && c.base + size(c) <= p.base + size(p));
}

/** Whether `c` lies whole inside one of {@link PRIVATE_NETWORKS}. */
export function isPrivateCidr(c: Ipv4Cidr): boolean {
  return isInsideAny(c, PRIVATE_BLOCKS);
}

/**
 * Ranges no request from the internet comes from: {@link PRIVATE_NETWORKS}, "this network",
 * loopback, link-local, the IETF and documentation blocks, benchmarking, multicast and reserved
 * (IANA IPv4 Special-Purpose Address Registry, RFC 6890).
 */
export const NON_INTERNET_NETWORKS: readonly string[] = [
  ...PRIVATE_NETWORKS,
  '0.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

const NON_INTERNET_BLOCKS = NON_INTERNET_NETWORKS.map((text) => parseCidr(text) as Ipv4Cidr);

/** The non-internet block (of {@link NON_INTERNET_NETWORKS}) that holds all of `c`, if one does. */
export function nonInternetBlockOf(c: Ipv4Cidr): string | undefined {
  const i = NON_INTERNET_BLOCKS.findIndex((p) => isInsideAny(c, [p]));
  return i < 0 ? undefined : NON_INTERNET_NETWORKS[i];
}
