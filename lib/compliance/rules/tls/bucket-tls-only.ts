import type { ComplianceRule, ResourceView } from '../../rule';
import { addressOf, attachedTo, parsePolicy, resourcesOfType } from '../../view-helpers';

/** A string or a list of strings, as IAM takes Principal.AWS, Action and Resource; undefined otherwise. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** A key of `obj` equal to `name` ignoring case (IAM condition operators and keys are case-insensitive). */
function keyIgnoringCase(obj: Record<string, unknown>, name: RegExp): string | undefined {
  return Object.keys(obj).find((k) => name.test(k));
}

/** Whether a statement's condition is "aws:SecureTransport is false" (Bool or BoolIfExists, any spelling of the key). */
function onInsecureTransport(statement: Record<string, unknown>): boolean {
  const condition = statement.Condition;
  if (condition === null || typeof condition !== 'object') return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, keys]) => {
    if (!/^bool(ifexists)?$/i.test(operator) || keys === null || typeof keys !== 'object') return false;
    const key = keyIgnoringCase(keys as Record<string, unknown>, /^aws:securetransport$/i);
    if (key === undefined) return false;
    const value = (keys as Record<string, unknown>)[key];
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => v === false || (typeof v === 'string' && v.toLowerCase() === 'false'));
  });
}

/**
 * Conditions besides "aws:SecureTransport is false": IAM ANDs every operator and key of a
 * statement, so each one narrows the Deny (to one account, to callers without MFA, or to never).
 */
function otherConditions(statement: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [operator, keys] of Object.entries(statement.Condition as Record<string, unknown>)) {
    const names = keys !== null && typeof keys === 'object' ? Object.keys(keys) : [];
    for (const key of names)
      if (!(/^bool(ifexists)?$/i.test(operator) && /^aws:securetransport$/i.test(key))) out.push(`${operator} ${key}`);
  }
  return out;
}

/**
 * The ARN texts that name `bucket`: `arn:aws:s3:::<name>` for a literal bucket name, and the
 * bucket's own `arn` reference (how the constructs write it).
 */
function bucketArns(bucket: ResourceView): string[] {
  const name = bucket.attributes.bucket;
  const arns = [`\${${addressOf(bucket)}.arn}`];
  if (typeof name === 'string' && !name.includes('${')) arns.push(`arn:aws:s3:::${name}`);
  return arns;
}

/**
 * Whether an IAM resource pattern matches every object of the bucket: `*` and `?` are wildcards,
 * so the pattern must match `<bucket ARN>/` followed by any key; a reference to another resource,
 * a prefix (`/logs/*`) or another bucket does not.
 */
function coversObjects(pattern: string, bucket: ResourceView): boolean {
  const wildcard = pattern.search(/[*?]/);
  if (wildcard < 0 || pattern[wildcard] !== '*' || wildcard !== pattern.length - 1) {
    // Only a trailing `*` can match any key; `?`, or a `*` followed by more text, matches some keys only.
    return false;
  }
  const fixed = pattern.slice(0, wildcard);
  return bucketArns(bucket).some((arn) => `${arn}/`.startsWith(fixed)) || fixed === '' || 'arn:aws:s3:::'.startsWith(fixed);
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
  const resources = stringList(statement.Resource);
  if (!(resources?.some((r) => coversObjects(r, bucket)) ?? false))
    out.push(`Resource is ${JSON.stringify(statement.Resource ?? null)} (allowed: a list holding this bucket's objects, "<bucket ARN>/*")`);
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
