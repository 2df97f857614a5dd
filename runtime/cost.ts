/**
 * The residency-aware cost planner. The design's `findOptimalRegion` ranked every region of the
 * world and would move an EU workload to the cheapest region anywhere; this one ranks only the
 * regions of the workload's own residency zone (never another zone, even one its data may be
 * copied to: a copy is not a home), and says whether moving is worth its one-off migration cost.
 *
 * Inputs: the routing table (regions and residency zones) and the price file synth writes
 * (`cdktf.out/reports/prices.json`, unit prices per region derived from the config's price table).
 * Pure and deterministic: equal totals are ordered by region id.
 */
import { jsonParseFailure } from './private/json-text';
import { z } from 'zod';
import { formatPath, ProblemsError, valueAt, type Problem } from './problem';
import type { RoutingTable } from './routing-table';
import { findDuplicateKeys, jsonNestedDeeperThan, MAX_JSON_DEPTH } from './json-duplicate-keys';
import { FileTooLargeError, PIPE_WAIT_MS, PipeTimeoutError, readTextBounded } from './read-bounded';
import { disallowedName, unknownName } from './private/unknown-name';
import { priceAgeMonths, priceDateText } from './price-date';
import { REGION_ID } from './ids';

export { priceAgeMonths, priceDateProblem } from './price-date';

export { DEFAULT_PRICES_PATH } from './cost-defaults';

/**
 * Largest usage or cost a profile may state (per month, or one-off): a trillion. Bigger numbers are
 * typing mistakes, and products of them overflow to Infinity and NaN in the plan.
 */
export const MAX_PROFILE_QUANTITY = 1e12;
/** Largest unit price a price file may state (per vCPU-hour, GB-month or GB). */
export const MAX_UNIT_PRICE = 1e6;

/**
 * Control characters, the line and paragraph separators (a terminal or log viewer breaks the line
 * there) and bidirectional overrides: refused in text the planner prints to the terminal.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;

/** Text printed to the terminal: 1..max characters, not blank, no control characters. */
const printedText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(NO_CONTROL_CHARACTERS, 'must not hold control characters (it is printed to the terminal)')
    .refine((n) => n.trim() !== '', 'must not be blank');

const nonNegative = (what: string) =>
  z
    .number({
      // zod refuses Infinity and NaN as not numbers: say what they are (JSON's 1e999 reads as Infinity).
      error: (issue) => (typeof issue.input === 'number' ? `must be a finite number (${what})` : `must be a number (${what})`),
    })
    .refine((n) => n >= 0, `must be >= 0 (${what})`)
    .refine((n) => n <= MAX_PROFILE_QUANTITY, `is too large; allowed: at most ${MAX_PROFILE_QUANTITY} (${what})`);

/** A workload as the planner sees it: what it uses per month, where it lives and what moving costs. */
export const workloadProfileSchema = z
  .object({
    /** Name shown in the output. @default "workload" */
    name: printedText(100).default('workload'),
    /** Residency zone of the workload's data, e.g. "emea" (ids are lower-case; "EMEA" is read as "emea", as `route` does). */
    residencyZone: z
      .string()
      .min(1)
      .transform((v) => v.toLowerCase()),
    /** Region the workload runs in now (lower-cased, as `route` does). */
    currentRegion: z
      .string()
      .min(1)
      .transform((v) => v.toLowerCase()),
    /** vCPU-hours per month. */
    cpuHours: nonNegative('vCPU-hours per month'),
    /** Stored GB (GB-month). */
    storageGb: nonNegative('GB stored'),
    /** GB sent to the internet per month. */
    networkGb: nonNegative('GB sent per month'),
    /** One-off cost of moving the workload to another region (same currency as the prices). */
    migrationCost: nonNegative('one-off cost'),
    /** Moving is worth it when the monthly saving pays the migration back within this many months. @default 6 */
    maxPaybackMonths: z
      .number()
      .refine((n) => Number.isFinite(n) && n > 0 && n <= 1200, 'is not allowed; allowed: a number of months > 0 and <= 1200')
      .default(6),
  })
  .strict();

export type WorkloadProfile = z.output<typeof workloadProfileSchema>;
export type WorkloadProfileInput = z.input<typeof workloadProfileSchema>;

const unitPrice = z
  .number()
  .refine((n) => Number.isFinite(n) && n >= 0 && n <= MAX_UNIT_PRICE, `is not allowed; allowed: a price 0..${MAX_UNIT_PRICE}`);

