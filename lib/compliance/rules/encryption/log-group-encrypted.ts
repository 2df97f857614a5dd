import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show } from '../../view-helpers';

/** CloudWatch log groups (audit, database, cluster logs) are encrypted with a customer-managed key and expire. */
export const logGroupEncrypted: ComplianceRule = {
  id: 'TSLJ-ENC-3',
  area: 'encryption',
  title: 'CloudWatch log groups encrypt with a customer-managed KMS key and have a retention',
  fix: 'set kms_key_id to the region key ARN and retention_in_days (e.g. 365)',
  resourceTypes: ['aws_cloudwatch_log_group'],
  check: (app) =>
    resourcesOfType(app, 'aws_cloudwatch_log_group').flatMap((g) => {
      const problems: string[] = [];
      if (typeof g.attributes.kms_key_id !== 'string' || g.attributes.kms_key_id === '') problems.push('kms_key_id is unset');
      const days = g.attributes.retention_in_days;
      if (typeof days !== 'number' || days <= 0) problems.push(`retention_in_days is ${show(days)} (logs kept forever)`);
      return problems.length ? [{ path: g.path, reason: problems.join('; ') }] : [];
    }),
};
