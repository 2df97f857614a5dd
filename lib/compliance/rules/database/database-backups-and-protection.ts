import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show, isTrue, mayBeTrue } from '../../view-helpers';

/** Minimum automated-backup retention of a primary database, in days. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** Databases keep automated backups (primaries) and cannot be deleted by accident. */
export const databaseBackupsAndProtection: ComplianceRule = {
  id: 'TSLJ-DB-2',
  area: 'database',
  title: `Databases have deletion protection, a final snapshot and (primaries) ≥ ${MIN_BACKUP_RETENTION_DAYS} days of automated backups`,
  fix: `set deletion_protection = true, skip_final_snapshot = false and backup_retention_period >= ${MIN_BACKUP_RETENTION_DAYS}`,
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_db_instance', 'aws_rds_cluster').flatMap((db) => {
      const a = db.attributes;
      const problems: string[] = [];
      if (!isTrue(a.deletion_protection)) problems.push(`deletion_protection is ${show(a.deletion_protection)}`);
      const replica = typeof a.replicate_source_db === 'string' && a.replicate_source_db !== '';
      if (!replica && mayBeTrue(a.skip_final_snapshot)) problems.push(`skip_final_snapshot is ${show(a.skip_final_snapshot)}`);
      const days = a.backup_retention_period;
      if (!replica && !(typeof days === 'number' && days >= MIN_BACKUP_RETENTION_DAYS))
        problems.push(`backup_retention_period is ${show(days)}; allowed: ${MIN_BACKUP_RETENTION_DAYS} to 35`);
      return problems.length ? [{ path: db.path, reason: problems.join('; ') }] : [];
    }),
};
