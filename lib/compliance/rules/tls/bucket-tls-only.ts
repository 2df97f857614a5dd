import type { ComplianceRule, ResourceView } from '../../rule';
import { AWS_REGIONS } from '../../../config/aws-regions';
import { addressOf, attachedTo, parsePolicy, resourcesOfType } from '../../view-helpers';

/** A string or a list of strings, as IAM takes Principal.AWS, Action and Resource; undefined otherwise. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** A condition operator that tests a boolean key: Bool or BoolIfExists, any case. */
const BOOL_OPERATOR = /^bool(ifexists)?$/i;
const SECURE_TRANSPORT = /^aws:securetransport$/i;

/** Whether a condition value is false and only false (`false`, `"false"`, or a list of those). */
function onlyFalse(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.length > 0 && values.every((v) => v === false || (typeof v === 'string' && v.toLowerCase() === 'false'));
}

/** Every (operator, key) test of a statement's condition, as IAM ANDs them. */
function conditionTests(statement: Record<string, unknown>): { operator: string; key: string; value: unknown }[] {
  const condition = statement.Condition;
  if (condition === null || typeof condition !== 'object') return [];
  return Object.entries(condition as Record<string, unknown>).flatMap(([operator, keys]) =>
    keys !== null && typeof keys === 'object'
      ? Object.entries(keys as Record<string, unknown>).map(([key, value]) => ({ operator, key, value }))
      : [],
  );
}

/** Whether a statement's condition holds a test "aws:SecureTransport is false" (Bool or BoolIfExists, any spelling). */
function onInsecureTransport(statement: Record<string, unknown>): boolean {
  return conditionTests(statement).some((t) => BOOL_OPERATOR.test(t.operator) && SECURE_TRANSPORT.test(t.key) && onlyFalse(t.value));
}

/**
 * The tests besides one "aws:SecureTransport is false": IAM ANDs every operator and key of a
 * statement, so each one narrows the Deny (to one account, to callers without MFA) or, when it tests
 * SecureTransport again, can make it never apply.
 */
function otherConditions(statement: Record<string, unknown>): string[] {
  let found = false;
  const out: string[] = [];
  for (const t of conditionTests(statement)) {
    if (!found && BOOL_OPERATOR.test(t.operator) && SECURE_TRANSPORT.test(t.key) && onlyFalse(t.value)) found = true;
    else out.push(`${t.operator} ${t.key}`);
  }
  return out;
}

/**
 * Whether IAM's resource glob `pattern` (`*` any run, `?` one character) matches `text` whole: the
 * two-pointer match that returns to the last `*` on a mismatch, O(|pattern| × |text|) at worst — no
 * regular expression, so no pattern of many `*` can make it backtrack exponentially.
 */
function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The ARN partition of the bucket's region (`aws-cn` in China, `aws-us-gov` in GovCloud). */
function partitionOf(bucket: ResourceView): string {
  return (bucket.region === undefined ? undefined : AWS_REGIONS.get(bucket.region)?.partition) ?? 'aws';
}

/**
 * Whether an IAM resource pattern takes the bucket (`objects` false: `<bucket ARN>`) or every object
 * of it (`objects` true: `<bucket ARN>/<any key>`, so the pattern must end with `*` and match
 * `<bucket ARN>/`). The bucket's `arn` reference (how the constructs write it) counts only as a
 * whole: the reference itself, or followed by `*` or `/*`. A literal ARN is matched in the bucket's
 * partition when its name is literal; otherwise only a pattern that takes every bucket counts.
 */
function covers(pattern: string, bucket: ResourceView, objects: boolean): boolean {
  if (objects && !pattern.endsWith('*')) return false;
  const reference = `\${${addressOf(bucket)}.arn}`;
  if (pattern.startsWith(reference)) return globMatches(pattern.slice(reference.length), objects ? '/' : '');
  if (pattern.includes('${')) return false;
  const name = bucket.attributes.bucket;
  const partition = partitionOf(bucket);
  if (typeof name === 'string' && !name.includes('${')) return globMatches(pattern, `arn:${partition}:s3:::${name}${objects ? '/' : ''}`);
  // Without a literal name: the pattern must take any bucket name (and key) of the partition.
  return globMatches(pattern, `arn:${partition}:s3:::`) && pattern.endsWith('*');
}

