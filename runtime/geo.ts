/**
 * IP address → country (ISO 3166-1 alpha-2), offline.
 *
 * Backed by `geoip-country` (MaxMind GeoLite2 Country data shipped inside the npm package,
 * IPv4 and IPv6, republished as the data changes; see docs/runtime-geo.md for the comparison
 * with the other candidates and the licence obligations). The database (~10 MB in memory) is
 * loaded on the first lookup, not at import.
 */
import { CidrSet, type ParsedAddress } from './client-address';
import { isIPv4Mapped, parseIPv4, parseIPv6Range } from './private/ip';

export type GeoFailure = 'invalid-ip' | 'private' | 'not-found';

export type GeoResult = { ok: true; country: string } | { ok: false; reason: GeoFailure; detail: string };

/** A function from IP address to country code (undefined when unknown); what the router takes. */
export type GeoLookup = (ip: string) => string | undefined;

interface GeoipCountryModule {
  lookup(ip: string | number): { country?: string } | null;
}

/**
 * Indexes over geoip-country's own data files, in typed arrays:
 * - IPv4 (`data/geoip-country.dat`): sorted records of start u32 BE, end u32 BE, two ASCII letters;
 * - IPv6 (`data/geoip-country6.dat`): sorted records of start and end as the upper 64 bits of the
 *   address (u64 BE each), two ASCII letters (the package, too, looks only at the upper 64 bits).
 * The package's `lookup` copies a dozen country-metadata fields into every result (~2 µs) and
 * parses IPv6 through BigInt (~20 µs); these indexes answer the same question in a binary search.
 * The package stays the source of the data; tests check that both answer alike on random
 * addresses of both families, and a file that does not look like that format is not indexed
 * (lookups then go through the package).
 */
interface Ipv4Index {
  starts: Uint32Array;
  ends: Uint32Array;
  countries: Uint16Array;
  /** `starts[k * BLOCK]`: searched first, small enough to stay in cache (see {@link BLOCK}). */
  samples: Uint32Array;
}

interface Ipv6Index {
  /** Upper and lower 32 bits of each record's 64-bit start, interleaved (one cache line per probe). */
  starts: Uint32Array;
  /** The same for the ends. */
  ends: Uint32Array;
  countries: Uint16Array;
  /** Record `k * BLOCK`'s start, interleaved like `starts`. */
  samples: Uint32Array;
}

/**
 * Records per block of the two-level search: a binary search over every BLOCK-th start (~22 KB
 * for IPv4, ~32 KB for IPv6: stays in cache), then one over the BLOCK records of the block (a few
 * cache lines). A plain binary search over the 3.5 MB / 4.5 MB arrays misses the cache at almost
 * every one of its 18 steps.
 */
const BLOCK = 64;

const IPV4_RECORD_SIZE = 10;
const IPV6_RECORD_SIZE = 18;
let db: GeoipCountryModule | undefined;
let ipv4IndexCache: Ipv4Index | null | undefined;
let ipv6IndexCache: Ipv6Index | null | undefined;

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

function buildIpv4Index(): Ipv4Index | null {
  const buf = dataFile('geoip-country.dat');
  if (buf.length === 0 || buf.length % IPV4_RECORD_SIZE !== 0) return null;
  const n = buf.length / IPV4_RECORD_SIZE;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const countries = new Uint16Array(n);
  for (let i = 0, o = 0; i < n; i++, o += IPV4_RECORD_SIZE) {
    starts[i] = buf.readUInt32BE(o);
    ends[i] = buf.readUInt32BE(o + 4);
    const a = buf[o + 8];
    const b = buf[o + 9];
    if (ends[i] < starts[i] || (i > 0 && starts[i] <= ends[i - 1]) || !isLetter(a) || !isLetter(b)) return null;
    countries[i] = (a << 8) | b;
  }
  const samples = new Uint32Array(Math.ceil(n / BLOCK));
  for (let k = 0; k < samples.length; k++) samples[k] = starts[k * BLOCK];
  return { starts, ends, countries, samples };
}

/** (aHi, aLo) < (bHi, bLo) as unsigned 64-bit numbers. */
function less64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

