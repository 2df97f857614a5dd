/**
 * IP address → country (ISO 3166-1 alpha-2), offline.
 *
 * Backed by `geoip-country` (MaxMind GeoLite2 Country data shipped inside the npm package,
 * IPv4 and IPv6, republished as the data changes; see docs/runtime-geo.md for the comparison
 * with the other candidates and the licence obligations). The database (~10 MB in memory) is
 * loaded on the first lookup, not at import.
 */
import { CidrSet, type ParsedAddress } from './client-address';
import * as ipText from './private/ip';

// Local bindings of the per-request functions (see client-address.ts: no getter per call).
const { isIPv4Mapped, parseIPv4, parseIPv6Range } = ipText;

export type GeoFailure = 'invalid-ip' | 'private' | 'not-found';

export type GeoResult = { ok: true; country: string } | { ok: false; reason: GeoFailure; detail: string };

/** A function from IP address to country code (undefined when unknown); what the router takes. */
export type GeoLookup = (ip: string) => string | undefined;

interface GeoipCountryModule {
  lookup(ip: string | number): { country?: string } | null;
}

/**
 * Indexes over geoip-country's own data files:
 * - IPv4 (`data/geoip-country.dat`): sorted records of start u32 BE, end u32 BE, two ASCII letters;
 * - IPv6 (`data/geoip-country6.dat`): sorted records of start and end as the upper 64 bits of the
 *   address (u64 BE each), two ASCII letters (the package, too, looks only at the upper 64 bits).
 * The package's `lookup` copies a dozen country-metadata fields into every result (~2 µs) and
 * parses IPv6 through BigInt (~20 µs); these indexes answer the same question with a few array
 * reads. The package stays the source of the data; tests check that both answer alike on random
 * addresses of both families and on the ends of the database's ranges, and a file that does not
 * look like that format is not indexed (lookups then go through the package).
 *
 * Layout (records read on the first lookup of the family; the trie built after DIRECT_LOOKUPS of
 * them, or by preloadGeoDatabase, until then a binary search over all records answers):
 * - `starts`/`codes`: the records with the gaps between them filled by records of code 0 (no
 *   country), so the key space is covered from 0 and a lookup is "the last start <= key" with no
 *   end to check; `codes` index {@link countryNames}. IPv6 starts are (upper, lower) u32 pairs.
 * - `trie`: a radix index over the key's leading bits: a root of 2^16 entries (the first 16 bits),
 *   then, wherever a span's keys are covered by records of more than one country and more than
 *   {@link TRIE_LEAF} + 1 records, a child node sized to that span's records: 2^4 to 2^16 entries,
 *   about {@link NODE_SPREAD} per record, a large one up to 3 bits more when that is all its
 *   records' starts need (no small node below it); a node may straddle the two words of an IPv6 key. An
 *   entry is one int32: `code << 4` when every key of the span has one country (the answer, no
 *   record read: most lookups end there), `first << 4 | n` when records first..first+n (n 1..15)
 *   cover the span (a binary search over those few starts), or `~(offset << 5 | bits)` for a child
 *   node. No entry needs its neighbour, so a lookup reads one entry per level and, at most, a few
 *   starts and one code. On the bench's addresses an IPv4 lookup reads 1.1 entries (94 % end on a
 *   country), an IPv6 one 3.7 (68 %), where the fixed 16-way nodes read about 5 and then always
 *   searched the starts. Built in a few hundred milliseconds for both families (at prepare(), or
 *   after DIRECT_LOOKUPS); ~6 MB (IPv4) and ~11 MB (IPv6) of trie beside 1.5 and 2.6 MB of starts.
 */
interface GeoIndex {
  /** IPv4: one u32 per record; IPv6: (upper, lower) u32 per record. */
  starts: Uint32Array;
  /** Country per record: an index into {@link countryNames}; 0 = no country (a gap). */
  codes: Uint8Array;
  /** Built after the family's first {@link DIRECT_LOOKUPS} lookups, or by {@link preloadGeoDatabase}. */
  trie: Int32Array | undefined;
  /** What the trie is built from, until it is. */
  pending: GapFilled | undefined;
  readonly keyBits: 32 | 64;
  /** Lookups answered without the trie so far. */
  direct: number;
}

/**
 * Lookups per family answered by a binary search over all records before the trie is built (tens
 * of milliseconds): a one-shot command looks up one address and builds none.
 */
const DIRECT_LOOKUPS = 256;

