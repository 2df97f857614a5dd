import type { AppView, ComplianceRule, ResourceView } from '../../rule';
import { copyFinding, destinationRegion, resourcesOfType } from '../../view-helpers';

/** The region a database copy is read from: an ARN's region, a referenced resource's, else the copy's own. */
const sourceRegionOf = (app: AppView, copy: ResourceView, source: unknown): string | undefined =>
  destinationRegion(app, copy, source) ?? (typeof source === 'string' && !source.startsWith('arn:') ? copy.region : undefined);

/**
 * RDS automated-backup replication and snapshot copies hold the whole database: like replicas, they
 * may only land in a zone the source's zone may copy to. Both resources live in the region the copy
 * goes to and name their source.
 */
export const databaseBackupCopiesInZone: ComplianceRule = {
  id: 'TSLJ-RES-6',
  area: 'residency',
  title: 'Database backup replication and snapshot copies stay inside the residency zone of their source',
  fix: "copy backups and snapshots only to a region of the source database's residency zone (or a zone it may copy to)",
  resourceTypes: ['aws_db_instance_automated_backups_replication', 'aws_db_snapshot_copy'],
  check: (app) => [
    ...resourcesOfType(app, 'aws_db_instance_automated_backups_replication').flatMap((r) =>
      copyFinding(
        app,
        { ...r, region: sourceRegionOf(app, r, r.attributes.source_db_instance_arn) },
        'automated backup replication',
        r.region,
        r.region,
      ),
    ),
    ...resourcesOfType(app, 'aws_db_snapshot_copy').flatMap((r) => {
      const to = typeof r.attributes.destination_region === 'string' ? r.attributes.destination_region : r.region;
      return copyFinding(
        app,
        { ...r, region: sourceRegionOf(app, r, r.attributes.source_db_snapshot_identifier) },
        'database snapshot copy',
        to,
        to,
      );
    }),
  ],
};
