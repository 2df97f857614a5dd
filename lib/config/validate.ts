/**
 * Validates and normalises `regions.config.ts`. Every problem is collected and reported at once,
 * each with its path, the value found and what is allowed.
 */
import { z } from 'zod';
import { formatPath, formatValue, valueAt } from '../../runtime/problem';
import { AZ_COUNT, DEFAULT_MESH_SERVICES, VPC_CIDR_PREFIX } from '../limits';
import { meshIdentityName } from '../private/mesh-identity';
import { cidrsOverlap, formatCidr, isPrivateCidr, parseCidr, PRIVATE_NETWORKS, type Ipv4Cidr } from '../private/cidr';
import { edgeConfigProblems, type EdgeCheckRegion } from './edge-checks';
import { ConfigValidationError, type ConfigProblem } from './errors';
import { oversizedNodeGroups, sizeCapacity } from '../capacity/sizing';
import { toPlainData } from './private/plain-data';
import { MIN_REASON_CHARACTERS, MIN_REASON_WORDS } from './text';
import { terraformTemplateProblems } from './private/terraform-text';
import { unsafeTextProblems } from './private/unsafe-text';
import { countryResidencyProblems, jurisdictionProblems, regionTableProblems } from './private/region-checks';
import type { ContinentSpec, RegionSpec, RegionsConfig, ResidencyZoneSpec, ShardSpec } from './model';
import {
  addressesPerNode,
  checkReservedCapacity,
  deriveReservedCapacity,
  elasticAnchorType,
  maxNodesOf,
  privateSubnetAddresses,
} from './reserved-capacity';
import { isCountryCode } from '../../runtime/country-codes';
import {
  CONTINENTS,
  EKS_MAX_NODES_PER_NODE_GROUP,
  SERVICES,
  regionsConfigSchema,
  sectionSchemas,
  type ParsedRegion,
  type ParsedRegionsConfig,
} from './schema';

/** How a message asks for a reason in words (lib/config/text.ts). */
const REASON_SHORT = `at least ${MIN_REASON_CHARACTERS} characters and ${MIN_REASON_WORDS} different words`;

/** Availability zones are limited so that every AZ gets a public and a private subnet of 1/8 of the VPC. */

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  int: 'a whole number',
};

/** The schema at `path` (through optional, default and list wrappers), for naming the fields allowed there. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
  const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let cur = s;
    while (cur && defOf(cur).innerType) cur = defOf(cur).innerType;
    return cur;
  };
  let cur = unwrap(schema);
  for (const part of path) {
    if (!cur) return undefined;
    const def = defOf(cur);
    if (def.type === 'object') cur = unwrap(def.shape?.[String(part)]);
    else if (def.type === 'array') cur = unwrap(def.element);
    else if (def.type === 'union')
      cur = unwrap(def.options?.find((o) => defOf(unwrap(o)!).type === (typeof part === 'number' ? 'array' : 'object')));
    else return undefined;
    if (cur && def.type === 'union') cur = schemaAt(cur, [part]);
  }
  return cur;
}

function allowedFields(path: readonly PropertyKey[]): string {
  const at = schemaAt(regionsConfigSchema, path);
  const shape = at ? (at as unknown as { _zod: { def: { shape?: Record<string, unknown> } } })._zod.def.shape : undefined;
  return shape ? Object.keys(shape).join(', ') : 'none';
}

function zodProblems(input: unknown, error: z.ZodError): ConfigProblem[] {
  return issueProblems(input, error.issues);
}

/** Issues of the union branch that fits the value's shape (the object branch for an object …), with full paths. */
function fittingBranch(issue: z.core.$ZodIssue & { code: 'invalid_union' }): z.core.$ZodIssue[] | undefined {
  const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const fits = branches.filter((b) => b.length > 0 && !b.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
  return fits.length === 1 ? fits[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] })) : undefined;
}

