import type { ComplianceRule } from '../../rule';
import { attachedTo, block, blocks, resourcesOfType, show } from '../../view-helpers';

/** Every S3 bucket encrypts by default with SSE-KMS under a key we manage (not SSE-S3, not the AWS-managed key). */
export const bucketEncryptedWithCmk: ComplianceRule = {
  id: 'TSLJ-ENC-1',
  area: 'encryption',
  title: 'S3 buckets encrypt at rest with a customer-managed KMS key',
  fix: 'add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and kms_master_key_id = the region key ARN',
  resourceTypes: ['aws_s3_bucket'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const configs = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_server_side_encryption_configuration');
      if (configs.length === 0) return [{ path: bucket.path, reason: 'has no server-side encryption configuration' }];
      const rules = configs.flatMap((c) => blocks(c.attributes.rule));
      const ok = rules.some((r) => {
        const d = block(r.apply_server_side_encryption_by_default);
        return (
          (d?.sse_algorithm === 'aws:kms' || d?.sse_algorithm === 'aws:kms:dsse') &&
          typeof d.kms_master_key_id === 'string' &&
          d.kms_master_key_id.length > 0 &&
          !/alias\/aws\//.test(d.kms_master_key_id)
        );
      });
      if (ok) return [];
      const d = block(rules[0]?.apply_server_side_encryption_by_default);
      return [{ path: bucket.path, reason: `default encryption is ${show(d?.sse_algorithm)} with key ${show(d?.kms_master_key_id)}` }];
    }),
};
