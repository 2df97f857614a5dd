/**
 * The client's IP address, trusting `X-Forwarded-For` only from configured proxies.
 *
 * If the socket peer is not a trusted proxy, the header is ignored (anyone can send it) and the
 * socket address is the client. If it is, the header is read from the right (each proxy appends
 * the address it saw): trusted proxies are skipped and the first address that is not a trusted
 * proxy is the client. If every hop is trusted, the left-most address is used. A malformed entry
 * stops the walk: the last address vouched for by a trusted proxy is used instead.
 */
import { BlockList, isIP } from 'node:net';

export class TrustedProxyError extends Error {
  constructor(
    readonly index: number,
    readonly value: unknown,
    reason: string,
  ) {
    super(
      `trustedProxies[${index}]: ${JSON.stringify(value)} is not valid: ${reason}; expected an IPv4/IPv6 address or CIDR such as "10.0.0.0/8" or "2001:db8::/32"`,
    );
    this.name = 'TrustedProxyError';
  }
}

export interface ClientAddress {
  /** The client's address (IPv4-mapped IPv6 addresses are unwrapped to IPv4). */
  address: string;
  /** Where it came from. */
  source: 'socket' | 'x-forwarded-for';
  /** Set when X-Forwarded-For held an entry that is not an IP address. */
  malformed?: string;
}

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Parses a dotted IPv4 address to an unsigned 32-bit number, or -1 if it is not one. */
export function parseIPv4(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/**
 * A set of CIDR ranges. Parsed and held in a node:net BlockList (the reference matcher, used for
 * IPv6); IPv4 ranges are also kept as (network, mask) pairs and matched with integer arithmetic,
 * because BlockList.check costs microseconds per call (it builds a native SocketAddress) and the
 * trusted-proxy check runs on every request. Tests check both agree.
 */
export class CidrSet {
  readonly blockList = new BlockList();
  readonly #v4Net: number[] = [];
  readonly #v4Mask: number[] = [];
  #v6 = false;

  add(address: string, prefix: number, family: 'ipv4' | 'ipv6'): void {
    this.blockList.addSubnet(address, prefix, family);
    if (family === 'ipv4') {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      this.#v4Mask.push(mask);
      this.#v4Net.push((parseIPv4(address) & mask) >>> 0);
    } else {
      this.#v6 = true;
    }
  }

  get size(): number {
    return this.#v4Net.length + (this.#v6 ? 1 : 0);
  }

  /** Whether a normalized address (as returned by {@link normalizeAddress}) is in the set. */
  has(address: string): boolean {
    const v4 = parseIPv4(address);
    if (v4 >= 0) {
      for (let i = 0; i < this.#v4Net.length; i++) if ((v4 & this.#v4Mask[i]) >>> 0 === this.#v4Net[i]) return true;
      return false;
    }
    return this.#v6 && this.blockList.check(address, 'ipv6');
  }
}

/** Parses a list of trusted proxy addresses/CIDRs; throws {@link TrustedProxyError}. */
export function parseTrustedProxies(entries: readonly string[]): CidrSet {
  const list = new CidrSet();
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string') throw new TrustedProxyError(i, entry, 'not a string');
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry.trim() : entry.slice(0, slash).trim();
    const family = isIP(address);
    if (family === 0) throw new TrustedProxyError(i, entry, `${JSON.stringify(address)} is not an IP address`);
    const max = family === 4 ? 32 : 128;
    let prefix = max;
    if (slash >= 0) {
      const text = entry.slice(slash + 1).trim();
      prefix = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
      if (!(prefix >= 0 && prefix <= max)) throw new TrustedProxyError(i, entry, `prefix length must be 0..${max}`);
    }
    list.add(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return list;
}

/** Strips brackets, ports and IPv4-mapped prefixes; returns undefined if it is not an IP. */
export function normalizeAddress(raw: string): string | undefined {
  if (parseIPv4(raw) >= 0) return raw; // the common case, without allocating
  let text = raw.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    text = text.slice(1, end);
  } else if (text.indexOf(':') > 0 && text.indexOf(':') === text.lastIndexOf(':') && text.includes('.')) {
    text = text.slice(0, text.indexOf(':')); // "1.2.3.4:5678"
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 0) return undefined;
  if (family === 6) {
    const lower = text.toLowerCase();
    if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
    return lower;
  }
  return text;
}

export class ClientAddressResolver {
  readonly #trusted: CidrSet;
  readonly #hasTrusted: boolean;

  /** `trustedProxies`: addresses or CIDRs (IPv4 and IPv6) whose X-Forwarded-For is believed. */
  constructor(trustedProxies: readonly string[] = []) {
    this.#trusted = parseTrustedProxies(trustedProxies);
    this.#hasTrusted = trustedProxies.length > 0;
  }

  /** Whether an address is a trusted proxy. */
  isTrusted(address: string): boolean {
    const normalized = normalizeAddress(address);
    return normalized !== undefined && this.#hasTrusted && this.#trusted.has(normalized);
  }

  /**
   * The client address for a request seen from `socketAddress` with `headers`
   * (header names lower-case, as Node delivers them). Returns undefined only when the socket
   * address itself is not an IP address.
   */
  resolve(socketAddress: string | undefined, headers: HeaderBag = {}): ClientAddress | undefined {
    const peer = socketAddress === undefined ? undefined : normalizeAddress(socketAddress);
    if (peer === undefined) return undefined;
    if (!this.#hasTrusted || !this.#trusted.has(peer)) return { address: peer, source: 'socket' };
    const raw = headers['x-forwarded-for'];
    if (raw === undefined) return { address: peer, source: 'socket' };
    const joined = typeof raw === 'string' ? raw : raw.join(',');
    let last = peer;
    let source: ClientAddress['source'] = 'socket';
    // Walk the hops right to left without splitting the header (one hop is the common case).
    let end = joined.length;
    while (end > 0) {
      const comma = joined.lastIndexOf(',', end - 1);
      const piece = joined.slice(comma + 1, end);
      end = comma < 0 ? 0 : comma;
      const text = parseIPv4(piece) >= 0 ? piece : piece.trim();
      if (text === '') continue;
      const hop = normalizeAddress(text);
      if (hop === undefined) return { address: last, source, malformed: text };
      last = hop;
      source = 'x-forwarded-for';
      if (!this.#trusted.has(hop)) return { address: hop, source };
    }
    return { address: last, source };
  }
}
