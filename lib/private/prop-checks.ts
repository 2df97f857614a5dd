import { TerraformProvider, Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { formatValue } from '../../runtime/problem';

/**
 * The checks constructs run on their props, with one message shape:
 * `<node path>: <field> <value> is not allowed; allowed: <what>`. Values are printed by the
 * problem model's formatter (NaN stays `NaN`, long values are cut), never as a token's encoding.
 */

/** Throws the construct's error for `field`. */
export function propError(scope: IConstruct, field: string, value: unknown, allowed: string): never {
  return pathError(scope.node.path, field, value, allowed);
}

/** {@link propError} for a construct's node path before `super` (its props feed the base class). */
export function pathError(path: string, field: string, value: unknown, allowed: string): never {
  // A token's encoding ("${TfToken[TOKEN.12]}", -8.1e+298) means nothing to the reader: say what it is.
  if (Token.isUnresolved(value)) throw new Error(`${path}: ${field} is ${tokenKind(value)}; allowed: ${allowed}`);
  throw new Error(`${path}: ${field} ${formatValue(withoutTokens(value))} is not allowed; allowed: ${allowed}`);
}

/** Encodings cdktf gives tokens in strings (`${TfToken[…]}`) and in the items of list tokens (`#{TfToken[…]}`). */
const TOKEN_TEXT = /[$#]\{TfToken\[[^\]]*\]\}/g;

/**
 * `value` as a message may print it: tokens nested in a list or an object (a wrongly shaped value
 * holding a variable) become "(a token)" instead of their encodings. Plain lists and objects only,
 * three levels deep; anything else is returned as it is.
 */
function withoutTokens(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(TOKEN_TEXT, '(a token)');
  if (Token.isUnresolved(value)) return '(a token)';
  if (depth >= 3 || value === null || typeof value !== 'object') return value;
  try {
    if (Array.isArray(value)) return value.map((v) => withoutTokens(v, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTokens(v, depth + 1)]));
  } catch {
    return value; // a getter that throws, a revoked proxy: the formatter copes
  }
}

/** What a token stands for, as a message says it ("a string token", "a list token" …). */
function tokenKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list token';
  if (typeof value === 'string') return 'a string token';
  if (typeof value === 'number') return 'a number token';
  return 'a token';
}

/** The props of P a caller must give (not marked optional). */
export type RequiredProps<P> = { [K in keyof P]-?: undefined extends P[K] ? never : K }[keyof P];

/**
 * Refuses props that are not an object, and each required prop that is missing (undefined or
 * null), before a constructor reads any of them: a JavaScript caller (or a cast) met a TypeError
 * deep inside instead. `required` names every required prop of P with what it allows (the compiler
 * asks for each one); `path` is the construct's node path (`${scope.node.path}/${id}` before
 * `super`). Message: `<path>: <field> undefined is not allowed; allowed: <what>`.
 */
export function checkRequiredProps<P extends object>(path: string, props: P, required: { readonly [K in RequiredProps<P>]: string }): void {
  const fields = Object.keys(required);
  if (props === null || typeof props !== 'object' || Array.isArray(props))
    throw new Error(
      `${path}: props ${formatValue(props)} is not allowed; allowed: an object${fields.length > 0 ? ` with ${fields.join(', ')}` : ''}`,
    );
  for (const field of fields) {
    const value = (props as Record<string, unknown>)[field];
    if (value === undefined || value === null)
      throw new Error(`${path}: ${field} ${formatValue(value)} is not allowed; allowed: ${(required as Record<string, string>)[field]}`);
  }
}

/**
 * Refuses a token for a prop the construct computes with at synth (sizes, names of construct ids):
 * `<node path>: <field> is a token; allowed: <what> (<why>)`.
 */
export function requireLiteral(scope: IConstruct, field: string, value: unknown, allowed: string, why: string): void {
  if (Token.isUnresolved(value)) throw new Error(`${scope.node.path}: ${field} is a token; allowed: ${allowed} (${why})`);
}

/** AWS account id: twelve digits. */
export const ACCOUNT_ID = { pattern: /^\d{12}$/, allowed: 'a 12-digit AWS account id, or a token' } as const;