/** Unit prices per region (what `prices.json` holds). */
export const priceFileSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"'),
    /** Where the prices come from (printed with every plan). */
    source: printedText(1000),
    /** When they were read: "YYYY-MM" or "YYYY-MM-DD" (as the config's price table): a real date, not in the future. */
    asOf: priceDateText,
    /** By region id (lower-cased, as the profile's region is: "EU-WEST-1" is eu-west-1). */
    regions: z.record(
      z.string().transform((id) => id.toLowerCase()),
      z
        .object({
          /** Price of one vCPU-hour on demand (> 0: synth derives it from instance prices, which are; a 0 made a region's compute free). */
          vcpuHour: z
            .number()
            .refine(
              (n) => Number.isFinite(n) && n > 0 && n <= MAX_UNIT_PRICE,
              `is not allowed; allowed: a price > 0 and <= ${MAX_UNIT_PRICE} (compute is never free)`,
            ),
          /** Object storage per GB-month. */
          storageGbMonth: unitPrice,
          /** Data sent to the internet per GB. */
          networkGb: unitPrice,
        })
        .strict(),
    ),
  })
  .strict();

export type PriceFile = z.output<typeof priceFileSchema>;

/** Prices older than this many months get a note with the plan: providers change them. */
export const STALE_PRICE_MONTHS = 12;

/** One region's cost for the workload, per month. */
export interface RegionCost {
  readonly region: string;
  readonly compute: number;
  readonly storage: number;
  readonly network: number;
  readonly total: number;
}

/** "a" or "an" before a type name ("an object", "a number"). */
const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** The planner's answer. */
export interface CostPlan {
  readonly workload: string;
  readonly residencyZone: string;
  readonly currency: string;
  readonly pricesAsOf: string;
  /** Where the prices come from (the price file's `source`). */
  readonly pricesSource: string;
  /** Regions of the zone, cheapest first; equal totals by region id. */
  readonly ranking: readonly RegionCost[];
  readonly currentRegion: string;
  readonly cheapestRegion: string;
  /** Current total − cheapest total (0 when the current region is the cheapest). */
  readonly monthlySaving: number;
  readonly migrationCost: number;
  /** migrationCost ÷ monthlySaving; null when nothing is saved. */
  readonly paybackMonths: number | null;
  readonly maxPaybackMonths: number;
  /** True when a cheaper region pays the migration back within maxPaybackMonths. */
  readonly migrate: boolean;
  readonly recommendation: string;
}

function zodProblems(input: unknown, error: z.ZodError, prefix: string, rootFields?: readonly string[]): Problem[] {
  return error.issues.map((issue) => {
    const value = issue.code === 'unrecognized_keys' ? undefined : valueAt(input, issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys')
      message =
        `has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` +
        (issue.path.length === 0 && rootFields ? `; allowed: ${rootFields.join(', ')}` : '');
    else if (issue.code === 'invalid_type' && value === undefined)
      message = `is missing; it must be ${article(String(issue.expected))} ${issue.expected}`;
    else if (issue.code === 'invalid_type' && /^Invalid input/.test(message))
      message = `is not allowed; allowed: ${article(String(issue.expected))} ${issue.expected}`;
    else if (issue.code === 'too_small' && issue.origin === 'string') message = 'must not be empty';
    else if (issue.code === 'too_big' && issue.origin === 'string') message = `must be at most ${String(issue.maximum)} characters`;
    const path = formatPath(issue.path);
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, value, message };
  });
}

/** Validates a workload profile against the schema and the routing table (zone and region exist, region in zone). */
export function parseWorkloadProfile(input: unknown, table: RoutingTable, subject = 'workload profile'): WorkloadProfile {
  const parsed = workloadProfileSchema.safeParse(input);
  if (!parsed.success) throw new ProblemsError(subject, zodProblems(input, parsed.error, '', Object.keys(workloadProfileSchema.shape)));
  const profile = parsed.data;
  const problems: Problem[] = [];
  const zone = table.residencyZones.find((z) => z.id === profile.residencyZone);
  if (!zone)
    problems.push({
      path: 'residencyZone',
      value: profile.residencyZone,
      message: `is an ${unknownName(
        'residency zone of the routing table',
        undefined,
        table.residencyZones.map((z) => z.id),
      )}`,
    });
  const region = table.regions.find((r) => r.id === profile.currentRegion);
  if (!region)
    problems.push({
      path: 'currentRegion',
      value: profile.currentRegion,
      message: `is an ${unknownName(
        'region of the routing table',
        undefined,
        table.regions.map((r) => r.id),
      )}`,
    });
  else if (!region.services.includes('compute'))
    problems.push({
      path: 'currentRegion',
      value: profile.currentRegion,
      message: disallowedName(
        `runs no compute (services: ${region.services.join(', ')}): no workload runs there`,
        table.regions
          .filter((r) => r.residencyZone === (zone?.id ?? region.residencyZone) && r.services.includes('compute'))
          .map((r) => r.id),
      ),
    });
  else if (zone && region.residencyZone !== zone.id)
    problems.push({
      path: 'currentRegion',
      value: profile.currentRegion,
      message: disallowedName(
        `is in residency zone ${JSON.stringify(region.residencyZone)}, not the workload's zone ${JSON.stringify(zone.id)}`,
        zone.regions,
      ),
    });
  if (problems.length) throw new ProblemsError(subject, problems);
  return profile;
}

