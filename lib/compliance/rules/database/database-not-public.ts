import type { ComplianceRule } from '../../rule';
import { isTrue, mayBeTrue, resourcesOfType, show } from '../../view-helpers';

/** No database is reachable from the internet. */
export const databaseNotPublic: ComplianceRule = {
  id: 'TSLJ-DB-1',
  area: 'database',
  title: 'Databases are not publicly accessible',
  fix: 'set publicly_accessible = false (the default) and keep the database in private subnets',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  check: (app) =>
    resourcesOfType(app, 'aws_db_instance', 'aws_rds_cluster_instance')
      .filter((db) => mayBeTrue(db.attributes.publicly_accessible))
      .map((db) => ({
        path: db.path,
        reason: isTrue(db.attributes.publicly_accessible)
          ? 'publicly_accessible is true'
          : `publicly_accessible is ${show(db.attributes.publicly_accessible)} (known only at apply: it may be true)`,
      })),
};
