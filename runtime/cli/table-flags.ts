/**
 * Flags that name things of the routing table (`--table`, regions, per-region numbers), shared by
 * the commands that read the table.
 */
import { resolve } from 'node:path';
import { DEFAULT_ROUTING_TABLE_PATH, loadRoutingTable } from '../load-table';
import type { RoutingTable } from '../routing-table';
import { unknownName } from '../private/unknown-name';
import { UsageError } from './command';

/** Largest `--load` factor taken (load / capacity): a region at a thousand times its capacity is a typing mistake. */
export const MAX_LOAD_FACTOR = 1000;
/** Largest `--latency` taken, in ms (an hour). */
export const MAX_LATENCY_MS = 3_600_000;

/** Help text of `--table`. */
export const TABLE_FLAG_HELP = `--table FILE      routing table (default: ${DEFAULT_ROUTING_TABLE_PATH}; \`npm run synth\` writes it)`;

/** Reads the table named by `--table` (relative to `cwd`), or the default one synth writes. */
export function loadTableFlag(path: string | undefined, cwd: string): RoutingTable {
  // An empty value resolved to the working directory ("… is a directory").
  if (path !== undefined && path.trim() === '')
    throw new UsageError('--table', path, 'an empty value is not allowed; allowed: a routing table file');
  return loadRoutingTable(resolve(cwd, path ?? DEFAULT_ROUTING_TABLE_PATH));
}

function regionNames(table: RoutingTable): string {
  return table.regions.map((r) => r.id).join(', ');
}

/** A region id of the table, case-insensitive like the router (`EU-West-1` is `eu-west-1`). */
export function regionFlag(table: RoutingTable, flag: string, value: string): string {
  const id = value.trim().toLowerCase();
  const ids = table.regions.map((r) => r.id);
  if (!ids.includes(id)) throw new UsageError(flag, value, unknownName('region', undefined, ids));
  return id;
}

/** A comma-separated list of region ids, without duplicates. */
export function regionListFlag(table: RoutingTable, flag: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(flag, value, `expected a comma-separated list of regions (${regionNames(table)})`);
  return [...new Set(items.map((item) => regionFlag(table, flag, item)))];
}

/** `REGION=NUMBER,...` with finite numbers from 0 to `max`. */
export function regionNumbersFlag(table: RoutingTable, flag: string, value: string, what: string, max: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(flag, item, `expected REGION=${what} pairs separated by commas, e.g. eu-west-1=0.5`);
    const region = regionFlag(table, flag, item.slice(0, eq));
    if (Object.prototype.hasOwnProperty.call(out, region))
      throw new UsageError(flag, item, `${region} is given twice; allowed: each region once`);
    const text = item.slice(eq + 1).trim();
    // Decimal only: Number() also reads "0x10" as 16, "1e3" stays allowed (a decimal exponent).
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(num) || num < 0 || num > max)
      throw new UsageError(flag, item, `${what} for ${region} must be a decimal number from 0 to ${max}`);
    out[region] = num;
  }
  return out;
}