/** Validates a price file. */
export function parsePriceFile(input: unknown, subject = 'price file'): PriceFile {
  const parsed = priceFileSchema.safeParse(input);
  if (!parsed.success) throw new ProblemsError(subject, zodProblems(input, parsed.error, ''));
  const keys = Object.keys((input as { regions: object }).regions);
  // A key that is no region id ("__proto__" set the prototype and vanished; "constructor"): named.
  const notIds = keys.filter((k) => !REGION_ID.pattern.test(k.toLowerCase()));
  if (notIds.length)
    throw new ProblemsError(
      subject,
      notIds.map((k) => ({ path: `regions.${k}`, message: `is not a region id; allowed: ${REGION_ID.allowed}` })),
    );
  // Two keys that differ only in case would be one region after lower-casing (the last one kept).
  const clashes = keys.filter((k, i) => keys.findIndex((o) => o.toLowerCase() === k.toLowerCase()) !== i);
  if (clashes.length)
    throw new ProblemsError(
      subject,
      clashes.map((k) => ({
        path: `regions.${k}`,
        message: `is the region ${JSON.stringify(k.toLowerCase())} again (ids are not case-sensitive); each region once`,
      })),
    );
  return parsed.data;
}

/** Largest profile or price file read, in bytes (both are a few KB). */
export const MAX_COST_FILE_BYTES = 1024 * 1024;

/**
 * Reads and parses a JSON file; a missing, unreadable, over-large (more than
 * {@link MAX_COST_FILE_BYTES}, devices and pipes included) or malformed file, or one that repeats
 * a key inside an object (JSON.parse would keep the last silently), is a problem naming the file.
 */
