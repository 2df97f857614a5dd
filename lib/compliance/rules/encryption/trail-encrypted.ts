import type { ComplianceRule } from '../../rule';
import { resourcesOfType } from '../../view-helpers';

/** CloudTrail log files are encrypted with a customer-managed key. */
export const trailEncrypted: ComplianceRule = {
  id: 'TSLJ-ENC-2',
  area: 'encryption',
  title: 'CloudTrail trails encrypt log files with a customer-managed KMS key',
  fix: 'set kms_key_id on the trail to the region key ARN',
  resourceTypes: ['aws_cloudtrail'],
  check: (app) =>
    resourcesOfType(app, 'aws_cloudtrail')
      .filter((t) => typeof t.attributes.kms_key_id !== 'string' || t.attributes.kms_key_id === '')
      .map((t) => ({ path: t.path, reason: 'kms_key_id is unset (log files only SSE-S3)' })),
};
