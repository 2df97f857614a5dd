/**
 * `taishanglaojun` command line: ask the runtime what it would do.
 *
 *   taishanglaojun route --country DE --prefer us-east-1 [--ip ADDR] [--user ID] [--zone ZONE]
 *                        [--down r1,r2] [--load r=0.9,...] [--latency r=40,...] [--table FILE]
 *   taishanglaojun failover --down r1[,r2] [--load r=0.9,...] [--table FILE]
 *
 * Exit codes: 0 done, 2 bad arguments or routing table, 3 request refused, 1 internal error.
 * Errors never print a stack trace.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { planFailover } from './failover';
import { lookupCountry, type GeoResult } from './geo';
import { DEFAULT_ROUTING_TABLE_PATH, loadRoutingTable } from './load-table';
import { RegionRouter } from './router';
import { RoutingTableError, type RoutingTable } from './routing-table';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_REFUSED = 3;

export const USAGE = `Usage:
  taishanglaojun route --country CC [--prefer REGION] [--ip ADDR] [--user ID] [--zone ZONE]
                       [--down R1,R2] [--load R=FACTOR,...] [--latency R=MS,...] [--table FILE]
      Prints the routing decision as JSON (region, reason, shard, replica).
      Refused requests print {"error":"refused",...} and exit 3.
  taishanglaojun failover --down R1[,R2] [--load R=FACTOR,...] [--table FILE]
      Prints the traffic weights per region with those regions down, and the capacity check.

  --country CC      ISO 3166-1 alpha-2 country of the user (e.g. DE)
  --prefer REGION   region the user asked for (x-preferred-region)
  --ip ADDR         client IPv4/IPv6 address; locates the country when --country is absent
  --user ID         user id: adds the user's shard and replica
  --zone ZONE       the user's residency zone from their account (overrides the country's)
  --down R1,R2      regions to treat as unhealthy
  --load R=F,...    load factor per region (load / capacity, a number >= 0)
  --latency R=MS    latency per region in ms (a number >= 0)
  --table FILE      routing table (default: ${DEFAULT_ROUTING_TABLE_PATH})

Exit codes: 0 ok, 2 bad arguments or table, 3 refused, 1 internal error.`;

/** A bad command line: names the flag, the value and what is allowed. */
export class UsageError extends Error {
  constructor(
    readonly flag: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(value === undefined ? `${flag}: ${allowed}` : `${flag}: ${JSON.stringify(value)} is not valid; ${allowed}`);
    this.name = 'UsageError';
  }
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});