/** Records a span may span before it gets a child node (the leaf search then covers ≤ TRIE_LEAF + 1 records; at most 15). */
const TRIE_LEAF = 3;
const ROOT_BITS = 16;
/** A child node has 2^MIN_NODE_BITS..2^MAX_NODE_BITS entries: about NODE_SPREAD per record of its span. */
const MIN_NODE_BITS = 4;
const MAX_NODE_BITS = 16;
const NODE_SPREAD = 2;
/** A node of at least 2^ABSORB_FROM_BITS entries takes the few bits more its records need (memory only where spans are dense). */
const ABSORB_FROM_BITS = 12;

const IPV4_RECORD_SIZE = 10;
const IPV6_RECORD_SIZE = 18;
let db: GeoipCountryModule | undefined;
let ipv4IndexCache: GeoIndex | null | undefined;
let ipv6IndexCache: GeoIndex | null | undefined;

/** Code → country (index 0: no country). Shared by both families; at most 255 countries. */
const countryNames: (string | undefined)[] = [undefined];
const countryCodes = new Map<number, number>();

function database(): GeoipCountryModule {
  if (db === undefined) db = require('geoip-country') as GeoipCountryModule;
  return db;
}

function dataFile(name: string): Buffer {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { dirname, join } = require('node:path') as typeof import('node:path');
  return readFileSync(join(dirname(require.resolve('geoip-country/package.json')), 'data', name));
}

function isLetter(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** The code of two ASCII capital letters, or -1 when they are not or 255 countries are taken. */
function countryCode(a: number, b: number): number {
  if (!isLetter(a) || !isLetter(b)) return -1;
  const key = (a << 8) | b;
  let code = countryCodes.get(key);
  if (code === undefined) {
    if (countryNames.length > 255) return -1;
    code = countryNames.length;
    countryNames.push(String.fromCharCode(a, b));
    countryCodes.set(key, code);
  }
  return code;
}

/** (aHi, aLo) < (bHi, bLo) as unsigned 64-bit numbers. */
function less64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

/** Records with gaps filled, as built from a data file: parallel arrays, grown as needed. */
class GapFilled {
  hi: Uint32Array;
  lo: Uint32Array;
  codes: Uint8Array;
  n = 0;
  constructor(capacity: number) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.codes = new Uint8Array(capacity);
  }
  push(hi: number, lo: number, code: number): void {
    if (this.n === this.hi.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hi = grow(this.hi);
      this.lo = grow(this.lo);
      const c = new Uint8Array(this.codes.length * 2);
      c.set(this.codes);
      this.codes = c;
    }
    this.hi[this.n] = hi;
    this.lo[this.n] = lo;
    this.codes[this.n++] = code;
  }
}

/**
 * Reads a data file into gap-filled records: `words` u32 words per key (1: IPv4, 2: IPv6), keys
 * as (hi, lo) with lo 0 for IPv4. Null when the file is not sorted, non-overlapping ranges with
 * two capital letters each.
 */
function readRecords(buf: Buffer, words: 1 | 2): GapFilled | null {
  const size = words === 1 ? IPV4_RECORD_SIZE : IPV6_RECORD_SIZE;
  if (buf.length === 0 || buf.length % size !== 0) return null;
  const n = buf.length / size;
  const out = new GapFilled(n + (n >> 2) + 2);
  // The first key not yet covered, and whether the whole space is covered.
  let nextHi = 0;
  let nextLo = 0;
  let done = false;
  for (let o = 0; o < buf.length; o += size) {
    const sHi = buf.readUInt32BE(o);
    const sLo = words === 1 ? 0 : buf.readUInt32BE(o + 4);
    const eHi = buf.readUInt32BE(o + 4 * words);
    const eLo = words === 1 ? 0 : buf.readUInt32BE(o + 12);
    const code = countryCode(buf[o + size - 2], buf[o + size - 1]);
    if (done || code < 0 || less64(eHi, eLo, sHi, sLo) || less64(sHi, sLo, nextHi, nextLo)) return null;
    if (less64(nextHi, nextLo, sHi, sLo)) out.push(nextHi, nextLo, 0); // a gap: no country
    out.push(sHi, sLo, code);
    // The key after the end, in the family's width.
    if (words === 1) {
      if (eHi === 0xffffffff) done = true;
      else nextHi = eHi + 1;
    } else if (eLo !== 0xffffffff) {
      nextHi = eHi;
      nextLo = eLo + 1;
    } else if (eHi !== 0xffffffff) {
      nextHi = eHi + 1;
      nextLo = 0;
    } else {
      done = true;
    }
  }
  if (!done) out.push(nextHi, nextLo, 0);
  return out;
}

