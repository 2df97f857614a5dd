/**
 * `taishanglaojun failover`: the traffic weights with some regions down, and whether each zone can
 * absorb the load.
 */
import { planFailover } from '../failover';
import { EXIT_OK, json, parseFlags, UsageError, type CliCommand, type CliIo } from './command';
import { loadTableFlag, MAX_LOAD_FACTOR, regionListFlag, regionNumbersFlag, TABLE_FLAG_HELP } from './table-flags';

const FLAGS = {
  down: { type: 'string' },
  load: { type: 'string' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `  taishanglaojun failover --down R1[,R2] [--load R=FACTOR,...] [--table FILE]
      Prints the traffic weights per region with those regions down, and the capacity check.

      --down R1,R2      regions to take down (required)
      --load R=F,...    load factor per region (load / capacity, a number 0..1000)
      ${TABLE_FLAG_HELP}`;

function run(args: string[], io: CliIo): number {
  const v = parseFlags(args, FLAGS, 'failover');
  if (v.help) {
    io.stdout(`Usage:\n${USAGE}\n`);
    return EXIT_OK;
  }
  if (v.down === undefined)
    throw new UsageError('--down', undefined, 'required: the regions to take down, e.g. --down eu-west-1,eu-central-1');
  const table = loadTableFlag(v.table, io.cwd);
  const down = regionListFlag(table, '--down', v.down);
  const factors = v.load === undefined ? undefined : regionNumbersFlag(table, '--load', v.load, 'load factor', MAX_LOAD_FACTOR);
  // planFailover takes loads in requests; the CLI takes load factors like `route`.
  const loads =
    factors === undefined
      ? undefined
      : Object.fromEntries(Object.entries(factors).map(([r, f]) => [r, f * (table.regions.find((x) => x.id === r)?.capacity ?? 0)]));
  const plan = planFailover(table, down, loads);
  io.stdout(json({ down, weights: plan.weights, capacityCheck: plan.zones, assumedUtilisation: plan.assumedUtilisation }));
  return EXIT_OK;
}

/** `taishanglaojun failover`. */
export const failoverCommand: CliCommand = { name: 'failover', usage: USAGE, run };