function issueProblems(input: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.path[issue.path.length - 1] !== 'services') {
      // e.g. an allowedCopyTo entry: a zone id or { zone, reason }; report what is wrong in the branch its shape chose
      const branch = fittingBranch(issue);
      if (branch) {
        problems.push(...issueProblems(input, branch));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      const fields = allowedFields(issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({
          path: formatPath(path),
          value: valueAt(input, path),
          message: `is set on an unknown field "${key}"; check the spelling; allowed fields: ${fields}`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      // A record key its key schema refuses: reported at the record, naming the key (shortened: a
      // long key in the path would bury the message) and what is wrong with it.
      const key = String(issue.path[issue.path.length - 1]);
      const at = issue.path.slice(0, -1);
      const why = issueProblems(key, issue.issues).map((p) => p.message);
      problems.push({
        path: formatPath(at),
        value: undefined,
        message: `has a key ${formatValue(key, 40)} that is not allowed: it ${why.join('; ') || 'does not fit this field'}`,
      });
      continue;
    }
    const value = valueAt(input, issue.path);
    let message = issue.message;
    if (issue.code === 'invalid_value')
      message = `${value === undefined ? 'is missing' : 'is not allowed'}; allowed: ${issue.values.map((v) => formatValue(v)).join(', ')}`;
    else if (issue.code === 'invalid_type') {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      // A schema's own message (a whole number of what, in what range) says more than the type's name.
      const own = typeof value === 'number' && !issue.message.startsWith('Invalid input');
      message = value === undefined ? `is missing; it must be ${expected}` : own ? issue.message : `must be ${expected}`;
    } else if (issue.code === 'too_small')
      message =
        issue.origin === 'array' && !issue.message.startsWith('needs') && !issue.message.startsWith('must')
          ? `must have at least ${issue.minimum} item(s)`
          : issue.origin === 'string' && issue.message.startsWith('Too small')
            ? Number(issue.minimum) === 1
              ? 'must not be empty; allowed: at least 1 character'
              : `is ${typeof value === 'string' ? value.length : 'too few'} characters long; allowed: at least ${issue.minimum}`
            : issue.message.startsWith('Too small')
              ? `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`
              : issue.message;
    else if (issue.code === 'too_big')
      message =
        issue.origin === 'array'
          ? `has ${Array.isArray(value) ? value.length : 'too many'} items; allowed: at most ${issue.maximum}`
          : issue.origin === 'string'
            ? `is ${typeof value === 'string' ? value.length : 'too many'} characters long; allowed: at most ${issue.maximum}`
            : issue.message.startsWith('Too big')
              ? `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`
              : issue.message;
    else if (issue.code === 'invalid_union')
      message =
        issue.path[issue.path.length - 1] === 'services'
          ? 'must be "all" or a non-empty list of "compute", "storage", "cdn"'
          : typeof issue.path[issue.path.length - 2] === 'string' && issue.path[issue.path.length - 2] === 'allowedCopyTo'
            ? 'must be a residency zone id such as "na", or { zone: "na", reason: "<the legal basis>" }'
            : issue.message;
    problems.push({ path: formatPath(issue.path), value, message: message.replace(/^Invalid string: /, '') });
  }
  return problems;
}

type Parsed = ParsedRegionsConfig;
type Region = Parsed['regions'][number];
type Zone = Parsed['residencyZones'][number];
type Shard = NonNullable<Parsed['shards']>[number];
/** What every entry declares, valid or not (for existence checks, so an invalid entry is not reported twice). */
interface Declared {
  readonly id?: unknown;
  readonly residencyZone?: unknown;
  readonly continent?: unknown;
  readonly primary?: unknown;
  readonly cidr?: unknown;
}

/**
 * The config as the cross-checks see it: each list keeps its indices, with `undefined` where an
 * entry failed the schema (that entry's problems are already reported); a section that failed
 * the schema is absent and its checks are skipped.
 */
interface CheckView {
  readonly project?: Parsed['project'];
  readonly failover?: Parsed['failover'];
  readonly autoScaling?: Parsed['autoScaling'];
  readonly prices?: Parsed['prices'];
  /** Whether the config writes its own price table (else `prices` is the default one). */
  readonly pricesDeclared: boolean;
  readonly residencyZones: readonly (Zone | undefined)[];
  readonly regions: readonly (Region | undefined)[];
  readonly shards?: readonly (Shard | undefined)[];
  readonly declared: { readonly zones: readonly Declared[]; readonly regions: readonly Declared[]; readonly shards: readonly Declared[] };
}

function viewOfValid(cfg: Parsed, pricesDeclared: boolean): CheckView {
  return { ...cfg, pricesDeclared, declared: { zones: cfg.residencyZones, regions: cfg.regions, shards: cfg.shards ?? [] } };
}

/** The fields of a shard the cross checks read. */
const shardRelationFields = sectionSchemas.shard.pick({ id: true, residencyZone: true, primaryRegion: true }).strip();

/** The parts of an invalid config that pass their own schema, in place. */
function viewOfPartial(input: unknown): CheckView | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const raw = input as Record<string, unknown>;
  const list = (key: string): unknown[] => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);
  const each = <T>(key: string, schema: z.ZodType<T>) =>
    list(key).map((item) => {
      const r = schema.safeParse(item);
      return r.success ? r.data : undefined;
    });
  const one = <T>(key: string, schema: z.ZodType<T>) => {
    const r = schema.safeParse(raw[key]);
    return r.success ? r.data : undefined;
  };
  const declared = (key: string): Declared[] =>
    list(key).map((item) => (item !== null && typeof item === 'object' ? (item as Declared) : {}));
  return {
    project: one('project', sectionSchemas.project),
    failover: one('failover', sectionSchemas.failover),
    autoScaling: one('autoScaling', sectionSchemas.autoScaling),
    prices: one('prices', sectionSchemas.prices),
    pricesDeclared: raw.prices !== undefined,
    residencyZones: each('residencyZones', sectionSchemas.residencyZone),
    regions: each('regions', sectionSchemas.region),
    // A shard failing its own schema elsewhere (a weight, an unknown key) still has its relations
    // checked when the fields they read pass: its zone, and where its primary database is.
    shards:
      raw.shards === undefined
        ? undefined
        : list('shards').map((item) => {
            const full = sectionSchemas.shard.safeParse(item);
            if (full.success) return full.data;
            const fields = shardRelationFields.safeParse(item);
            return fields.success ? ({ weight: 1, ...fields.data } as Shard) : undefined;
          }),
    declared: { zones: declared('residencyZones'), regions: declared('regions'), shards: declared('shards') },
  };
}

const servesStorage = (region: Region): boolean => region.services === 'all' || region.services.includes('storage');

const defined = <T>(items: readonly (T | undefined)[]): T[] => items.filter((x): x is T => x !== undefined);

/**
 * A region's VPC CIDR as the stacks use it: an IPv4 CIDR (else `malformed`, the reason), in its
 * canonical form and with a prefix length of VPC_CIDR_PREFIX (else `error`).
 */
function vpcCidr(text: string): { cidr: Ipv4Cidr } | { malformed: string } | { error: string } {
  const parsed = parseCidr(text);
  if ('error' in parsed) return { malformed: parsed.error };
  // "010.010.0.0/16" parses as 10.10.0.0/16 but means something else to other tools (octal): the
  // VPC would get the raw text and the subnets the parsed value, so only the canonical form passes.
  if (formatCidr(parsed) !== text) return { error: `is not canonical; write it as ${formatValue(formatCidr(parsed))}` };
  if (parsed.prefix < VPC_CIDR_PREFIX.min || parsed.prefix > VPC_CIDR_PREFIX.max)
    return { error: `must have a prefix length from /${VPC_CIDR_PREFIX.min} to /${VPC_CIDR_PREFIX.max}` };
  return { cidr: parsed };
}