/**
 * What keeps a Deny on insecure transport from refusing every plain-HTTP request to the bucket and
 * its objects: empty when it refuses them all. Not* elements narrow a statement in ways a text
 * check cannot follow, so they count as a gap.
 */
function gaps(statement: Record<string, unknown>, bucket: ResourceView): string[] {
  const out: string[] = [];
  for (const element of ['NotPrincipal', 'NotAction', 'NotResource'])
    if (statement[element] !== undefined)
      out.push(`it uses ${element} (allowed: Principal "*", Action "s3:*", Resource the bucket's objects)`);
  const principal = statement.Principal;
  const aws = principal !== null && typeof principal === 'object' ? stringList((principal as Record<string, unknown>).AWS) : undefined;
  if (principal !== '*' && !(aws?.includes('*') ?? false))
    out.push(`Principal is ${JSON.stringify(principal ?? null)} (allowed: "*", every caller)`);
  const actions = stringList(statement.Action);
  if (!(actions?.some((a) => a === '*' || a.toLowerCase() === 's3:*') ?? false))
    out.push(`Action is ${JSON.stringify(statement.Action ?? null)} (allowed: "s3:*" or "*", every request)`);
  const resources = stringList(statement.Resource) ?? [];
  const bucketToo = resources.some((r) => covers(r, bucket, false));
  const objects = resources.some((r) => covers(r, bucket, true));
  if (!bucketToo || !objects)
    out.push(
      `Resource is ${JSON.stringify(statement.Resource ?? null)} (allowed: this bucket and its objects, [<bucket ARN>, <bucket ARN>/*]; it leaves ${
        !objects ? (bucketToo ? 'the objects' : 'the bucket and its objects') : 'the bucket (listing, its policy)'
      } open)`,
    );
  const others = otherConditions(statement);
  if (others.length > 0)
    out.push(`its condition also requires ${others.join(', ')} (IAM ANDs them: the Deny then leaves other plain-HTTP requests open)`);
  return out;
}

/**
 * Every bucket refuses requests that do not use TLS, in its one bucket policy: S3 keeps one policy
 * per bucket, so of two `aws_s3_bucket_policy` resources the last applied replaces the other. The
 * refusal counts only when it covers every caller, every S3 action and the bucket's objects (a Deny
 * of `s3:PutObject` to one role, or on the bucket ARN alone, leaves reads over plain HTTP open);
 * condition operators and keys are matched ignoring case, as IAM does.
 */
export const bucketTlsOnly: ComplianceRule = {
  id: 'TSLJ-TLS-1',
  area: 'tls',
  title: 'S3 buckets deny requests without TLS (aws:SecureTransport)',
  fix: 'keep one bucket policy per bucket, with the statement { Effect: Deny, Principal: *, Action: s3:*, Resource: [<bucket ARN>, <bucket ARN>/*], Condition: { Bool: { aws:SecureTransport: false } } }',
  resourceTypes: ['aws_s3_bucket'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const policies = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_policy');
      if (policies.length > 1)
        return [
          {
            path: bucket.path,
            reason: `has ${policies.length} bucket policies (${policies.map((p) => p.path).join(', ')}): S3 keeps one, the last applied replaces the TLS-only one`,
          },
        ];
      if (policies.length === 0) return [{ path: bucket.path, reason: 'has no bucket policy' }];
      const denials = (parsePolicy(policies[0].attributes.policy)?.Statement ?? []).filter(
        (s) => s.Effect === 'Deny' && onInsecureTransport(s),
      );
      if (denials.length === 0) return [{ path: bucket.path, reason: 'its bucket policy has no Deny on aws:SecureTransport=false' }];
      const shortfalls = denials.map((d) => gaps(d, bucket));
      if (shortfalls.some((g) => g.length === 0)) return [];
      return [
        {
          path: bucket.path,
          reason: `its Deny on aws:SecureTransport=false does not refuse every plain-HTTP request: ${shortfalls[0].join('; ')}`,
        },
      ];
    }),
};
