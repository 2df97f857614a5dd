import type { ComplianceRule } from '../../rule';
import { attachedTo, parsePolicy, resourcesOfType } from '../../view-helpers';

/**
 * Every bucket refuses requests that do not use TLS, in its one bucket policy: S3 keeps one policy
 * per bucket, so of two `aws_s3_bucket_policy` resources the last applied replaces the other.
 */
export const bucketTlsOnly: ComplianceRule = {
  id: 'TSLJ-TLS-1',
  area: 'tls',
  title: 'S3 buckets deny requests without TLS (aws:SecureTransport)',
  fix: 'keep one bucket policy per bucket, with the statement { Effect: Deny, Principal: *, Action: s3:*, Condition: { Bool: { aws:SecureTransport: false } } }',
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
      const denies = policies.some((p) =>
        (parsePolicy(p.attributes.policy)?.Statement ?? []).some((s) => {
          const cond = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.Bool?.['aws:SecureTransport'];
          return s.Effect === 'Deny' && String(cond) === 'false';
        }),
      );
      return denies
        ? []
        : [
            {
              path: bucket.path,
              reason: policies.length ? 'its bucket policy has no Deny on aws:SecureTransport=false' : 'has no bucket policy',
            },
          ];
    }),
};