/**
 * The radix index over gap-filled records (see {@link GeoIndex}); `keyBits` 32 (IPv4) or 64 (IPv6).
 * Undefined if it would not fit the entry encoding (2^26 entries; the data needs about 2^21).
 */
function buildTrie(r: GapFilled, keyBits: 32 | 64): Int32Array | undefined {
  const builder = new TrieBuilder(r, keyBits);
  if (builder.node(0, 0, 0, ROOT_BITS, 0, r.n - 1) < 0) return undefined;
  return builder.trie.slice(0, builder.used);
}

let startHi = 0;
let startLo = 0;

/** The first key of span `j` of a node at (baseHi, baseLo) whose span index sits `shift` bits up: (startHi, startLo). */
function spanStart(baseHi: number, baseLo: number, j: number, shift: number): void {
  if (shift >= 32) {
    startHi = (baseHi | (j << (shift - 32))) >>> 0;
    startLo = baseLo;
  } else {
    startHi = shift === 0 ? baseHi : (baseHi | (j >>> (32 - shift))) >>> 0;
    startLo = (baseLo | (j << shift)) >>> 0;
  }
}

/** Largest node offset an entry can hold (`~(offset << 5 | bits)` must stay a negative int32). */
const MAX_TRIE_OFFSET = 1 << 26;

class TrieBuilder {
  trie: Int32Array;
  used = 0;
  constructor(
    private readonly r: GapFilled,
    private readonly keyBits: number,
  ) {
    this.trie = new Int32Array((1 << ROOT_BITS) + r.n);
  }

  /**
   * Bits of a child node over records from..to after `consumed` bits: sized to the records (about
   * NODE_SPREAD entries each), or, for a large node, deep enough to tell every record's start
   * apart when that takes fewer than MIN_NODE_BITS more bits (no small node left below it: dense
   * IPv6 blocks have records down to /64).
   */
  childBits(from: number, to: number, consumed: number): number {
    let bits = MIN_NODE_BITS;
    while (bits < MAX_NODE_BITS && 1 << bits < (to - from) * NODE_SPREAD) bits++;
    // The deepest bit any start of the span sets (the first record may start before the span).
    const { hi, lo } = this.r;
    let depth = 0;
    for (let k = from + 1; k <= to; k++) {
      const d = lo[k] !== 0 ? 33 + Math.clz32(lo[k] & -lo[k]) : hi[k] !== 0 ? 1 + Math.clz32(hi[k] & -hi[k]) : 0;
      if (d > depth) depth = d;
    }
    const need = depth - consumed;
    if (bits >= ABSORB_FROM_BITS && need > bits && need - bits < MIN_NODE_BITS && need <= MAX_NODE_BITS) bits = need;
    return Math.min(bits, this.keyBits - consumed);
  }

  /**
   * A node for the span starting at (baseHi, baseLo) after `consumed` bits, `bits` wide, whose keys
   * are covered by records first..last; returns its offset, or -1 when the trie outgrew
   * {@link MAX_TRIE_OFFSET}. A node's bits may straddle the two u32 words of an IPv6 key.
   */
  node(baseHi: number, baseLo: number, consumed: number, bits: number, first: number, last: number): number {
    const spans = 1 << bits;
    const offset = this.used;
    if (offset + spans >= MAX_TRIE_OFFSET) return -1;
    this.used += spans;
    if (this.used > this.trie.length) {
      const bigger = new Int32Array(Math.max(this.used, this.trie.length * 2));
      bigger.set(this.trie);
      this.trie = bigger;
    }
    const { hi, lo, codes } = this.r;
    const shift = 64 - consumed - bits; // of the span index within the 64-bit key
    const next = consumed + bits;
    // Per span: the records covering its first and last key (one merge pass over spans and
    // records), then a country, a short search range, or a child node.
    let from = first;
    for (let j = 0; j < spans; j++) {
      let to = last;
      if (j + 1 < spans) {
        // The first key of the next span; the span's last record is the last one starting before it.
        spanStart(baseHi, baseLo, j + 1, shift);
        const nHi = startHi;
        const nLo = startLo;
        to = from;
        while (to < last && less64(hi[to + 1], lo[to + 1], nHi, nLo)) to++;
      }
      let same = true;
      for (let k = from + 1; k <= to && same; k++) same = codes[k] === codes[from];
      let entry: number;
      if (same) {
        entry = codes[from] << 4; // every key of the span has one country
      } else if (to - from <= TRIE_LEAF) {
        entry = (from << 4) | (to - from);
      } else {
        spanStart(baseHi, baseLo, j, shift);
        const childBits = this.childBits(from, to, next);
        const child = this.node(startHi, startLo, next, childBits, from, to);
        if (child < 0) return -1;
        entry = ~((child << 5) | childBits);
      }
      this.trie[offset + j] = entry; // after the call: it may have grown (replaced) the array
      // The next span starts in the record this one ends in, or in the one after it.
      from = to;
      if (j + 1 < spans && to < last) {
        spanStart(baseHi, baseLo, j + 1, shift);
        if (!less64(startHi, startLo, hi[to + 1], lo[to + 1])) from = to + 1;
      }
    }
    return offset;
  }
}

