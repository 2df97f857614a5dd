/**
 * `taishanglaojun cost`: ranks the regions of a workload's residency zone by monthly cost and says
 * whether moving pays back its migration cost.
 */
import { resolve } from 'node:path';
import { DEFAULT_PRICES_PATH } from '../cost-defaults';
import { ProblemsError } from '../problem';
import { EXIT_OK, EXIT_USAGE, json, parseFlags, UsageError, type CliCommand, type CliIo } from './command';
import { loadTableFlag, TABLE_FLAG_HELP } from './table-flags';

const FLAGS = {
  profile: { type: 'string' },
  table: { type: 'string' },
  prices: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `  taishanglaojun cost --profile FILE [--table FILE] [--prices FILE] [--json]
      Ranks the regions of the workload's residency zone by monthly cost (only that zone: residency
      is never traded for cost) and says whether moving pays back its one-off migration cost.

      --profile FILE    workload profile (JSON): residencyZone, currentRegion, cpuHours, storageGb,
                        networkGb, migrationCost, optional name and maxPaybackMonths (default 6)
      ${TABLE_FLAG_HELP}
      --prices FILE     unit prices per region (default: ${DEFAULT_PRICES_PATH}; synth writes it)
      --json            print the plan as JSON instead of a table`;

function run(args: string[], io: CliIo): number {
  const v = parseFlags(args, FLAGS, 'cost');
  if (v.help) {
    io.stdout(`Usage:\n${USAGE}\n`);
    return EXIT_OK;
  }
  if (v.profile === undefined)
    throw new UsageError('--profile', undefined, 'required: a workload profile JSON file, e.g. --profile workload.json');
  // An empty value resolved to the working directory ("… is a directory"), as --table= did.
  if (v.profile.trim() === '')
    throw new UsageError('--profile', v.profile, 'an empty value is not allowed; allowed: a workload profile JSON file');
  if (v.prices !== undefined && v.prices.trim() === '')
    throw new UsageError('--prices', v.prices, 'an empty value is not allowed; allowed: a price file (JSON)');
  const table = loadTableFlag(v.table, io.cwd);
  // Loaded here, not at the top: the planner validates with zod, which no other command needs.
  const { parsePriceFile, parseWorkloadProfile, planWorkloadCost, readJsonFile, renderCostPlan } =
    require('../cost') as typeof import('../cost');
  try {
    const profileFile = resolve(io.cwd, v.profile);
    const profile = parseWorkloadProfile(readJsonFile(profileFile, 'workload profile'), table, `workload profile ${profileFile}`);
    const pricesFile = resolve(io.cwd, v.prices ?? DEFAULT_PRICES_PATH);
    const prices = parsePriceFile(readJsonFile(pricesFile, 'price file'), `price file ${pricesFile}`);
    const plan = planWorkloadCost(table, prices, profile, `price file ${pricesFile}`);
    io.stdout(v.json ? json(plan) : renderCostPlan(plan));
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof ProblemsError)) throw err;
    const hint =
      err.problems.some((p) => p.message === 'file not found') && err.subject.startsWith('price file')
        ? '\n(run `npm run synth` to generate it, or pass --prices FILE)'
        : '';
    io.stderr(`taishanglaojun: ${err.message}${hint}\n`);
    return EXIT_USAGE;
  }
}

/** `taishanglaojun cost`. */
export const costCommand: CliCommand = { name: 'cost', usage: USAGE, run };
