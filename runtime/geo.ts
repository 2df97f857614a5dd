/**
 * IP address → country (ISO 3166-1 alpha-2), offline.
 *
 * Backed by `geoip-country` (MaxMind GeoLite2 Country data shipped inside the npm package,
 * IPv4 and IPv6, republished as the data changes; see docs/runtime-geo.md for the comparison
 * with the other candidates and the licence obligations). The database (~10 MB in memory) is
 * loaded on the first lookup, not at import.
 */
import { isIP } from 'node:net';
import { CidrSet, parseIPv4 } from './client-address';

export type GeoFailure = 'invalid-ip' | 'private' | 'not-found';

export type GeoResult = { ok: true; country: string } | { ok: false; reason: GeoFailure; detail: string };

/** A function from IP address to country code (undefined when unknown); what the router takes. */
export type GeoLookup = (ip: string) => string | undefined;

interface GeoipCountryModule {
  lookup(ip: string | number): { country?: string } | null;
}

/**
 * IPv4 index over geoip-country's own data file (`data/geoip-country.dat`: sorted records of
 * start u32 BE, end u32 BE, two ASCII country letters). The package's `lookup` copies a dozen
 * country-metadata fields into every result (~2 µs); this index answers the same question from
 * typed arrays in ~0.1 µs. The package stays the source of the data and of IPv6 lookups; a test
 * checks that both answer alike on random addresses, and a file that does not look like that
 * format is not indexed (lookups then go through the package).
 */
interface Ipv4Index {
  starts: Uint32Array;
  ends: Uint32Array;
  countries: Uint16Array;
}

const IPV4_RECORD_SIZE = 10;
let db: GeoipCountryModule | undefined;
let ipv4IndexCache: Ipv4Index | null | undefined;

function database(): GeoipCountryModule {
  if (db === undefined) db = require('geoip-country') as GeoipCountryModule;
  return db;
}

function buildIpv4Index(): Ipv4Index | null {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { dirname, join } = require('node:path') as typeof import('node:path');
  const file = join(dirname(require.resolve('geoip-country/package.json')), 'data', 'geoip-country.dat');
  const buf = readFileSync(file);
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
    if (ends[i] < starts[i] || (i > 0 && starts[i] <= ends[i - 1]) || a < 65 || a > 90 || b < 65 || b > 90) return null;
    countries[i] = (a << 8) | b;
  }
  return { starts, ends, countries };
}

function ipv4Index(): Ipv4Index | null {
  if (ipv4IndexCache === undefined) ipv4IndexCache = buildIpv4Index();
  return ipv4IndexCache;
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
  const { starts, ends, countries } = index;
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0 || ip < starts[0]) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= ip) lo = mid;
    else hi = mid - 1;
  }
  return ip <= ends[lo] ? codeName(countries[lo]) : undefined;
}

/** The package's own answer (used for IPv6, and by tests to check the IPv4 index). */
export function packageLookup(ip: string | number): string | undefined {
  return database().lookup(ip)?.country ?? undefined;
}

/** True once the database has been loaded (for tests and readiness probes). */
export function isGeoDatabaseLoaded(): boolean {
  return db !== undefined || ipv4IndexCache !== undefined;
}

/** Loads the database now (e.g. during start-up, to keep the first request fast). */
export function preloadGeoDatabase(): void {
  ipv4Index();
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

/** IP address → country code, or a reason why there is none. Never throws. */
export function lookupCountry(ip: string): GeoResult {
  if (typeof ip !== 'string') return { ok: false, reason: 'invalid-ip', detail: `expected an IP address string, got ${typeof ip}` };
  const v4 = parseIPv4(ip);
  let family: 4 | 6 = 4;
  if (v4 < 0) {
    if (isIP(ip) !== 6) {
      return {
        ok: false,
        reason: 'invalid-ip',
        detail: `${JSON.stringify(ip.length > 60 ? `${ip.slice(0, 57)}...` : ip)} is not an IPv4 or IPv6 address`,
      };
    }
    family = 6;
  }
  const country = v4 >= 0 ? lookupIpv4(v4) : packageLookup(ip);
  if (typeof country === 'string' && country.length === 2) return { ok: true, country };
  if (specialRanges().has(family === 4 ? ip : ip.toLowerCase())) {
    return { ok: false, reason: 'private', detail: `${ip} is a private, loopback, link-local or reserved address` };
  }
  return { ok: false, reason: 'not-found', detail: `${ip} is not in the geolocation database` };
}

/**
 * IP address → country code, undefined when it cannot be located (see {@link lookupCountry} for
 * why). No cache: an IPv4 lookup in the index costs less than a string-keyed cache would
 * (measured in bench/runtime.ts).
 */
export const countryForIp: GeoLookup = (ip) => {
  const result = lookupCountry(ip);
  return result.ok ? result.country : undefined;
};