/** The fields of one region {@link ownRegionProblems} reads. */
type OwnRegionFields = Pick<
  Region,
  'id' | 'continent' | 'primary' | 'services' | 'compliance' | 'availabilityZones' | 'cidr' | 'overrides'
>;

/**
 * The checks of one region that need no other part of the config: its services, regimes and AZs
 * listed once, a primary region's services, the AWS region table (partition, continent, regimes
 * of its country, AZ names: region-checks.ts) and its VPC CIDR (canonical, /16 to /20, private).
 * The config runs them on every region, the Region construct on the spec it is given.
 */
export function ownRegionProblems(region: OwnRegionFields, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, value: unknown, message: string) => problems.push({ path, value, message });
  if (Array.isArray(region.services) && new Set(region.services).size !== region.services.length)
    add(`${at}.services`, region.services, 'lists a service twice');
  const services = region.services === 'all' ? SERVICES : region.services;
  if (region.primary && !(services.includes('compute') && services.includes('storage'))) {
    add(
      `${at}.services`,
      region.services,
      'must include "compute" and "storage" (or be "all") in a primary region, which holds the continent\'s primary database',
    );
  }
  if (new Set(region.compliance).size !== region.compliance.length) add(`${at}.compliance`, region.compliance, 'lists a regime twice');

  if (region.availabilityZones.length > AZ_COUNT.max)
    add(
      `${at}.availabilityZones`,
      region.availabilityZones,
      `has more than ${AZ_COUNT.max} zones; allowed: ${AZ_COUNT.min} to ${AZ_COUNT.max}`,
    );
  problems.push(...regionTableProblems(region as ParsedRegion, at));
  const seenAz = new Set<string>();
  region.availabilityZones.forEach((az, j) => {
    if (seenAz.has(az)) add(`${at}.availabilityZones[${j}]`, az, 'is listed twice');
    seenAz.add(az);
  });
  problems.push(...regionCidrProblems(region.cidr, at));
  return problems;
}

/** The VPC CIDR rules of a region (see {@link vpcCidr}), and that it is a private range. */
function regionCidrProblems(cidr: string, at: string): ConfigProblem[] {
  const vpc = vpcCidr(cidr);
  if ('malformed' in vpc) return [{ path: `${at}.cidr`, value: cidr, message: vpc.malformed }];
  if ('error' in vpc) return [{ path: `${at}.cidr`, value: cidr, message: vpc.error }];
  return isPrivateCidr(vpc.cidr)
    ? []
    : [
        {
          path: `${at}.cidr`,
          value: cidr,
          message: `is a public range: the VPC would make those internet addresses unreachable from it; allowed: a range inside ${PRIVATE_NETWORKS.join(', ')}`,
        },
      ];
}

/** The fields of a region spec the Region construct reads, checked by {@link regionSpecProblems}. */
export const REGION_SPEC_FIELDS = [
  'id',
  'continent',
  'primary',
  'services',
  'compliance',
  'residencyZone',
  'availabilityZones',
  'cidr',
  'cluster',
  'overrides',
] as const satisfies readonly (keyof Region)[];

/**
 * The problems of a region spec handed to a construct (`validateRegionsConfig(...).regions[i]`,
 * perhaps edited since), by the config's own rules: each field of {@link REGION_SPEC_FIELDS}
 * against the per-region entry schema, the Terraform template refusal, and
 * {@link ownRegionProblems} (what needs no other part of the config; a zone's membership and
 * jurisdiction need the whole config and are not checked). Paths start with `at`.
 *
 * `skip` says which values are not checked (a construct's tokens: known at apply only); a field
 * holding one, or a list item that is one, is left out, and so are the checks that read it.
 */
export function regionSpecProblems(spec: object, skip: (value: unknown) => boolean = () => false, at = 'spec'): ConfigProblem[] {
  const shape = sectionSchemas.region.shape;
  const raw = spec as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  const parsed: Record<string, unknown> = {};
  const literal: Record<string, unknown> = {};
  let complete = true;
  for (const field of REGION_SPEC_FIELDS) {
    const value = raw[field];
    const holdsSkipped = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).some((v) => skip(v));
    if (skip(value) || holdsSkipped) {
      complete = false;
      continue;
    }
    // A list with skipped items: the others are checked, named by their own index.
    const kept = Array.isArray(value) ? value.map((_, i) => i).filter((i) => !skip(value[i])) : undefined;
    const input = kept && Array.isArray(value) && kept.length !== value.length ? kept.map((i) => value[i]) : value;
    if (input !== value) complete = false;
    literal[field] = input;
    const result = (shape[field] as z.ZodType).safeParse(input);
    if (result.success) {
      parsed[field] = result.data;
      continue;
    }
    complete = false;
    const issues = result.error.issues.map((issue) => {
      const [first, ...rest] = issue.path;
      const path = typeof first === 'number' && kept && input !== value ? [kept[first], ...rest] : issue.path;
      return { ...issue, path: [field, ...path] } as z.core.$ZodIssue;
    });
    problems.push(...issueProblems({ [field]: value }, issues).map((p) => ({ ...p, path: `${at}.${p.path}` })));
  }
  problems.push(...terraformTemplateProblems(literal).map((p) => ({ ...p, path: `${at}.${p.path}` })));
  if (problems.length > 0) return problems;
  if (complete) return ownRegionProblems(parsed as unknown as OwnRegionFields, at);
  return typeof parsed.cidr === 'string' ? regionCidrProblems(parsed.cidr, at) : [];
}

