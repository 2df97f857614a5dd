/**
 * `taishanglaojun route`: the routing decision the gateway would make for one request.
 */
import { isIP } from 'node:net';
import { isCountryCode } from '../country-codes';
import { lookupCountry, type GeoResult } from '../geo';
import { unknownName } from '../private/unknown-name';
import { RegionRouter } from '../router';
import { EXIT_OK, EXIT_REFUSED, json, parseFlags, UsageError, type CliCommand, type CliIo } from './command';
import {
  loadTableFlag,
  MAX_LATENCY_MS,
  MAX_LOAD_FACTOR,
  regionFlag,
  regionListFlag,
  regionNumbersFlag,
  TABLE_FLAG_HELP,
} from './table-flags';

const FLAGS = {
  country: { type: 'string' },
  prefer: { type: 'string' },
  ip: { type: 'string' },
  user: { type: 'string' },
  zone: { type: 'string' },
  down: { type: 'string' },
  load: { type: 'string' },
  latency: { type: 'string' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `  taishanglaojun route [--country CC] [--ip ADDR] [--prefer REGION] [--user ID] [--zone ZONE]
                       [--down R1,R2] [--load R=FACTOR,...] [--latency R=MS,...] [--table FILE]
      Prints the routing decision as JSON (region, reason, shard, replica).
      Refused requests print {"error":"refused",...} and exit 3.

      --country CC      ISO 3166-1 alpha-2 country of the user (e.g. DE)
      --prefer REGION   region the user asked for (x-preferred-region; case-insensitive)
      --ip ADDR         client IPv4/IPv6 address; locates the country when --country is absent
      --user ID         user id: adds the user's shard and replica
      --zone ZONE       the user's residency zone from their account (overrides the country's; case-insensitive)
      --down R1,R2      regions to treat as unhealthy
      --load R=F,...    load factor per region (load / capacity, a number 0..1000)
      --latency R=MS    latency per region in ms (a number 0..3600000)
      ${TABLE_FLAG_HELP}`;

function countryFlag(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) throw new UsageError('--country', value, 'expected an ISO 3166-1 alpha-2 country code such as DE');
  if (!isCountryCode(code))
    throw new UsageError(
      '--country',
      value,
      'not an ISO 3166-1 alpha-2 country code in use (e.g. DE, GB, US; codes such as ZZ or UK are not countries)',
    );
  return code;
}

function run(args: string[], io: CliIo): number {
  const v = parseFlags(args, FLAGS, 'route');
  if (v.help) {
    io.stdout(`Usage:\n${USAGE}\n`);
    return EXIT_OK;
  }
  let country = v.country === undefined ? undefined : countryFlag(v.country);
  if (v.ip !== undefined && (isIP(v.ip.trim()) === 0 || v.ip.includes('%')))
    throw new UsageError('--ip', v.ip, 'expected an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1 (no zone id such as %eth0)');
  if (v.user !== undefined && v.user.trim() === '') throw new UsageError('--user', v.user, 'expected a non-empty user id');
  const table = loadTableFlag(v.table, io.cwd);
  const preferred = v.prefer === undefined ? undefined : regionFlag(table, '--prefer', v.prefer);
  const zone = v.zone === undefined ? undefined : v.zone.trim().toLowerCase(); // as the router reads it
  if (zone !== undefined && !table.residencyZones.some((z) => z.id === zone)) {
    const zones = table.residencyZones.map((z) => z.id);
    throw new UsageError('--zone', v.zone, unknownName('residency zone', undefined, zones));
  }
  const down = new Set(v.down === undefined ? [] : regionListFlag(table, '--down', v.down));
  const loads = v.load === undefined ? {} : regionNumbersFlag(table, '--load', v.load, 'load factor', MAX_LOAD_FACTOR);
  const latencies = v.latency === undefined ? {} : regionNumbersFlag(table, '--latency', v.latency, 'latency in ms', MAX_LATENCY_MS);

  let geo: GeoResult | undefined;
  if (v.ip !== undefined) geo = lookupCountry(v.ip.trim());
  const countrySource = country !== undefined ? 'flag' : geo?.ok ? 'ip' : null;
  if (country === undefined && geo?.ok) country = geo.country;

  const router = new RegionRouter(table, { health: (r) => !down.has(r), loads, latencies, geoLookup: () => undefined });
  const decision = router.decide({ country, preferredRegion: preferred, userId: v.user, residencyZone: zone });
  const context = { country: country ?? null, countrySource, ...(geo === undefined ? {} : { ip: v.ip?.trim(), geo }), down: [...down] };
  const { kind, ...rest } = decision;
  if (kind === 'refused') {
    io.stdout(json({ error: 'refused', ...rest, input: context }));
    return EXIT_REFUSED;
  }
  io.stdout(json({ ...rest, input: context }));
  return EXIT_OK;
}

/** `taishanglaojun route`. */
export const routeCommand: CliCommand = { name: 'route', usage: USAGE, run };
