/**
 * The client's IP address, trusting `X-Forwarded-For` (and, when configured, a client-address
 * header such as Cloudflare's `CF-Connecting-IP`) only from configured proxies.
 *
 * If the socket peer is not a trusted proxy, the header is ignored (anyone can send it) and the
 * socket address is the client. If it is, the header is read from the right (each proxy appends
 * the address it saw): trusted proxies are skipped and the first address that is not a trusted
 * proxy is the client. If every hop is trusted, the left-most address is used. A malformed entry
 * stops the walk: the last address vouched for by a trusted proxy is used instead.
 *
 * With a client-address header configured, a request whose socket peer is a trusted proxy and that
 * carries the header (one address) is located by it, before `X-Forwarded-For`; a malformed value is
 * reported like a malformed hop and the `X-Forwarded-For` walk answers. Configure it only behind an
 * edge that always overwrites the header and a proxy tier that refuses requests which did not pass
 * that edge (the stacks' origin authentication: docs/ARCHITECTURE.md, "Client address behind the edge").
 */
import { isIP } from 'node:net';
import * as ipText from './private/ip';
import { formatValue } from './problem';

// The per-request functions as local bindings: one read at load instead of one per call (a
// bundler's or loader's ES-module interop, tsx's among them, reads imports through getters).
const { formatIPv4, isIPv4Mapped, parseIPv4, parseIPv4Range, parseIPv6Range, IPV6_UPPER } = ipText;