function buildIndex(file: string, words: 1 | 2): GeoIndex | null {
  const records = readRecords(dataFile(file), words);
  if (records === null) return null;
  const n = records.n;
  let starts: Uint32Array;
  if (words === 1) {
    starts = records.hi.slice(0, n);
  } else {
    starts = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) {
      starts[2 * i] = records.hi[i];
      starts[2 * i + 1] = records.lo[i];
    }
  }
  return { starts, codes: records.codes.slice(0, n), trie: undefined, pending: records, keyBits: words === 1 ? 32 : 64, direct: 0 };
}

/** The index's trie, built now if `force` or once its direct lookups are used up; undefined until then. */
function trieOf(index: GeoIndex, force: boolean): Int32Array | undefined {
  if (index.trie !== undefined) return index.trie;
  if (index.pending === undefined) return undefined; // no trie could be built: binary search over all records
  if (!force && index.direct < DIRECT_LOOKUPS) {
    index.direct++;
    return undefined;
  }
  index.trie = buildTrie(index.pending, index.keyBits);
  index.pending = undefined;
  return index.trie;
}

function ipv4Index(): GeoIndex | null {
  if (ipv4IndexCache === undefined) ipv4IndexCache = buildIndex('geoip-country.dat', 1);
  return ipv4IndexCache;
}

function ipv6Index(): GeoIndex | null {
  if (ipv6IndexCache === undefined) ipv6IndexCache = buildIndex('geoip-country6.dat', 2);
  return ipv6IndexCache;
}

/** Country of an IPv4 address given as an unsigned 32-bit number, from the index. */
function lookupIpv4(ip: number): string | undefined {
  const index = ipv4IndexCache ?? ipv4Index();
  if (index === null) return database().lookup(ip)?.country;
  const starts = index.starts;
  const trie = index.trie ?? trieOf(index, false);
  let a = 0;
  let bound = index.codes.length - 1;
  if (trie !== undefined) {
    let entry = trie[ip >>> 16];
    for (let consumed = ROOT_BITS; entry < 0;) {
      const child = ~entry;
      const bits = child & 31;
      consumed += bits;
      entry = trie[(child >>> 5) + ((ip >>> (32 - consumed)) & ((1 << bits) - 1))];
    }
    a = entry >>> 4;
    if ((entry & 15) === 0) return countryNames[a]; // the span's one country
    bound = a + (entry & 15);
  }
  while (a < bound) {
    const mid = (a + bound + 1) >>> 1;
    if (starts[mid] <= ip) a = mid;
    else bound = mid - 1;
  }
  return countryNames[index.codes[a]];
}

/**
 * Country of an IPv6 address from the upper 64 bits of its address: `address` as the parser writes
 * them (four u32, most significant first; only the first two are read). `text` only for the package.
 */
function lookupIpv6(address: Uint32Array, text: string): string | undefined {
  const index = ipv6IndexCache ?? ipv6Index();
  if (index === null) return database().lookup(text)?.country;
  const hi = address[0];
  const lo = address[1];
  const starts = index.starts;
  const trie = index.trie ?? trieOf(index, false);
  let a = 0;
  let bound = index.codes.length - 1;
  if (trie !== undefined) {
    let entry = trie[hi >>> 16];
    for (let consumed = ROOT_BITS; entry < 0;) {
      const child = ~entry;
      const bits = child & 31;
      consumed += bits;
      // The node's bits of the key: in the upper word, in the lower one, or across the two.
      const key =
        consumed <= 32
          ? hi >>> (32 - consumed)
          : consumed - bits >= 32
            ? lo >>> (64 - consumed)
            : (hi << (consumed - 32)) | (lo >>> (64 - consumed));
      entry = trie[(child >>> 5) + (key & ((1 << bits) - 1))];
    }
    a = entry >>> 4;
    if ((entry & 15) === 0) return countryNames[a];
    bound = a + (entry & 15);
  }
  while (a < bound) {
    const mid = (a + bound + 1) >>> 1;
    const sHi = starts[2 * mid];
    if (sHi < hi || (sHi === hi && starts[2 * mid + 1] <= lo)) a = mid;
    else bound = mid - 1;
  }
  return countryNames[index.codes[a]];
}