/** A name, ARN or id the construct writes as given: a non-empty string without surrounding spaces. */
export const NON_EMPTY_TEXT = {
  pattern: /^\S(?:[\s\S]*\S)?$/,
  allowed: 'a non-empty string without surrounding spaces, or a token',
} as const;

/** EKS cluster name: 1-100 letters, digits, "-" and "_", starting with a letter or digit. */
export const EKS_CLUSTER_NAME = {
  pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
  allowed: '1-100 letters, digits, "-" and "_", starting with a letter or digit',
} as const;

/**
 * A Terraform identifier (a resource's logical id, a provider alias): HCL's rule, a Unicode
 * identifier start or "_", then identifier characters or "-". Terraform reads these before any
 * value, so a token is never one (refuse it with {@link requireLiteral} first).
 */
export const TERRAFORM_IDENTIFIER = {
  // Without format characters (U+200C/U+200D joiners are ID_Continue in today's Unicode, not in
  // Terraform's tables: 'a\u200db' passed here and Terraform refused it).
  pattern: /^(?!.*\p{Cf})[\p{ID_Start}_][\p{ID_Continue}-]*$/u,
  allowed: 'a Terraform identifier: a letter or "_", then letters, digits, "_" or "-" (Unicode identifier characters)',
} as const;

/**
 * Checks a text prop against `rule` unless it is a token: a value that is not a string (a
 * missing field read as `undefined`) is refused, never tested as its text "undefined".
 */
export function checkText(scope: IConstruct, field: string, value: unknown, rule: { pattern: RegExp; allowed: string }): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return; // a number or list token is no text
  if (typeof value !== 'string' || !rule.pattern.test(value)) propError(scope, field, value, rule.allowed);
}

/** Cloudflare account id: 32 lower-case hex digits. */
export const CLOUDFLARE_ACCOUNT_ID = {
  pattern: /^[0-9a-f]{32}$/,
  allowed: 'a Cloudflare account id (32 lower-case hex digits), or a token',
} as const;

/**
 * Refuses a `config` prop that is not a validated config (an object with the sections
 * validateRegionsConfig fills in): an unvalidated one failed deep inside with a TypeError.
 */
export function assertValidatedConfig(scope: IConstruct, config: unknown): void {
  const c = config as { project?: unknown; regions?: unknown; edge?: unknown; cdn?: unknown; failover?: unknown } | null;
  if (
    c === null ||
    typeof c !== 'object' ||
    [c.project, c.edge, c.cdn, c.failover].some((x) => x === null || typeof x !== 'object') ||
    !Array.isArray(c.regions)
  )
    propError(
      scope,
      'config',
      config === null || typeof config !== 'object' ? config : '(an object without every section)',
      'the validated config: validateRegionsConfig(...) (it fills in every section and default)',
    );
}

/** What a region prop allows (the construct reads its id, declaration, provider and key). */
export const REGION_ALLOWED = "a Region of the config (an IRegion: new Region(...) or one of a continent stack's regions)";

/** The parts every IRegion has (its interface requires them) and constructs read: objects. */
const REGION_PARTS = ['provider', 'key', 'bucket', 'network', 'securityGroups'] as const;

/** Whether a value has a regionId and a spec with services and residencyZone (what names a region). */
function hasRegionIdentity(value: unknown): boolean {
  const r = value as { regionId?: unknown; spec?: { services?: unknown; residencyZone?: unknown } | null } | null;
  return (
    r !== null &&
    typeof r === 'object' &&
    typeof r.regionId === 'string' &&
    r.spec !== null &&
    typeof r.spec === 'object' &&
    Array.isArray(r.spec.services) &&
    typeof r.spec.residencyZone === 'string'
  );
}

/** What each required part of an IRegion must carry for the constructs built on it (strings, or lists of them). */
const REGION_PART_ATTRIBUTES: Readonly<Record<(typeof REGION_PARTS)[number], readonly string[]>> = {
  provider: [],
  key: ['keyArn'],
  bucket: ['bucketName', 'bucketArn'],
  network: ['vpcId', 'cidr', 'availabilityZones', 'publicSubnetIds', 'privateSubnetIds'],
  securityGroups: ['loadBalancerSecurityGroupId', 'gatewaySecurityGroupId', 'databaseSecurityGroupId'],
};