/** Checks that relate fields to each other. */
function crossCheck(cfg: CheckView): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, value: unknown, message: string) => problems.push({ path, value, message });
  const validRegions = defined(cfg.regions);

  const zoneIds = new Set<string>();
  cfg.residencyZones.forEach((zone, i) => {
    if (!zone) return;
    if (zoneIds.has(zone.id)) add(`residencyZones[${i}].id`, zone.id, 'is declared twice; zone ids must be unique');
    zoneIds.add(zone.id);
  });
  // A zone declared with an invalid id is reported there; references to it are not reported again,
  // and it is never offered as an allowed value.
  const invalidZoneIds = new Set<unknown>(cfg.declared.zones.map((z) => z.id).filter((id) => !zoneIds.has(id as string)));
  // With no residencyZones list at all, that one problem is reported; each reference would only repeat it.
  const zonesDeclared = cfg.declared.zones.length > 0;
  const allowedZones = zoneIds.size
    ? [...zoneIds].map((id) => formatValue(id)).join(', ')
    : 'none yet: residencyZones declares no valid zone (see its problems)';
  const checkZone = (path: string, zone: string) => {
    if (zonesDeclared && !zoneIds.has(zone) && !invalidZoneIds.has(zone))
      add(path, zone, `is not a declared residency zone; allowed: ${allowedZones}`);
  };
  // Regimes of each zone's regions: a copy to a zone under a regime the source zone is not under is
  // a transfer to another jurisdiction and needs its legal basis written down.
  const regimesOf = new Map<string, Set<string>>();
  for (const r of cfg.regions) {
    if (!r) continue;
    const set = regimesOf.get(r.residencyZone) ?? new Set<string>();
    for (const regime of r.compliance) set.add(regime);
    regimesOf.set(r.residencyZone, set);
  }
  cfg.residencyZones.forEach((zone, i) => {
    const listed = new Map<string, number>();
    zone?.allowedCopyTo.forEach((entry, j) => {
      const at = `residencyZones[${i}].allowedCopyTo[${j}]`;
      const target = typeof entry === 'string' ? entry : entry.zone;
      // One entry per zone: two (with two reasons) leave which legal basis applies open.
      const first = listed.get(target);
      if (first !== undefined) {
        add(
          at,
          entry,
          `lists zone "${target}" a second time (also residencyZones[${i}].allowedCopyTo[${first}]); allowed: each zone once, with one legal basis`,
        );
        return;
      }
      listed.set(target, j);
      checkZone(typeof entry === 'string' ? at : `${at}.zone`, target);
      if (typeof entry !== 'string' || target === zone.id) return;
      const own = regimesOf.get(zone.id);
      const theirs = regimesOf.get(target);
      if (!own || !theirs) return; // a zone without regions: reported by the region checks
      const foreign = [...theirs].filter((regime) => !own.has(regime));
      if (foreign.length)
        add(
          at,
          entry,
          `copies zone "${zone.id}"'s personal data to zone "${target}", whose regions are under ${foreign.join(', ')} (zone "${zone.id}": ${[...own].join(', ')}): a transfer to another jurisdiction needs its legal basis written down; allowed: { zone: "${target}", reason: "<the legal basis, in words: ${REASON_SHORT}>" }`,
        );
    });
  });

  const regionIds = new Set<string>();
  const countryOwner = new Map<string, { id: string; at: string }>();
  const cidrs: { cidr: Ipv4Cidr; index: number; id: string }[] = [];
  for (const r of cfg.declared.regions) if (typeof r.id === 'string') regionIds.add(r.id);
  // Ids and networks are compared over every declared region, also those with problems elsewhere
  // (one run names a duplicate id or an overlapping network next to a region's other problems).
  const seenRegionIds = new Set<string>();
  cfg.declared.regions.forEach((r, i) => {
    if (typeof r.id !== 'string') return;
    if (seenRegionIds.has(r.id)) add(`regions[${i}].id`, r.id, 'is declared twice; region ids must be unique');
    seenRegionIds.add(r.id);
    if (cfg.regions[i] !== undefined || typeof r.cidr !== 'string') return;
    const vpc = vpcCidr(r.cidr);
    if ('malformed' in vpc) return; // the region's own schema problems say what is wrong with it
    if ('error' in vpc) add(`regions[${i}].cidr`, r.cidr, vpc.error);
    else cidrs.push({ cidr: vpc.cidr, index: i, id: r.id });
  });
  cfg.regions.forEach((region, i) => {
    if (!region) return;
    const at = `regions[${i}]`;

    checkZone(`${at}.residencyZone`, region.residencyZone);
    problems.push(...ownRegionProblems(region, at));
    const vpc = vpcCidr(region.cidr);
    if ('cidr' in vpc) cidrs.push({ cidr: vpc.cidr, index: i, id: region.id });
    const services = region.services === 'all' ? SERVICES : region.services;

    if (region.countries.length === 0 && services.includes('compute'))
      add(
        `${at}.countries`,
        region.countries,
        'must serve at least one country (a region with "compute" serves the users of its countries)',
      );
    if (region.countries.length > 0 && !services.includes('compute'))
      add(
        `${at}.countries`,
        region.countries,
        `is not allowed on ${region.id}, which does not serve "compute": a region without compute runs no gateway and serves no users; list these countries under a compute region of zone ${formatValue(region.residencyZone)}, or add "compute" to its services`,
      );
    region.countries.forEach((country, j) => {
      const cat = `${at}.countries[${j}]`;
      if (!isCountryCode(country)) {
        add(cat, country, 'is not an ISO 3166-1 alpha-2 country code; allowed: two upper-case letters naming a country, e.g. "DE"');
        return;
      }
      const owner = countryOwner.get(country);
      if (owner?.id === region.id) add(cat, country, `is listed twice in ${region.id}`);
      else if (owner)
        add(
          cat,
          country,
          `is listed by both ${owner.id} (${owner.at}) and ${region.id}; a country belongs to exactly one region: remove it from one of them`,
        );
      else countryOwner.set(country, { id: region.id, at: cat });
    });
  });

  for (let a = 0; a < cidrs.length; a++) {
    for (let b = a + 1; b < cidrs.length; b++) {
      if (cidrsOverlap(cidrs[a].cidr, cidrs[b].cidr)) {
        add(
          `regions[${cidrs[b].index}].cidr`,
          formatCidr(cidrs[b].cidr),
          `overlaps ${formatCidr(cidrs[a].cidr)} of ${cidrs[a].id}; region networks must not overlap (they are peered later)`,
        );
      }
    }
  }

  for (const continent of CONTINENTS) {
    const members = cfg.declared.regions.map((r, index) => ({ r, index })).filter(({ r }) => r.continent === continent);
    if (members.length === 0) continue;
    const primaries = members.filter(({ r }) => r.primary === true);
    const ids = members.map(({ r }) => formatValue(r.id)).join(', ');
    if (primaries.length === 0)
      add(
        'regions',
        undefined,
        `have no primary region on continent ${continent}; allowed: exactly one primary region per continent (set primary: true on one of ${ids})`,
      );
    for (const { r, index } of primaries.slice(1))
      add(
        `regions[${index}].primary`,
        r.primary,
        `makes ${formatValue(r.id)} a second primary region of continent ${continent} (${formatValue(primaries[0].r.id)} is one already); allowed: exactly one primary region per continent`,
      );
  }

  cfg.residencyZones.forEach((zone, i) => {
    if (zone && !cfg.declared.regions.some((r) => r.residencyZone === zone.id))
      add(`residencyZones[${i}]`, zone.id, 'has no region; every residency zone needs at least one region');
    else if (
      zone &&
      !cfg.declared.regions.some((r, j) => r.residencyZone === zone.id && !(cfg.regions[j] && !servesStorage(cfg.regions[j])))
    )
      add(`residencyZones[${i}]`, zone.id, 'has no region that serves "storage"; the primary databases of its shards need one');
  });
  problems.push(...jurisdictionProblems(cfg.regions, cfg.residencyZones));
  problems.push(...countryResidencyProblems(cfg.regions));

  // Data tier: a zone's regions are peered and replicate to each other inside one continent stack.
  cfg.residencyZones.forEach((zone, i) => {
    if (!zone) return;
    const continents = [...new Set(validRegions.filter((r) => r.residencyZone === zone.id).map((r) => r.continent))];
    if (continents.length > 1)
      add(
        `residencyZones[${i}]`,
        zone.id,
        `has regions on continents ${continents.join(' and ')}; allowed: one continent per residency zone (its database replicas, peering and backup copies live in one continent stack)`,
      );
  });

  if (cfg.shards) {
    const shardIds = new Set<string>();
    cfg.shards.forEach((shard, i) => {
      if (!shard) return;
      const at = `shards[${i}]`;
      if (shardIds.has(shard.id)) add(`${at}.id`, shard.id, 'is declared twice; shard ids must be unique');
      shardIds.add(shard.id);
      checkZone(`${at}.residencyZone`, shard.residencyZone);
      if (shard.primaryRegion !== undefined) {
        const home = validRegions.find((r) => r.id === shard.primaryRegion);
        if (!home && regionIds.has(shard.primaryRegion)) {
          // declared but invalid: already reported there
        } else if (!home)
          add(`${at}.primaryRegion`, shard.primaryRegion, `is not a declared region; allowed: ${[...regionIds].join(', ')}`);
        else if (home.residencyZone !== shard.residencyZone)
          add(
            `${at}.primaryRegion`,
            shard.primaryRegion,
            `is in residency zone "${home.residencyZone}", not the shard's zone "${shard.residencyZone}"; a shard's data must stay in its zone`,
          );
        else if (!servesStorage(home)) {
          const stores = validRegions.filter((r) => r.residencyZone === shard.residencyZone && servesStorage(r)).map((r) => r.id);
          add(
            `${at}.primaryRegion`,
            shard.primaryRegion,
            `does not serve "storage" (services: ${formatValue(home.services)}), so it cannot hold the shard's primary database; allowed: ${stores.length ? stores.map((id) => formatValue(id)).join(', ') : 'a region of the zone with "storage"'}`,
          );
        }
      }
    });
    for (const zone of zoneIds) {
      if (!cfg.declared.shards.some((s) => s.residencyZone === zone))
        add('shards', undefined, `has no shard for residency zone "${zone}"; every zone needs at least one shard`);
    }
  }

  if (cfg.failover) {
    const steps = cfg.failover.recovery.stepsPercent;
    if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) add('failover.recovery.stepsPercent', steps, 'must be strictly increasing');
    if (steps[steps.length - 1] !== 100) add('failover.recovery.stepsPercent', steps, 'must end at 100 (full traffic)');
    if (cfg.failover.healthCheck.timeoutSeconds >= cfg.failover.healthCheck.intervalSeconds) {
      add(
        'failover.healthCheck.timeoutSeconds',
        cfg.failover.healthCheck.timeoutSeconds,
        `must be less than intervalSeconds (${cfg.failover.healthCheck.intervalSeconds})`,
      );
    }
  }
  if (cfg.autoScaling && cfg.autoScaling.scaleInThresholdPercent >= cfg.autoScaling.scaleOutThresholdPercent) {
    add(
      'autoScaling.scaleInThresholdPercent',
      cfg.autoScaling.scaleInThresholdPercent,
      `must be below scaleOutThresholdPercent (${cfg.autoScaling.scaleOutThresholdPercent})`,
    );
  }
  checkReservedCapacity(cfg.regions, cfg.prices, add);
  // A price entry for a region the config does not have is a typo or a leftover. Only a table the
  // config writes is checked: the default table prices the shipped regions, whichever a config keeps.
  if (cfg.prices && cfg.pricesDeclared) {
    const ids = cfg.declared.regions.flatMap((r) => (typeof r.id === 'string' ? [r.id] : []));
    for (const [id, entry] of Object.entries(cfg.prices.regions))
      if (!ids.includes(id))
        add(
          `prices.regions["${id}"]`,
          entry,
          `is not a region of this config; allowed: ${ids.length ? ids.map((r) => formatValue(r)).join(', ') : 'none yet: regions declares no region'} (or remove the entry)`,
        );
  }
  checkNodeAddresses(cfg, add);
  checkNodeGroupQuota(cfg, add);
  if (cfg.project && !cfg.project.apiHost.endsWith(`.${cfg.project.domain}`)) {
    add(
      'project.apiHost',
      cfg.project.apiHost,
      cfg.project.apiHost === cfg.project.domain
        ? `must be a name under "${cfg.project.domain}", not the domain itself (the edge's proxied *.<apiHost> wildcard would cover every name of the zone, the gateways' direct records included); allowed: a name such as "api.${cfg.project.domain}"`
        : `must be a name under "${cfg.project.domain}", such as "api.${cfg.project.domain}"`,
    );
  }
  return problems;
}

