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

let db: GeoipCountryModule | undefined;

function database(): GeoipCountryModule {
  if (db === undefined) db = require('geoip-country') as GeoipCountryModule;
  return db;
}

/** True once the database has been loaded (for tests and readiness probes). */
export function isGeoDatabaseLoaded(): boolean {
  return db !== undefined;
}

/** Loads the database now (e.g. during start-up, to keep the first request fast). */
export function preloadGeoDatabase(): void {
  database();
}

/**
 * Addresses that never locate a user: private, loopback, link-local, CGNAT, documentation,
 * multicast and reserved ranges (IPv4 and IPv6). Built lazily.
 */
const SPECIAL_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
let special: CidrSet | undefined;

function specialRanges(): CidrSet {
  if (special !== undefined) return special;
  const list = new CidrSet();
  for (const [net, prefix] of SPECIAL_V4) list.add(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64]] as const) {
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
      return { ok: false, reason: 'invalid-ip', detail: `${JSON.stringify(ip.length > 60 ? `${ip.slice(0, 57)}...` : ip)} is not an IPv4 or IPv6 address` };
    }
    family = 6;
  }
  const hit = database().lookup(v4 >= 0 ? v4 : ip);
  const country = hit?.country;
  if (typeof country === 'string' && country.length === 2) return { ok: true, country };
  if (specialRanges().has(family === 4 ? ip : ip.toLowerCase())) {
    return { ok: false, reason: 'private', detail: `${ip} is a private, loopback, link-local or reserved address` };
  }
  return { ok: false, reason: 'not-found', detail: `${ip} is not in the geolocation database` };
}

/** Entries kept by {@link countryForIp}'s cache before it starts over. */
export const GEO_CACHE_SIZE = 16_384;
let cache = new Map<string, string | null>();

/**
 * IP address → country code, undefined when it cannot be located (see {@link lookupCountry} for
 * why). Remembers the last {@link GEO_CACHE_SIZE} addresses (clients repeat; a database lookup
 * costs ~1–2 µs, a cache hit ~50 ns). The cache is dropped whole when full: simple and bounded.
 */
export const countryForIp: GeoLookup = (ip) => {
  const hit = cache.get(ip);
  if (hit !== undefined) return hit ?? undefined;
  const result = lookupCountry(ip);
  if (typeof ip === 'string' && ip.length <= 64) {
    if (cache.size >= GEO_CACHE_SIZE) cache = new Map();
    cache.set(ip, result.ok ? result.country : null);
  }
  return result.ok ? result.country : undefined;
};
