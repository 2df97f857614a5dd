import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show } from '../../view-helpers';

/**
 * Objects Terraform writes name a customer-managed key themselves, rather than relying on the
 * bucket's default encryption (which a bucket of your own may not have). Checkov: CKV_AWS_186.
 */
export const objectEncryptedWithCmk: ComplianceRule = {
  id: 'TSLJ-ENC-8',
  area: 'encryption',
  title: 'S3 objects written by Terraform are encrypted with a customer-managed KMS key',
  fix: 'set server_side_encryption = "aws:kms" and kms_key_id = the region key ARN on the aws_s3_object',
  resourceTypes: ['aws_s3_object'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_object').flatMap((o) => {
      const a = o.attributes;
      const problems: string[] = [];
      if (a.server_side_encryption !== 'aws:kms' && a.server_side_encryption !== 'aws:kms:dsse')
        problems.push(`server_side_encryption is ${show(a.server_side_encryption)}`);
      if (typeof a.kms_key_id !== 'string' || a.kms_key_id === '') problems.push('kms_key_id is unset (bucket default or AWS-managed key)');
      return problems.length ? [{ path: o.path, reason: problems.join('; ') }] : [];
    }),
};