/**
 * A compute region's private subnets must hold its largest node pool: the reserved groups at their
 * counts and the elastic rest (up to maxNodes, the baseline at the scale-out threshold) of the size
 * class of the largest reservation, each node at {@link addressesPerNode}. A /20 leaves about 1,500
 * private addresses, which a pool of 100 nodes outgrows before its pods need any more.
 */
function checkNodeAddresses(cfg: CheckView, add: (path: string, value: unknown, message: string) => void): void {
  if (!cfg.autoScaling) return;
  const scaleOut = cfg.autoScaling.scaleOutThresholdPercent;
  cfg.regions.forEach((region, i) => {
    if (!region) return;
    const services = region.services === 'all' ? SERVICES : region.services;
    if (!services.includes('compute')) return;
    const parsed = parseCidr(region.cidr);
    if ('error' in parsed || parsed.prefix < VPC_CIDR_PREFIX.min || parsed.prefix > VPC_CIDR_PREFIX.max) return; // reported above
    const declared = region.reservedCapacity !== undefined;
    const plan = region.reservedCapacity ?? deriveReservedCapacity(region.capacity);
    const nodes = maxNodesOf(plan.baselineCapacity, scaleOut);
    const reserved = plan.instanceTypes.reduce((n, r) => n + r.count, 0);
    const anchor = elasticAnchorType(plan);
    const needed =
      plan.instanceTypes.reduce((n, r) => n + r.count * addressesPerNode(r.type), 0) +
      Math.max(0, nodes - reserved) * addressesPerNode(anchor);
    const usable = privateSubnetAddresses(parsed.prefix, region.availabilityZones.length);
    if (needed <= usable) return;
    const types = [...new Set([...plan.instanceTypes.map((r) => r.type), ...(nodes > reserved ? [anchor] : [])])];
    const perType = types.map((t) => `${addressesPerNode(t)} a ${t} node`).join(', ');
    const baseline = declared
      ? `regions[${i}].reservedCapacity.baselineCapacity`
      : `regions[${i}].capacity (the baseline is derived from it)`;
    add(
      `regions[${i}].cidr`,
      region.cidr,
      `is too small for ${region.id}'s node pool: up to ${nodes} nodes (baseline ${plan.baselineCapacity} at the ${scaleOut} % scale-out threshold) take about ${needed} private addresses (with the VPC CNI's defaults: ${perType}), but its ${region.availabilityZones.length} private subnets hold ${usable}; allowed: ${
        parsed.prefix > VPC_CIDR_PREFIX.min ? `a larger network (down to /${VPC_CIDR_PREFIX.min}), ` : ''
      }more availability zones (up to ${AZ_COUNT.max}), or a smaller pool: ${baseline}, or a higher autoScaling.scaleOutThresholdPercent`,
    );
  });
}