export function readJsonFile(file: string, subject: string, pipeWaitMs = PIPE_WAIT_MS): unknown {
  let text: string;
  try {
    text = readTextBounded(file, MAX_COST_FILE_BYTES, pipeWaitMs);
  } catch (e) {
    if (e instanceof FileTooLargeError)
      throw new ProblemsError(`${subject} ${file}`, [{ path: '', message: `is too large; at most ${MAX_COST_FILE_BYTES} bytes are read` }]);
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      e instanceof PipeTimeoutError
        ? `is a FIFO or pipe and nothing was written to it within ${e.waitedMs} ms`
        : code === 'ENOENT'
          ? 'file not found'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot be read (${code ?? (e as Error).message})`;
    throw new ProblemsError(`${subject} ${file}`, [{ path: '', message: why }]);
  }
  if (jsonNestedDeeperThan(text))
    throw new ProblemsError(`${subject} ${file}`, [{ path: '', message: `nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels` }]);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new ProblemsError(`${subject} ${file}`, [{ path: '', message: `is not JSON: ${jsonParseFailure(text, e)}` }]);
  }
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length > 0)
    throw new ProblemsError(
      `${subject} ${file}`,
      duplicates.map(({ path, count }) => ({
        path,
        message: `appears ${count} times in the same object; JSON keeps only the last, so each key must appear once`,
      })),
    );
  return json;
}

const cents = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

/**
 * Ranks the regions of the workload's residency zone that serve compute by monthly cost
 * (vCPU-hours × vCPU-hour + GB × GB-month + network GB × GB), cheapest first by the exact total,
 * equal totals by region id, and decides whether moving pays back within `maxPaybackMonths`.
 * Figures are shown to the cent; a saving under half a cent a month is no saving.
 *
 * Validates its inputs as the CLI does (a library caller may pass a profile or price file it did
 * not parse): the profile against the schema and the table (its region must be in its zone), the
 * price file against its schema and the table (no price for a region the table does not have).
 * @throws ProblemsError naming the field, the value and what is allowed (`pricesSubject` names the price file)
 */
export function planWorkloadCost(
  table: RoutingTable,
  priceInput: PriceFile,
  profileInput: WorkloadProfileInput,
  pricesSubject = 'price file',
): CostPlan {
  const profile = parseWorkloadProfile(profileInput, table);
  const prices = parsePriceFile(priceInput, pricesSubject);
  const zone = table.residencyZones.find((z) => z.id === profile.residencyZone)!;
  const known = new Set(table.regions.map((r) => r.id));
  const unknown = Object.keys(prices.regions).filter((id) => !known.has(id));
  if (unknown.length)
    throw new ProblemsError(
      pricesSubject,
      unknown.map((id) => ({
        path: `regions.${id}`,
        message: `is an ${unknownName('region of the routing table', undefined, [...known])}`,
      })),
    );
  const candidates = zone.regions.filter((id) => table.regions.find((r) => r.id === id)?.services.includes('compute'));
  const missing = candidates.filter((id) => !prices.regions[id]);
  if (missing.length)
    throw new ProblemsError(
      pricesSubject,
      missing.map((id) => ({ path: `regions.${id}`, message: `is missing; every region of zone "${zone.id}" needs a price` })),
    );
  const exact = new Map<string, number>();
  const ranking: RegionCost[] = candidates
    .map((region) => {
      const p = prices.regions[region];
      const [compute, storage, network] = [
        profile.cpuHours * p.vcpuHour,
        profile.storageGb * p.storageGbMonth,
        profile.networkGb * p.networkGb,
      ];
      exact.set(region, compute + storage + network);
      const shown = { compute: cents(compute), storage: cents(storage), network: cents(network) };
      // The total shown is the sum of the parts shown (a reader adds them up); the rank uses the exact one.
      return { region, ...shown, total: cents(shown.compute + shown.storage + shown.network) };
    })
    .sort((a, b) => exact.get(a.region)! - exact.get(b.region)! || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  const current = ranking.find((r) => r.region === profile.currentRegion)!;
  const cheapest = ranking[0];
  const exactSaving = exact.get(current.region)! - exact.get(cheapest.region)!;
  const monthlySaving = cheapest.region === current.region ? 0 : cents(exactSaving);
  // Decided on the exact quotient; shown rounded up to the cent of a month, so a payback just over
  // the limit never reads as the limit (6.004 months is "6.01", and stays).
  // On the exact saving (a rounded one moved a 6.00002-month payback under a 6-month limit).
  const exactPayback = monthlySaving > 0 ? profile.migrationCost / exactSaving : null;
  const paybackMonths = exactPayback === null ? null : Math.ceil(exactPayback * 100 - 1e-9) / 100;
  const migrate = exactPayback !== null && exactPayback <= profile.maxPaybackMonths;
  const c = prices.currency;
  const recommendation =
    monthlySaving === 0
      ? `stay in ${current.region}: no region of zone "${zone.id}" is cheaper${exactSaving > 0 ? ' by a cent a month or more' : ''}`
      : migrate
        ? `move to ${cheapest.region}: saves ${monthlySaving.toFixed(2)} ${c}/month, the migration (${profile.migrationCost.toFixed(2)} ${c}) pays back in ${paybackMonths} months (limit ${profile.maxPaybackMonths})`
        : `stay in ${current.region}: ${cheapest.region} saves ${monthlySaving.toFixed(2)} ${c}/month, but the migration (${profile.migrationCost.toFixed(2)} ${c}) would take ${paybackMonths} months to pay back (limit ${profile.maxPaybackMonths})`;
  return {
    workload: profile.name,
    residencyZone: zone.id,
    currency: c,
    pricesAsOf: prices.asOf,
    pricesSource: prices.source,
    ranking,
    currentRegion: current.region,
    cheapestRegion: cheapest.region,
    monthlySaving,
    migrationCost: profile.migrationCost,
    paybackMonths,
    maxPaybackMonths: profile.maxPaybackMonths,
    migrate,
    recommendation,
  };
}

/** The plan as a text table for a terminal; prices older than {@link STALE_PRICE_MONTHS} at `now` get a note. */
export function renderCostPlan(plan: CostPlan, now: Date = new Date()): string {
  const head = ['rank', 'region', `compute`, `storage`, `network`, `total ${plan.currency}/month`, ''];
  const rows = plan.ranking.map((r, i) => [
    String(i + 1),
    r.region,
    r.compute.toFixed(2),
    r.storage.toFixed(2),
    r.network.toFixed(2),
    r.total.toFixed(2),
    r.region === plan.currentRegion ? '(current)' : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const age = priceAgeMonths(plan.pricesAsOf, now);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    `workload ${plan.workload}, residency zone ${plan.residencyZone} (only its regions are ranked), prices as of ${plan.pricesAsOf} (source: ${plan.pricesSource})`,
    line(head),
    ...rows.map(line),
    plan.recommendation,
    ...(age > STALE_PRICE_MONTHS
      ? [
          `note: these prices are ${age} months old (as of ${plan.pricesAsOf}); check them against the provider's price list before acting on this plan`,
        ]
      : []),
    '',
  ].join('\n');
}
