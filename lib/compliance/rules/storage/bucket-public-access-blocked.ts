import type { ComplianceRule } from '../../rule';
import { attachedTo, resourcesOfType, isTrue } from '../../view-helpers';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/** Every bucket blocks all four kinds of public access. */
export const bucketPublicAccessBlocked: ComplianceRule = {
  id: 'TSLJ-S3-1',
  area: 'storage',
  title: 'S3 buckets block all public access',
  fix: `add an aws_s3_bucket_public_access_block with ${FLAGS.join(', ')} all true`,
  resourceTypes: ['aws_s3_bucket'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const blocks = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_public_access_block');
      if (blocks.length === 0) return [{ path: bucket.path, reason: 'has no public access block' }];
      const off = FLAGS.filter((f) => !blocks.some((b) => isTrue(b.attributes[f])));
      return off.length ? [{ path: bucket.path, reason: `public access block leaves ${off.join(', ')} off` }] : [];
    }),
};
