import type { ComplianceRule } from '../../rule';
import { resourcesOfType } from '../../view-helpers';

/** Backup vaults encrypt recovery points with a customer-managed key. */
export const backupVaultEncrypted: ComplianceRule = {
  id: 'TSLJ-ENC-7',
  area: 'encryption',
  title: 'Backup vaults encrypt with a customer-managed KMS key',
  fix: 'set kms_key_arn on the aws_backup_vault to the region key ARN',
  resourceTypes: ['aws_backup_vault'],
  check: (app) =>
    resourcesOfType(app, 'aws_backup_vault')
      .filter((v) => typeof v.attributes.kms_key_arn !== 'string' || v.attributes.kms_key_arn === '')
      .map((v) => ({ path: v.path, reason: 'kms_key_arn is unset (AWS-managed key)' })),
};