/**
 * Every node group of a compute region must fit EKS's quota of nodes per managed node group: the
 * same sizing (lib/capacity/sizing.ts) and the same test the ReservedCapacity construct applies at
 * synth, reported here under the config's path with the other problems.
 */
function checkNodeGroupQuota(cfg: CheckView, add: (path: string, value: unknown, message: string) => void): void {
  if (!cfg.autoScaling) return;
  const policy = cfg.autoScaling;
  cfg.regions.forEach((region, i) => {
    if (!region) return;
    const services = region.services === 'all' ? SERVICES : region.services;
    if (!services.includes('compute')) return;
    const declared = region.reservedCapacity !== undefined;
    const plan = region.reservedCapacity ?? deriveReservedCapacity(region.capacity);
    if (plan.instanceTypes.reduce((n, r) => n + r.count, 0) > plan.baselineCapacity) return; // reported by checkReservedCapacity
    const sizing = sizeCapacity(plan, policy);
    const quota = `allowed: a node group of at most ${EKS_MAX_NODES_PER_NODE_GROUP} nodes (EKS quota per managed node group, not adjustable)`;
    for (const { group, index, size } of oversizedNodeGroups(sizing)) {
      if (group === 'reserved') {
        const r = plan.instanceTypes[index!];
        add(
          declared
            ? `regions[${i}].reservedCapacity.instanceTypes[${index}].count`
            : `regions[${i}].capacity (the reservation is derived from it)`,
          declared ? r.count : region.capacity,
          `makes ${region.id}'s reserved node group of ${r.type} ${size} nodes; ${quota}: reserve fewer of this type, or split the reservation over several instance types`,
        );
        continue;
      }
      const kind = group === 'spot' ? 'spot' : 'on-demand';
      const share = group === 'spot' ? policy.spotInstancePercent : 100 - policy.spotInstancePercent;
      add(
        declared ? `regions[${i}].reservedCapacity.baselineCapacity` : `regions[${i}].capacity (the baseline is derived from it)`,
        declared ? plan.baselineCapacity : region.capacity,
        `makes ${region.id}'s ${kind} node group ${size} nodes (up to ${sizing.maxNodes} nodes: baseline ${plan.baselineCapacity} at the ${policy.scaleOutThresholdPercent} % scale-out threshold; ${sizing.elasticNodes} above the ${sizing.reservedInstances} reserved, ${share} % of them ${kind}); ${quota}: a lower baseline, more reserved instances, a higher autoScaling.scaleOutThresholdPercent, or ${group === 'spot' ? 'a lower' : 'a higher'} autoScaling.spotInstancePercent`,
      );
    }
  });
}

