import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show, isTrue } from '../../view-helpers';

/** Databases encrypt storage (and so their snapshots and replicas) with a customer-managed key. */
export const databaseEncrypted: ComplianceRule = {
  id: 'TSLJ-ENC-6',
  area: 'encryption',
  title: 'RDS databases encrypt storage with a customer-managed KMS key',
  fix: 'set storage_encrypted = true and kms_key_id = the region key ARN',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_db_instance', 'aws_rds_cluster').flatMap((db) => {
      const a = db.attributes;
      const problems: string[] = [];
      if (!isTrue(a.storage_encrypted)) problems.push(`storage_encrypted is ${show(a.storage_encrypted)}`);
      if (typeof a.kms_key_id !== 'string' || a.kms_key_id === '') problems.push('kms_key_id is unset (AWS-managed key)');
      return problems.length ? [{ path: db.path, reason: problems.join('; ') }] : [];
    }),
};