/**
 * The required parts an object naming a region lacks, in interface order: a part that is not an
 * object, a provider that is not a Terraform provider, or a part without the attributes the
 * constructs read (`network.vpcId`, …; a hollow `{}` wrote resources with no VPC, subnets or provider).
 */
function missingRegionParts(value: object): string[] {
  const r = value as Record<string, unknown>;
  const missing: string[] = [];
  for (const part of REGION_PARTS) {
    const v = r[part];
    if (v === null || typeof v !== 'object') {
      missing.push(part);
      continue;
    }
    if (part === 'provider' && !TerraformProvider.isTerraformProvider(v)) {
      missing.push('provider (a TerraformProvider: an AwsProvider)');
      continue;
    }
    for (const attribute of REGION_PART_ATTRIBUTES[part]) {
      const a = (v as Record<string, unknown>)[attribute];
      if (typeof a !== 'string' && !(Array.isArray(a) && a.every((x) => typeof x === 'string'))) missing.push(`${part}.${attribute}`);
    }
  }
  return missing;
}

/** A value as a region message shows it: a region by its id, anything else by the formatter (an object only by its shape). */
function shownRegion(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? '(a list)' : '(an object without a regionId and a spec with services and residencyZone)';
}

/**
 * Refuses a region prop that is not an IRegion (an object, a string id, a region without its
 * declaration, or one without the provider, key, bucket, network or security groups its interface
 * requires): constructs read `regionId`, `spec.services` and `spec.residencyZone` from it, and
 * build on its parts.
 */
export function checkRegionLike(scope: IConstruct, field: string, value: unknown): void {
  if (!hasRegionIdentity(value)) propError(scope, field, shownRegion(value), REGION_ALLOWED);
  const missing = missingRegionParts(value as object);
  if (missing.length > 0)
    throw new Error(
      `${scope.node.path}: ${field} (region ${formatValue((value as { regionId: string }).regionId)}) lacks ${missing.join(', ')}; allowed: ${REGION_ALLOWED}, with its ${REGION_PARTS.join(', ')} and their attributes`,
    );
}

/** Refuses a list of regions that is not a list, or holds something that is not an IRegion (named by index). */
export function checkRegionList(scope: IConstruct, field: string, value: unknown, allowed = 'a list of Regions (IRegion[])'): void {
  if (!Array.isArray(value)) propError(scope, field, shownRegion(value), allowed);
  value.forEach((r, i) => checkRegionLike(scope, `${field}[${i}]`, r));
}

/** Refuses an optional list prop that is given but is not a list. */
export function checkList(scope: IConstruct, field: string, value: unknown, allowed: string): void {
  if (value !== undefined && !Array.isArray(value) && !Token.isUnresolved(value)) propError(scope, field, value, allowed);
}

/** Refuses an optional boolean prop that is given but is not a boolean (`"false"` is truthy). */
export function checkBoolean(scope: IConstruct, field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean' && !Token.isUnresolved(value)) propError(scope, field, value, 'true or false');
}

/** Refuses a list of databases that is not a list, or holds something that is not a ReplicatedDatabase (named by index). */
export function checkDatabaseList(scope: IConstruct, field: string, value: unknown): void {
  const allowed = 'the ReplicatedDatabases of the zone';
  checkList(scope, field, value, allowed);
  (value as unknown[]).forEach((db, i) => {
    const d = db as { primary?: { regionId?: unknown } | null; databaseName?: unknown; residencyZone?: unknown; replicas?: unknown } | null;
    const copyOk = (c: unknown) => c !== null && typeof c === 'object' && typeof (c as { regionId?: unknown }).regionId === 'string';
    if (
      d === null ||
      typeof d !== 'object' ||
      !copyOk(d.primary) ||
      typeof d.databaseName !== 'string' ||
      typeof d.residencyZone !== 'string' ||
      !Array.isArray(d.replicas) ||
      !d.replicas.every(copyOk)
    )
      propError(
        scope,
        `${field}[${i}]`,
        d === null || typeof d !== 'object' ? d : '(an object without a databaseName, residencyZone, primary and replicas)',
        'a ReplicatedDatabase of the zone (an IReplicatedDatabase: databaseName, residencyZone, primary and replicas, each copy with its regionId)',
      );
  });
}