function buildIpv6Index(): Ipv6Index | null {
  const buf = dataFile('geoip-country6.dat');
  if (buf.length === 0 || buf.length % IPV6_RECORD_SIZE !== 0) return null;
  const n = buf.length / IPV6_RECORD_SIZE;
  const starts = new Uint32Array(2 * n);
  const ends = new Uint32Array(2 * n);
  const countries = new Uint16Array(n);
  for (let i = 0, o = 0; i < n; i++, o += IPV6_RECORD_SIZE) {
    const sHi = (starts[2 * i] = buf.readUInt32BE(o));
    const sLo = (starts[2 * i + 1] = buf.readUInt32BE(o + 4));
    const eHi = (ends[2 * i] = buf.readUInt32BE(o + 8));
    const eLo = (ends[2 * i + 1] = buf.readUInt32BE(o + 12));
    const a = buf[o + 16];
    const b = buf[o + 17];
    if (less64(eHi, eLo, sHi, sLo) || (i > 0 && !less64(ends[2 * i - 2], ends[2 * i - 1], sHi, sLo)) || !isLetter(a) || !isLetter(b))
      return null;
    countries[i] = (a << 8) | b;
  }
  const blocks = Math.ceil(n / BLOCK);
  const samples = new Uint32Array(2 * blocks);
  for (let k = 0; k < blocks; k++) {
    samples[2 * k] = starts[2 * k * BLOCK];
    samples[2 * k + 1] = starts[2 * k * BLOCK + 1];
  }
  return { starts, ends, countries, samples };
}

function ipv4Index(): Ipv4Index | null {
  if (ipv4IndexCache === undefined) ipv4IndexCache = buildIpv4Index();
  return ipv4IndexCache;
}

function ipv6Index(): Ipv6Index | null {
  if (ipv6IndexCache === undefined) ipv6IndexCache = buildIpv6Index();
  return ipv6IndexCache;
}

const codeNames = new Map<number, string>();
function codeName(code: number): string {
  let name = codeNames.get(code);
  if (name === undefined) {
    name = String.fromCharCode(code >> 8, code & 255);
    codeNames.set(code, name);
  }
  return name;
}

/** Country of an IPv4 address given as an unsigned 32-bit number, from the index. */
function lookupIpv4(ip: number): string | undefined {
  const index = ipv4Index();
  if (index === null) return database().lookup(ip)?.country;
  const { starts, ends, countries, samples } = index;
  if (samples.length === 0 || ip < samples[0]) return undefined;
  // The last block whose first start is <= ip, then the last record of it whose start is <= ip.
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (samples[mid] <= ip) lo = mid;
    else hi = mid - 1;
  }
  lo *= BLOCK;
  hi = Math.min(starts.length, lo + BLOCK) - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= ip) lo = mid;
    else hi = mid - 1;
  }
  return ip <= ends[lo] ? codeName(countries[lo]) : undefined;
}

/** Country of an IPv6 address from the upper 64 bits of its address (`hi`, `lo`: two u32 words). */
function lookupIpv6(hi: number, lo: number, text: string): string | undefined {
  const index = ipv6Index();
  if (index === null) return database().lookup(text)?.country;
  const { starts, ends, countries, samples } = index;
  const blocks = samples.length >>> 1;
  if (blocks === 0 || less64(hi, lo, samples[0], samples[1])) return undefined;
  let a = 0;
  let b = blocks - 1;
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    if (!less64(hi, lo, samples[2 * mid], samples[2 * mid + 1])) a = mid;
    else b = mid - 1;
  }
  a *= BLOCK;
  b = Math.min(countries.length, a + BLOCK) - 1;
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    if (!less64(hi, lo, starts[2 * mid], starts[2 * mid + 1])) a = mid;
    else b = mid - 1;
  }
  return less64(ends[2 * a], ends[2 * a + 1], hi, lo) ? undefined : codeName(countries[a]);
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
  ipv4Index();
  ipv6Index();
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
    if (!parseIPv6Range(ip, 0, ip.length, words)) {
      return {
        ok: false,
        reason: 'invalid-ip',
        detail: `${JSON.stringify(ip.length > 60 ? `${ip.slice(0, 57)}...` : ip)} is not an IPv4 or IPv6 address`,
      };
    }
    if (isIPv4Mapped(words)) v4 = words[3];
  }
  const country = v4 >= 0 ? lookupIpv4(v4) : lookupIpv6(words[0], words[1], ip);
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
    if (!parseIPv6Range(ip, 0, ip.length, words)) return undefined;
    if (!isIPv4Mapped(words)) return lookupIpv6(words[0], words[1], ip);
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
  if (address.family === 6) return isIPv4Mapped(address.v6) ? lookupIpv4(address.v6[3]) : lookupIpv6(address.v6[0], address.v6[1], text);
  return undefined;
}