function normalise(cfg: ParsedRegionsConfig): RegionsConfig {
  const regions: RegionSpec[] = cfg.regions.map((r) => {
    const services = r.services === 'all' ? [...SERVICES] : r.services;
    const reservedCapacity = !services.includes('compute')
      ? undefined
      : r.reservedCapacity
        ? { ...r.reservedCapacity, derived: false }
        : deriveReservedCapacity(r.capacity);
    return { ...r, services, reservedCapacity };
  });
  const residencyZones: ResidencyZoneSpec[] = cfg.residencyZones.map((z) => {
    const members = regions.filter((r) => r.residencyZone === z.id);
    return {
      id: z.id,
      description: z.description,
      regions: [...members.filter((r) => r.primary), ...members.filter((r) => !r.primary)].map((r) => r.id),
      allowedCopyTo: [z.id, ...z.allowedCopyTo.map((t) => (typeof t === 'string' ? t : t.zone)).filter((t) => t !== z.id)],
    };
  });
  const zoneOf = new Map(residencyZones.map((z) => [z.id, z]));
  const storageRegions = (zone: string) =>
    zoneOf.get(zone)!.regions.filter((id) => regions.find((r) => r.id === id)!.services.includes('storage'));
  const declared =
    cfg.shards ??
    residencyZones.flatMap((z) =>
      Array.from({ length: cfg.shardsPerZone }, (_, n) => ({
        id: `${z.id}-${n}`,
        residencyZone: z.id,
        weight: 1,
        primaryRegion: undefined,
      })),
    );
  const shards: ShardSpec[] = declared.map((s) => {
    const candidates = storageRegions(s.residencyZone);
    const primaryRegion = s.primaryRegion ?? candidates[0] ?? zoneOf.get(s.residencyZone)!.regions[0];
    return {
      id: s.id,
      residencyZone: s.residencyZone,
      weight: s.weight,
      primaryRegion,
      replicaRegions: candidates.filter((id) => id !== primaryRegion),
    };
  });
  const continents: ContinentSpec[] = CONTINENTS.flatMap((id) => {
    const members = regions.filter((r) => r.continent === id);
    return members.length ? [{ id, primaryRegion: members.find((r) => r.primary)!.id, regions: members.map((r) => r.id) }] : [];
  });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { shardsPerZone, ...rest } = cfg;
  return { ...rest, regions, residencyZones, shards, continents };
}

/**
 * The problems of a config in one list, each reported once: a problem at or under a path whose
 * value was left out of the plain copy is dropped (the copy already said why).
 */