/** The package's own answer (used for IPv6, and by tests to check the IPv4 index). */
export function packageLookup(ip: string | number): string | undefined {
  return database().lookup(ip)?.country ?? undefined;
}

/** True once the database has been loaded (for tests and readiness probes). */
export function isGeoDatabaseLoaded(): boolean {
  return db !== undefined || ipv4IndexCache !== undefined || ipv6IndexCache !== undefined;
}

/** Loads the database now (e.g. during start-up, to keep the first request fast). */
export function preloadGeoDatabase(): void {
  for (const index of [ipv4Index(), ipv6Index()]) if (index !== null) trieOf(index, true);
  database();
}

/**
 * Addresses that never locate a user: private, loopback, link-local, CGNAT, documentation,
 * multicast and reserved ranges (IPv4 and IPv6). Built lazily.
 */
const SPECIAL_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
let special: CidrSet | undefined;

function specialRanges(): CidrSet {
  if (special !== undefined) return special;
  const list = new CidrSet();
  for (const [net, prefix] of SPECIAL_V4) list.add(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32],
    ['100::', 64],
  ] as const) {
    list.add(net, prefix, 'ipv6');
  }
  special = list;
  return list;
}

const words = new Uint32Array(4);

/**
 * IP address → country code, or a reason why there is none. Never throws. Takes an address as
 * {@link normalizeAddress} returns it (IPv4, or IPv6 without brackets, port or zone id); an
 * IPv4-mapped IPv6 address in any spelling is looked up as IPv4.
 */
export function lookupCountry(ip: string): GeoResult {
  if (typeof ip !== 'string') return { ok: false, reason: 'invalid-ip', detail: `expected an IP address string, got ${typeof ip}` };
  let v4 = parseIPv4(ip);
  if (v4 < 0) {
    if (parseIPv6Range(ip, 0, ip.length, words) === 0) {
      return {
        ok: false,
        reason: 'invalid-ip',
        detail: `${JSON.stringify(ip.length > 60 ? `${ip.slice(0, 57)}...` : ip)} is not an IPv4 or IPv6 address`,
      };
    }
    if (isIPv4Mapped(words)) v4 = words[3];
  }
  const country = v4 >= 0 ? lookupIpv4(v4) : lookupIpv6(words, ip);
  if (typeof country === 'string' && country.length === 2) return { ok: true, country };
  if (specialRanges().has(ip)) {
    return { ok: false, reason: 'private', detail: `${ip} is a private, loopback, link-local or reserved address` };
  }
  return { ok: false, reason: 'not-found', detail: `${ip} is not in the geolocation database` };
}

/**
 * IP address → country code, undefined when it cannot be located (see {@link lookupCountry} for
 * why). The per-request path: no result object, no message, no cache (an index lookup costs less
 * than a string-keyed cache would; measured in bench/runtime.ts). Same answers as lookupCountry.
 */
export const countryForIp: GeoLookup = (ip) => {
  if (typeof ip !== 'string') return undefined;
  let v4 = parseIPv4(ip);
  if (v4 < 0) {
    if (parseIPv6Range(ip, 0, ip.length, words) === 0) return undefined;
    if (!isIPv4Mapped(words)) return lookupIpv6(words, ip);
    v4 = words[3];
  }
  return lookupIpv4(v4);
};

/**
 * The country of an address already parsed by a {@link ClientAddressResolver} (its `lastParsed`),
 * without parsing the text again: what the router calls on every request. Same answers as
 * {@link countryForIp} on the address's text.
 */
export function countryForParsed(address: ParsedAddress, text: string): string | undefined {
  if (address.family === 4) return lookupIpv4(address.v4);
  if (address.family === 6) return isIPv4Mapped(address.v6) ? lookupIpv4(address.v6[3]) : lookupIpv6(address.v6, text);
  return undefined;
}
