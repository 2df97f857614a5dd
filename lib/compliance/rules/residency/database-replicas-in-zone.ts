import type { ComplianceRule } from '../../rule';
import { copyFinding, destinationRegion, resourcesOfType } from '../../view-helpers';

/** A read replica holds a full copy of its source: it must sit in a zone the source's zone may copy to. */
export const databaseReplicasInZone: ComplianceRule = {
  id: 'TSLJ-RES-2',
  area: 'residency',
  title: 'Database replicas stay inside the residency zone of their source',
  fix: "create the replica in a region of the source database's residency zone",
  resourceTypes: ['aws_db_instance'],
  check: (app) =>
    resourcesOfType(app, 'aws_db_instance')
      .filter((db) => typeof db.attributes.replicate_source_db === 'string' && db.attributes.replicate_source_db !== '')
      .flatMap((replica) => {
        const source = replica.attributes.replicate_source_db;
        const sourceRegion = destinationRegion(app, replica, source) ?? (String(source).startsWith('arn:') ? undefined : replica.region);
        // the copy flows from the source's region into the replica's region
        return copyFinding(app, { ...replica, region: sourceRegion }, 'database replica', replica.region, replica.region);
      }),
};