const COMMON = {
  table: { type: 'string' },
  down: { type: 'string' },
  load: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const ROUTE_OPTIONS = {
  ...COMMON,
  country: { type: 'string' },
  prefer: { type: 'string' },
  ip: { type: 'string' },
  user: { type: 'string' },
  zone: { type: 'string' },
  latency: { type: 'string' },
} as const;
const FAILOVER_OPTIONS = { ...COMMON } as const;

function flagList(options: object): string {
  return Object.keys(options)
    .map((k) => `--${k}`)
    .join(', ');
}

function parse<T extends typeof ROUTE_OPTIONS | typeof FAILOVER_OPTIONS>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const message = (err as Error).message;
    const code = (err as { code?: string }).code;
    const flag = /'(-{1,2}[^'\s<]+)/.exec(message)?.[1] ?? '(argument)';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(flag, undefined, `unknown flag for "${command}"; allowed: ${flagList(options)}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const value = /'([^']*)'/.exec(message)?.[1];
      throw new UsageError(command, value, `unexpected argument; "${command}" takes only flags (${flagList(options)})`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = flag.replace(/^-+/, '');
      const spec = (options as Record<string, { type: string }>)[name];
      throw new UsageError(
        flag,
        undefined,
        spec?.type === 'boolean' ? 'takes no value' : 'missing value (use --flag VALUE; a value starting with "-" needs --flag=VALUE)',
      );
    }
    throw new UsageError(flag, undefined, message);
  }
}

function regionNames(table: RoutingTable): string {
  return table.regions.map((r) => r.id).join(', ');
}

function checkRegion(table: RoutingTable, flag: string, value: string): string {
  const id = value.trim();
  if (!table.regions.some((r) => r.id === id)) throw new UsageError(flag, value, `unknown region; allowed: ${regionNames(table)}`);
  return id;
}

function regionList(table: RoutingTable, flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(flag, value, `expected a comma-separated list of regions (${regionNames(table)})`);
  return [...new Set(items.map((item) => checkRegion(table, flag, item)))];
}

function regionNumbers(table: RoutingTable, flag: string, value: string, what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(flag, item, `expected REGION=${what} pairs separated by commas, e.g. eu-west-1=0.5`);
    const region = checkRegion(table, flag, item.slice(0, eq));
    const text = item.slice(eq + 1).trim();
    const num = text === '' ? NaN : Number(text);
    if (!Number.isFinite(num) || num < 0) throw new UsageError(flag, item, `${what} for ${region} must be a number >= 0`);
    out[region] = num;
  }
  return out;
}

function loadTable(path: string | undefined, cwd: string): RoutingTable {
  const file = resolve(cwd, path ?? DEFAULT_ROUTING_TABLE_PATH);
  return loadRoutingTable(file);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function route(args: string[], io: CliIo): number {
  const v = parse(args, ROUTE_OPTIONS, 'route');
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  let country: string | undefined;
  if (v.country !== undefined) {
    if (!/^[A-Za-z]{2}$/.test(v.country))
      throw new UsageError('--country', v.country, 'expected an ISO 3166-1 alpha-2 country code such as DE');
    country = v.country.toUpperCase();
  }
  if (v.ip !== undefined && isIP(v.ip.trim()) === 0)
    throw new UsageError('--ip', v.ip, 'expected an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1');
  if (v.user !== undefined && v.user.trim() === '') throw new UsageError('--user', v.user, 'expected a non-empty user id');
  const table = loadTable(v.table, io.cwd);
  const preferred = v.prefer === undefined ? undefined : checkRegion(table, '--prefer', v.prefer);
  if (v.zone !== undefined && !table.residencyZones.some((z) => z.id === v.zone)) {
    throw new UsageError('--zone', v.zone, `unknown residency zone; allowed: ${table.residencyZones.map((z) => z.id).join(', ')}`);
  }
  const down = new Set(v.down === undefined ? [] : regionList(table, '--down', v.down));
  const loads = v.load === undefined ? {} : regionNumbers(table, '--load', v.load, 'load factor');
  const latencies = v.latency === undefined ? {} : regionNumbers(table, '--latency', v.latency, 'latency in ms');

  let geo: GeoResult | undefined;
  if (v.ip !== undefined) geo = lookupCountry(v.ip.trim());
  const countrySource = country !== undefined ? 'flag' : geo?.ok ? 'ip' : null;
  if (country === undefined && geo?.ok) country = geo.country;

  const router = new RegionRouter(table, { health: (r) => !down.has(r), loads, latencies, geoLookup: () => undefined });
  const decision = router.decide({ country, preferredRegion: preferred, userId: v.user, residencyZone: v.zone });
  const context = { country: country ?? null, countrySource, ...(geo === undefined ? {} : { ip: v.ip?.trim(), geo }), down: [...down] };
  if (decision.kind === 'refused') {
    const { kind: _kind, ...rest } = decision;
    io.stdout(json({ error: 'refused', ...rest, input: context }));
    return EXIT_REFUSED;
  }
  const { kind: _kind, ...rest } = decision;
  io.stdout(json({ ...rest, input: context }));
  return EXIT_OK;
}

function failover(args: string[], io: CliIo): number {
  const v = parse(args, FAILOVER_OPTIONS, 'failover');
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (v.down === undefined)
    throw new UsageError('--down', undefined, 'required: the regions to take down, e.g. --down eu-west-1,eu-central-1');
  const table = loadTable(v.table, io.cwd);
  const down = regionList(table, '--down', v.down);
  const factors = v.load === undefined ? undefined : regionNumbers(table, '--load', v.load, 'load factor');
  // planFailover takes loads in requests; the CLI takes load factors like `route`.
  const loads =
    factors === undefined
      ? undefined
      : Object.fromEntries(Object.entries(factors).map(([r, f]) => [r, f * (table.regions.find((x) => x.id === r)?.capacity ?? 0)]));
  const plan = planFailover(table, down, loads);
  io.stdout(json({ down, weights: plan.weights, capacityCheck: plan.zones, assumedUtilisation: plan.assumedUtilisation }));
  return EXIT_OK;
}

/** Runs the CLI; returns the exit code. Never throws. */
export function main(argv: string[], io: CliIo = defaultIo()): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'route':
        return route(rest, io);
      case 'failover':
        return failover(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${USAGE}\n`);
        return EXIT_OK;
      case undefined:
        throw new UsageError('command', undefined, 'missing; allowed: route, failover, help');
      default:
        throw new UsageError('command', command, 'unknown command; allowed: route, failover, help');
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`taishanglaojun: ${err.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof RoutingTableError) {
      const hint = err.problems.some((p) => p.message.includes('file not found'))
        ? '\n(run `cdktf synth` to generate it, or pass --table FILE)'
        : '';
      io.stderr(`taishanglaojun: ${err.message}${hint}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`taishanglaojun: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
