import type { ComplianceRule } from '../../rule';
import { attachedTo, blocks, resourcesOfType } from '../../view-helpers';

/** Every bucket expires old object versions and abandoned multipart uploads (they are billed and may hold personal data). */
export const bucketLifecycle: ComplianceRule = {
  id: 'TSLJ-S3-4',
  area: 'storage',
  title: 'S3 buckets expire noncurrent versions and abort incomplete multipart uploads',
  fix: 'add an aws_s3_bucket_lifecycle_configuration with noncurrent_version_expiration and abort_incomplete_multipart_upload rules',
  resourceTypes: ['aws_s3_bucket'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const rules = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_lifecycle_configuration')
        .flatMap((l) => blocks(l.attributes.rule))
        .filter((r) => r.status === 'Enabled');
      const missing = [
        rules.some((r) => blocks(r.noncurrent_version_expiration).length > 0) ? undefined : 'noncurrent version expiration',
        rules.some((r) => blocks(r.abort_incomplete_multipart_upload).length > 0) ? undefined : 'abort of incomplete multipart uploads',
      ].filter(Boolean);
      return missing.length ? [{ path: bucket.path, reason: `no lifecycle rule for ${missing.join(' and ')}` }] : [];
    }),
};