function combine(first: readonly ConfigProblem[], later: readonly ConfigProblem[]): ConfigProblem[] {
  const leftOut = new Set(first.map((p) => p.path));
  // Whether `path` is a left-out path or under one: itself, or a prefix of it ending before a `.` or `[`
  // (a set lookup per prefix: linear in the problems, however many are left out).
  const underLeftOut = (path: string): boolean => {
    if (leftOut.has('') || leftOut.has(path)) return true;
    for (let i = 1; i < path.length; i++) {
      const c = path.charCodeAt(i);
      if ((c === 46 /* . */ || c === 91) /* [ */ && leftOut.has(path.slice(0, i))) return true;
    }
    return false;
  };
  const seen = new Set<string>();
  return [...first, ...later.filter((p) => !underLeftOut(p.path))].filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** The fields of a region the edge checks read (a region failing its schema elsewhere still has these). */
const edgeRegionFields = sectionSchemas.region.pick({ id: true, services: true, residencyZone: true, countries: true }).strip();

/**
 * The edge section's relations in an invalid config, when every field they read passes its schema:
 * the project and failover sections, the edge section, and each region's id, services, residency
 * zone and countries (a region with a bad capacity still has a zone and countries).
 */
function partialEdgeProblems(data: unknown, view: CheckView): ConfigProblem[] {
  const raw = data as Record<string, unknown>;
  const edge = sectionSchemas.edge.safeParse(raw.edge);
  if (!edge.success || !view.project || !view.failover || !Array.isArray(raw.regions) || raw.regions.length === 0) return [];
  const regions: EdgeCheckRegion[] = [];
  for (const item of raw.regions) {
    const r = edgeRegionFields.safeParse(item);
    if (!r.success) return [];
    regions.push(r.data);
  }
  return edgeConfigProblems({ project: view.project, failover: view.failover, edge: edge.data, regions });
}

/** Validates a config object; returns the normalised config (deeply frozen) or every problem found. */
export function checkRegionsConfig(input: unknown): { ok: true; config: RegionsConfig } | { ok: false; problems: ConfigProblem[] } {
  // Plain data first: a getter that throws, a function, a BigInt or a cycle becomes a problem at
  // its path instead of an exception inside the schema, and a list of millions stops here.
  const plain = toPlainData(input);
  if (!plain.complete) return { ok: false, problems: plain.problems };
  const data = plain.data;
  // Text Terraform would evaluate, and control, bidirectional or invisible characters, wherever they
  // are (also in fields the schema refuses for another reason).
  const templates = [...terraformTemplateProblems(data), ...unsafeTextProblems(data)];
  const parsed = regionsConfigSchema.safeParse(data);
  if (!parsed.success || plain.problems.length) {
    // Report the relations among the parts that are valid too, so one run shows every problem.
    const view = viewOfPartial(data);
    const later = [
      ...templates,
      ...(parsed.success ? [] : zodProblems(data, parsed.error)),
      ...(view ? crossCheck(view) : []),
      ...(view ? partialEdgeProblems(data, view) : []),
    ];
    return { ok: false, problems: combine(plain.problems, later) };
  }
  const problems = [...templates, ...crossCheck(viewOfValid(parsed.data, (data as Record<string, unknown>).prices !== undefined))];
  problems.push(...edgeConfigProblems(parsed.data)); // the edge section's relations (lib/config/edge-checks.ts)
  problems.push(...globalServiceEventsProblems(parsed.data));
  problems.push(...meshIdentityProblems(parsed.data));
  parsed.data.regions.forEach((r, i) => {
    if (r.cluster !== undefined && r.services !== 'all' && !r.services.includes('compute'))
      problems.push({
        path: `regions[${i}].cluster`,
        value: r.cluster,
        message: `is set but ${r.id} does not serve "compute" (it runs no cluster); allowed: cluster options on a compute region only`,
      });
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, config: deepFreeze(normalise(parsed.data)) };
}

/**
 * Freezes `value` and every object and list under it. The validated config is what the checks
 * passed: the constructs trust it (GlobalIngress, CdnZone read `project.apiHost`), so a change made
 * after validation (`config.project.apiHost = '*.evil.example'`) must fail, not reach the output.
 */
function deepFreeze<T>(value: T, seen = new Set<object>()): T {
  if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const item of Object.values(value)) deepFreeze(item, seen);
    Object.freeze(value);
  }
  return value;
}

/**
 * The mesh identities the continent stacks issue, `<service>.<region>.<zone>.mesh.<domain>` for
 * every compute region, must be DNS names (253 characters) whose certificates have a common name
 * (`<service>.<region>.<zone>` when the full name passes 64): else ACM refused them at apply, after
 * the CAs were created. Named here by `project.domain`, with the first name it breaks.
 */
function meshIdentityProblems(cfg: ParsedRegionsConfig): ConfigProblem[] {
  for (const r of cfg.regions) {
    if (r.services !== 'all' && !r.services.includes('compute')) continue;
    for (const service of DEFAULT_MESH_SERVICES) {
      const named = meshIdentityName(service, r.id, r.residencyZone, `mesh.${cfg.project.domain}`);
      if ('problem' in named) return [{ path: 'project.domain', value: cfg.project.domain, message: `(mesh.<domain>) ${named.problem}` }];
    }
  }
  return [];
}

/**
 * Where the account's global service events are recorded (see the schema's `globalServiceEvents`):
 * us-east-1 when the config has it (the field is then refused: it would change nothing); else the
 * named region, which must be one of the config; a config without us-east-1 whose regions span
 * several zones must name it, because the multi-region trail copies every region's management
 * events into that region's zone.
 */
function globalServiceEventsProblems(cfg: ParsedRegionsConfig): ConfigProblem[] {
  const ids = cfg.regions.map((r) => r.id);
  const zones = [...new Set(cfg.regions.map((r) => r.residencyZone))];
  const chosen = cfg.globalServiceEvents;
  if (ids.includes('us-east-1'))
    return chosen === undefined
      ? []
      : [
          {
            path: 'globalServiceEvents',
            value: chosen,
            message:
              'is not allowed: the config has us-east-1, whose trail records the global service events (AWS delivers them there); remove the field',
          },
        ];
  if (chosen !== undefined)
    return ids.includes(chosen.region)
      ? []
      : [
          {
            path: 'globalServiceEvents.region',
            value: chosen.region,
            message: `is not a region of this config; allowed: ${ids.join(', ')}`,
          },
        ];
  if (zones.length < 2) return [];
  return [
    {
      path: 'globalServiceEvents',
      value: undefined,
      message: `is missing: without us-east-1, the account's global service events (IAM, STS, console sign-in) are recorded by a multi-region trail, which also copies the management events of every region (zones ${zones.join(', ')}) into its own region's zone; allowed: { region: "<one of ${ids.join(', ')}>", reason: "<why that zone may keep them, in words: ${REASON_SHORT}>" }, or add us-east-1`,
    },
  ];
}

/**
 * Validates a config object and returns it normalised and deeply frozen: a change after validation
 * throws in strict mode (and is ignored otherwise).
 * @throws ConfigValidationError listing every problem
 */
export function validateRegionsConfig(input: unknown, source?: string): RegionsConfig {
  const result = checkRegionsConfig(input);
  if (!result.ok) throw new ConfigValidationError(result.problems, source);
  return result.config;
}
