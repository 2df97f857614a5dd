import type { ComplianceRule } from '../../rule';
import { attachedTo, block, resourcesOfType } from '../../view-helpers';

/** Every bucket keeps object versions (recovery from overwrite, deletion, ransomware). */
export const bucketVersioned: ComplianceRule = {
  id: 'TSLJ-S3-2',
  area: 'storage',
  title: 'S3 buckets have versioning enabled',
  fix: 'add an aws_s3_bucket_versioning with versioning_configuration.status = "Enabled"',
  resourceTypes: ['aws_s3_bucket'],
  check: (app) =>
    resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const v = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_versioning');
      return v.some((x) => block(x.attributes.versioning_configuration)?.status === 'Enabled')
        ? []
        : [{ path: bucket.path, reason: 'versioning is not enabled' }];
    }),
};
