import type { ComplianceRule } from '../../rule';
import { block, blocks, copyFinding, resourcesOfType } from '../../view-helpers';

/** Bucket and container-image replication go only to regions whose zone may hold the source zone's data. */
export const replicationStaysInZone: ComplianceRule = {
  id: 'TSLJ-RES-1',
  area: 'residency',
  title: 'Bucket and registry replication stay inside the residency zone (or zones it may copy to)',
  fix: "replicate only to a bucket/region of the same residency zone, or add the destination zone to the source zone's allowedCopyTo in regions.config.ts",
  resourceTypes: ['aws_s3_bucket_replication_configuration', 'aws_ecr_replication_configuration'],
  check: (app) => [
    ...resourcesOfType(app, 'aws_s3_bucket_replication_configuration').flatMap((r) =>
      blocks(r.attributes.rule).flatMap((rule) => copyFinding(app, r, 'bucket replication', block(rule.destination)?.bucket)),
    ),
    ...resourcesOfType(app, 'aws_ecr_replication_configuration').flatMap((r) =>
      blocks(block(r.attributes.replication_configuration)?.rule).flatMap((rule) =>
        blocks(rule.destination).flatMap((d) => copyFinding(app, r, 'registry replication', d.region, d.region as string)),
      ),
    ),
  ],
};