export class TrustedProxyError extends Error {
  constructor(
    readonly index: number,
    readonly value: unknown,
    /** Why the entry is refused, without the entry and the examples. */
    readonly reason: string,
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
  source: 'socket' | 'x-forwarded-for' | 'client-address-header';
  /** Set when X-Forwarded-For held an entry, or the client-address header a value, that is not an IP address. */
  malformed?: string;
  /**
   * Set when X-Forwarded-For held more than {@link MAX_FORWARDED_HOPS} trusted hops: the walk
   * stopped there and `address` is the last (trusted) hop it looked at.
   */
  tooManyHops?: true;
}

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export { parseIPv4 };

/** Most `X-Forwarded-For` hops looked at, from the right; the walk stops there (see {@link ClientAddress.tooManyHops}). */
export const MAX_FORWARDED_HOPS = 16;
/** Longest text one hop may have (a bracketed IPv6 address with zone id and port fits); a longer one is malformed. */
export const MAX_HOP_CHARS = 64;

/** An address parsed by {@link parseAddress}: family 4 (`v4`) or 6 (`v6` words), 0 when not an IP. */
interface Parsed {
  family: 0 | 4 | 6;
  v4: number;
  readonly v6: Uint32Array;
}

/**
 * Parses an address as it comes from a socket or a header hop: brackets, a port (`1.2.3.4:5678`,
 * `[::1]:443`), a zone id (`%eth0`) and surrounding spaces are stripped; IPv4-mapped IPv6 in any
 * spelling (`::ffff:1.2.3.4`, `::ffff:102:304`, `0:0:0:0:0:ffff:…`) becomes IPv4. Writes `into`.
 */
function parseAddress(raw: string, into: Parsed): string | undefined {
  const v4 = parseIPv4(raw);
  if (v4 >= 0) {
    into.family = 4;
    into.v4 = v4;
    return raw; // the common case, without allocating
  }
  // A plain IPv6 address (the next most common case): one pass, no trimming or searching.
  const six = parseIPv6Range(raw, 0, raw.length, into.v6);
  if (six !== 0) return ipv6Result(raw, into, six);
  into.family = 0;
  if (raw.length > MAX_HOP_CHARS) return undefined;
  let start = 0;
  let end = raw.length;
  while (start < end && isSpace(raw.charCodeAt(start))) start++;
  while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
  if (raw.charCodeAt(start) === 91 /* [ */) {
    const close = raw.indexOf(']', start);
    if (close < 0 || close >= end) return undefined;
    const after = close + 1;
    if (after < end && !isPort(raw, after, end)) return undefined;
    start++;
    end = close;
  } else {
    const colon = raw.indexOf(':', start);
    if (colon > 0 && colon < end && raw.indexOf(':', colon + 1) < 0 && raw.lastIndexOf('.', colon) > start) {
      if (!isPort(raw, colon, end)) return undefined;
      end = colon; // "1.2.3.4:5678"
    }
  }
  const zone = raw.indexOf('%', start);
  const zoned = zone >= 0 && zone < end;
  if (zoned) {
    if (zone === end - 1) return undefined;
    end = zone;
  }
  const four = parseIPv4Range(raw, start, end);
  if (four >= 0) {
    if (zoned) return undefined; // a zone id belongs to an IPv6 (link-local) address: "1.2.3.4%eth0" is no address
    into.family = 4;
    into.v4 = four;
    return start === 0 && end === raw.length ? raw : raw.slice(start, end);
  }
  const inner = parseIPv6Range(raw, start, end, into.v6);
  if (inner === 0) return undefined;
  return ipv6Result(start === 0 && end === raw.length ? raw : raw.slice(start, end), into, inner);
}

/**
 * The normalized text of a parsed IPv6 address (`into.v6` set, `status` what the parse returned):
 * IPv4-mapped ones as IPv4, others lower-case.
 */
function ipv6Result(text: string, into: Parsed, status: number): string {
  const v6 = into.v6;
  if (v6[0] === 0 && v6[1] === 0 && v6[2] === 0xffff) {
    into.family = 4;
    into.v4 = v6[3];
    return formatIPv4(v6[3]);
  }
  into.family = 6;
  return status === IPV6_UPPER ? text.toLowerCase() : text;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** `:` followed by 1-5 digits up to `end`. */
function isPort(s: string, colon: number, end: number): boolean {
  if (s.charCodeAt(colon) !== 58 || end - colon < 2 || end - colon > 6) return false;
  for (let i = colon + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `::ffff:0:0/96`, where IPv4-mapped addresses live. */
const MAPPED_PREFIX = [0, 0, 0xffff, 0] as const;

const scratch: Parsed = { family: 0, v4: 0, v6: new Uint32Array(4) };

/**
 * A set of CIDR ranges, IPv4 and IPv6, matched with integer arithmetic (node's BlockList.check
 * costs microseconds per call: it builds a native SocketAddress; tests check both agree). An IPv6
 * range that covers IPv4-mapped addresses (`::ffff:10.0.0.0/104`, `::/0`) also matches those
 * addresses written as IPv4, because addresses are unwrapped to IPv4 before they are matched.
 */
export class CidrSet {
  readonly #v4Net: number[] = [];
  readonly #v4Mask: number[] = [];
  /** Per IPv6 range: 4 network words then 4 mask words. */
  readonly #v6: number[] = [];

  add(address: string, prefix: number, family: 'ipv4' | 'ipv6'): void {
    if (family === 'ipv4') {
      const v4 = parseIPv4(address);
      if (v4 < 0 || !(prefix >= 0 && prefix <= 32)) throw new RangeError(`not an IPv4 range: ${address}/${prefix}`);
      this.#addV4(v4, prefix);
      return;
    }
    const words = new Uint32Array(4);
    if (!parseIPv6Range(address, 0, address.length, words) || !(prefix >= 0 && prefix <= 128))
      throw new RangeError(`not an IPv6 range: ${address}/${prefix}`);
    const mask = [0, 1, 2, 3].map((w) => wordMask(prefix - 32 * w));
    const net = [0, 1, 2, 3].map((w) => (words[w] & mask[w]) >>> 0);
    this.#v6.push(...net, ...mask);
    // Addresses are unwrapped to IPv4 before matching: the IPv4-mapped part of the range, as IPv4.
    if (prefix <= 96) {
      if (MAPPED_PREFIX.every((word, w) => (word & mask[w]) >>> 0 === net[w])) this.#addV4(0, 0);
    } else if (isIPv4Mapped(words)) {
      this.#addV4(words[3], prefix - 96);
    }
  }

  #addV4(value: number, prefix: number): void {
    const mask = wordMask(prefix);
    this.#v4Mask.push(mask);
    this.#v4Net.push((value & mask) >>> 0);
  }

  get size(): number {
    return this.#v4Net.length + this.#v6.length / 8;
  }

  /** Whether an address (any form {@link normalizeAddress} accepts) is in the set. */
  has(address: string): boolean {
    return parseAddress(address, scratch) !== undefined && this.hasParsed(scratch);
  }

  /** @internal Whether a parsed address is in the set. */
  hasParsed(p: Parsed): boolean {
    if (p.family === 4) {
      const v4 = p.v4;
      for (let i = 0; i < this.#v4Net.length; i++) if ((v4 & this.#v4Mask[i]) >>> 0 === this.#v4Net[i]) return true;
      return false;
    }
    if (p.family !== 6) return false;
    const r = this.#v6;
    const w = p.v6;
    for (let i = 0; i < r.length; i += 8) {
      if (
        (w[0] & r[i + 4]) >>> 0 === r[i] &&
        (w[1] & r[i + 5]) >>> 0 === r[i + 1] &&
        (w[2] & r[i + 6]) >>> 0 === r[i + 2] &&
        (w[3] & r[i + 7]) >>> 0 === r[i + 3]
      )
        return true;
    }
    return false;
  }
}

/** The mask of one 32-bit word holding `bits` leading ones (clamped to 0..32). */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** The widest trusted-proxy range taken, IPv4: a /7 or wider is a slice of the internet, not a proxy tier. */
export const MIN_TRUSTED_PREFIX_V4 = 8;
/** The widest trusted-proxy range taken, IPv6 (a provider's allocation is /32 or narrower; 2000::/3 is every global address). */
export const MIN_TRUSTED_PREFIX_V6 = 16;

/** IPv6 blocks whose addresses embed an IPv4 address: a trusted range may not hold a whole one. */
const IPV4_EMBEDDING_BLOCKS: readonly { name: string; text: string; prefix: number; words: readonly number[] }[] = [
  { name: 'IPv4-mapped', text: '::ffff:0:0/96', prefix: 96, words: [0, 0, 0xffff, 0] },
  { name: 'NAT64', text: '64:ff9b::/96', prefix: 96, words: [0x0064ff9b, 0, 0, 0] },
  { name: '6to4', text: '2002::/16', prefix: 16, words: [0x20020000, 0, 0, 0] },
  { name: 'Teredo', text: '2001::/32', prefix: 32, words: [0x20010000, 0, 0, 0] },
];

/** Parses a list of trusted proxy addresses/CIDRs; throws {@link TrustedProxyError}. */
export function parseTrustedProxies(entries: readonly string[]): CidrSet {
  const list = new CidrSet();
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string') throw new TrustedProxyError(i, entry, 'not a string');
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry.trim() : entry.slice(0, slash).trim();
    if (address.includes('%'))
      throw new TrustedProxyError(i, entry, 'a zone id (%…) is not allowed in a trusted proxy; write the address or range alone');
    const family = isIP(address);
    if (family === 0) throw new TrustedProxyError(i, entry, `${JSON.stringify(address)} is not an IP address`);
    const max = family === 4 ? 32 : 128;
    let prefix = max;
    if (slash >= 0) {
      const text = entry.slice(slash + 1).trim();
      prefix = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
      if (!(prefix >= 0 && prefix <= max)) throw new TrustedProxyError(i, entry, `prefix length must be 0..${max}`);
    }
    // A range that trusts a slice of the internet: any client in it could name its own address, and
    // so its country and residency zone, in X-Forwarded-For. Proxies are listed by their own ranges.
    const wide = (what: string) =>
      new TrustedProxyError(
        i,
        entry,
        `${what}, so any client could choose its own address (and so its country and residency zone) in X-Forwarded-For; list the ranges of the proxies in front of the gateway (IPv4 /${MIN_TRUSTED_PREFIX_V4} or narrower, IPv6 /${MIN_TRUSTED_PREFIX_V6} or narrower)`,
      );
    if (prefix === 0) throw wide('a /0 range trusts every peer');
    if (family === 4 && prefix < MIN_TRUSTED_PREFIX_V4) throw wide(`a /${prefix} range trusts a slice of the internet`);
    if (family === 6) {
      const words = new Uint32Array(4);
      parseIPv6Range(address, 0, address.length, words);
      // "::ffff:10.0.0.0/8" reads like 10/8 but is an IPv6 /8: it would trust every IPv4 peer.
      if (prefix < 96 && isIPv4Mapped(words) && words[3] !== 0)
        throw new TrustedProxyError(
          i,
          entry,
          `an IPv4-mapped range needs a prefix of /96 or more (/${prefix} covers every IPv4 address); write ${formatIPv4(words[3])}/${Math.max(0, prefix)} or ${address}/${96 + Math.min(32, prefix)}`,
        );
      // A range holding a whole block that embeds IPv4 addresses trusts every IPv4 peer that arrives
      // through it: IPv4-mapped (::ffff:0:0/96), NAT64/SIIT (64:ff9b::/96), 6to4 (2002::/16),
      // Teredo (2001::/32).
      const mask = (k: number) => wordMask(prefix - 32 * k);
      for (const block of IPV4_EMBEDDING_BLOCKS) {
        if (prefix <= block.prefix && block.words.every((w, k) => (w & mask(k)) >>> 0 === (words[k] & mask(k)) >>> 0))
          throw wide(`/${prefix} holds every ${block.name} address (${block.text}), so it trusts every IPv4 peer`);
        // Inside the block, the bits after its prefix are an IPv4 address: a range of it wider than
        // an IPv4 /8 is a slice of the internet in another spelling (64:ff9b::/97 is an IPv4 /1).
        const blockMask = (k: number) => wordMask(block.prefix - 32 * k);
        const inside = block.words.every((w, k) => (w & blockMask(k)) >>> 0 === (words[k] & blockMask(k)) >>> 0);
        if (inside && prefix > block.prefix && prefix - block.prefix < MIN_TRUSTED_PREFIX_V4 && block.name !== 'IPv4-mapped')
          throw wide(
            `/${prefix} inside the ${block.name} block (${block.text}) spans an IPv4 /${prefix - block.prefix}, a slice of the internet`,
          );
      }
      if (isIPv4Mapped(words) && prefix - 96 < MIN_TRUSTED_PREFIX_V4)
        throw wide(`an IPv4-mapped /${prefix} is an IPv4 /${prefix - 96}, a slice of the internet`);
      // Private ranges are no slice of the internet: unique local (fc00::/7, as fd00::/8 is often
      // written, like 10.0.0.0/8) and link-local (fe80::/10) may be listed whole.
      const privateRange = (prefix >= 7 && words[0] >>> 25 === 0x7e) || (prefix >= 10 && words[0] >>> 22 === 0x3fa);
      if (!isIPv4Mapped(words) && !privateRange && prefix < MIN_TRUSTED_PREFIX_V6)
        throw wide(`a /${prefix} range trusts a slice of the internet`);
    }
    list.add(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return list;
}

/**
 * Strips spaces, brackets, ports and zone ids and unwraps IPv4-mapped IPv6 (every spelling) to
 * IPv4; IPv6 comes back lower-case. Returns undefined if it is not an IP address.
 */
export function normalizeAddress(raw: string): string | undefined {
  return typeof raw === 'string' ? parseAddress(raw, scratch) : undefined;
}

/** The parsed form of an address: family 4 (`v4`, a u32) or 6 (`v6`, four u32 words). */
export interface ParsedAddress {
  readonly family: 0 | 4 | 6;
  readonly v4: number;
  readonly v6: Uint32Array;
}

function copyParsed(from: Parsed, to: Parsed): void {
  to.family = from.family;
  to.v4 = from.v4;
  const a = from.v6;
  const b = to.v6;
  b[0] = a[0];
  b[1] = a[1];
  b[2] = a[2];
  b[3] = a[3];
}

/** A header name (RFC 9110 token) the resolver may read a client address from: lower-cased, or a TypeError naming it. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/;
/** Headers that never name a client by themselves: the walk reads X-Forwarded-For anyway, and the others are the gateway's or HTTP's. */
const NOT_CLIENT_HEADERS = new Set(['x-forwarded-for', 'host', 'forwarded', 'connection', 'x-forwarded-host', 'x-forwarded-proto']);

export function checkClientAddressHeader(name: unknown): string {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  if (!HEADER_NAME.test(lower) || NOT_CLIENT_HEADERS.has(lower)) {
    throw new TypeError(
      `clientAddressHeader: ${formatValue(name)} is not allowed; allowed: an HTTP header name (letters, digits, "-", at most 64 characters) set by the edge in front of the trusted proxies, such as "cf-connecting-ip", other than ${[...NOT_CLIENT_HEADERS].join(', ')}`,
    );
  }
  return lower;
}

export class ClientAddressResolver {
  readonly #trusted: CidrSet;
  readonly #hasTrusted: boolean;
  /** Scratch for each hop. */
  readonly #parsed: Parsed = { family: 0, v4: 0, v6: new Uint32Array(4) };
  /** The parse of the address the last `resolve` returned. */
  readonly #client: Parsed = { family: 0, v4: 0, v6: new Uint32Array(4) };
  /** The last socket address seen, its normalized form, parse and trust (a proxy's connections repeat it). */
  #peerRaw: string | undefined;
  #peer: string | undefined;
  #peerTrusted = false;
  readonly #peerParsed: Parsed = { family: 0, v4: 0, v6: new Uint32Array(4) };
  /** What the last {@link resolveAddress} found besides the address. */
  #source: ClientAddress['source'] = 'socket';
  #malformed: string | undefined;
  #tooManyHops = false;

  /** The client-address header's name (lower case), believed from trusted proxies only; undefined: none. */
  readonly #clientHeader: string | undefined;

  /**
   * `trustedProxies`: addresses or CIDRs (IPv4 and IPv6) whose X-Forwarded-For is believed.
   * `clientAddressHeader`: a header naming the client (e.g. `cf-connecting-ip`), believed from
   * trusted proxies before X-Forwarded-For (see the module comment for when that is safe).
   */
  constructor(trustedProxies: readonly string[] = [], clientAddressHeader?: string) {
    this.#trusted = parseTrustedProxies(trustedProxies);
    this.#hasTrusted = trustedProxies.length > 0;
    this.#clientHeader = clientAddressHeader === undefined ? undefined : checkClientAddressHeader(clientAddressHeader);
  }

  /** Whether an address is a trusted proxy. */
  isTrusted(address: string): boolean {
    return this.#hasTrusted && typeof address === 'string' && this.#trusted.has(address);
  }

  /**
   * The parsed form of the address the last {@link resolve} call returned (valid until the next
   * call), so that a caller can locate it without parsing it again.
   */
  get lastParsed(): ParsedAddress {
    return this.#client;
  }

  /**
   * The client address for a request seen from `socketAddress` with `headers`
   * (header names lower-case, as Node delivers them). Returns undefined only when the socket
   * address itself is not an IP address. Cost is bounded whatever the header holds: at most
   * {@link MAX_FORWARDED_HOPS} hops of at most {@link MAX_HOP_CHARS} characters are looked at.
   */
  resolve(socketAddress: string | undefined, headers: HeaderBag = {}): ClientAddress | undefined {
    const address = this.resolveAddress(socketAddress, headers);
    if (address === undefined) return undefined;
    const result: ClientAddress = { address, source: this.#source };
    if (this.#malformed !== undefined) result.malformed = this.#malformed;
    if (this.#tooManyHops) result.tooManyHops = true;
    return result;
  }

  /**
   * @internal {@link resolve} without the result object (the router's per-request path): the
   * address, with its source in {@link lastSource} and its parse in {@link lastParsed}.
   */
  resolveAddress(socketAddress: string | undefined, headers: HeaderBag): string | undefined {
    if (typeof socketAddress !== 'string') return undefined;
    const client = this.#client;
    if (socketAddress !== this.#peerRaw) {
      const peer = parseAddress(socketAddress, this.#peerParsed);
      if (peer === undefined) {
        // The failed parse wrote over the cached peer's parse: forget that peer (found by review: the
        // next request from it was located nowhere).
        this.#peerRaw = undefined;
        return undefined;
      }
      this.#peerRaw = socketAddress;
      this.#peer = peer;
      this.#peerTrusted = this.#hasTrusted && this.#trusted.hasParsed(this.#peerParsed);
    }
    const peer = this.#peer!;
    copyParsed(this.#peerParsed, client);
    this.#source = 'socket';
    this.#malformed = undefined;
    this.#tooManyHops = false;
    if (!this.#peerTrusted) return peer;
    if (this.#clientHeader !== undefined) {
      const named = headers[this.#clientHeader];
      if (named !== undefined) {
        // One address; a repeated header (a list) or a value that is no address is malformed.
        const address = typeof named === 'string' ? parseAddress(named, this.#parsed) : undefined;
        if (address !== undefined) {
          this.#source = 'client-address-header';
          copyParsed(this.#parsed, client);
          return address;
        }
        const text = typeof named === 'string' ? named.trim() : named.join(', ');
        this.#malformed = `${this.#clientHeader}: ${text.length > MAX_HOP_CHARS ? `${text.slice(0, MAX_HOP_CHARS)}…` : text}`;
      }
    }
    const raw = headers['x-forwarded-for'];
    if (raw === undefined) return peer;
    const p = this.#parsed;
    const joined = typeof raw === 'string' ? raw : raw.join(',');
    let last = peer;
    // Walk the hops right to left without splitting the header (one hop is the common case).
    let end = joined.length;
    for (let hops = 0; end > 0;) {
      // The last comma before `end`, searched only in the MAX_HOP_CHARS + 1 characters before it
      // (indexOf stops at `end` at the latest: a comma, or the end of the header).
      let comma = -1;
      for (
        let c = joined.indexOf(',', end > MAX_HOP_CHARS ? end - MAX_HOP_CHARS - 1 : 0);
        c >= 0 && c < end;
        c = joined.indexOf(',', c + 1)
      ) {
        comma = c;
      }
      if (comma < 0 && end > MAX_HOP_CHARS) {
        const tail = joined.slice(Math.max(0, end - 20), end);
        this.#malformed = `…${tail} (a hop longer than ${MAX_HOP_CHARS} characters)`;
        return last;
      }
      const start = comma + 1;
      const piece = start === 0 && end === joined.length ? joined : joined.slice(start, end);
      end = comma < 0 ? 0 : comma;
      const more = end > 0;
      const hop = parseAddress(piece, p);
      if (hop === undefined) {
        const text = piece.trim();
        if (text !== '') {
          this.#malformed = text;
          return last;
        }
      } else {
        last = hop;
        this.#source = 'x-forwarded-for';
        copyParsed(p, client);
        if (!this.#trusted.hasParsed(p)) return hop;
      }
      // Every piece counts, empty ones too, so a header of commas costs no more than one of hops.
      if (++hops === MAX_FORWARDED_HOPS && more) {
        this.#tooManyHops = true;
        return last;
      }
    }
    return last;
  }

  /** @internal Where the address the last {@link resolveAddress} returned came from. */
  get lastSource(): ClientAddress['source'] {
    return this.#source;
  }
}
