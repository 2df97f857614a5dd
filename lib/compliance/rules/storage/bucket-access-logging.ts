import type { ComplianceRule } from '../../rule';
import { attachedTo, block, refersTo, resourcesOfType } from '../../view-helpers';

/**
 * Every bucket logs its requests to another bucket. A log bucket is exempt (logging a log bucket
 * only moves the question one bucket further): the target of an aws_s3_bucket_logging, or the
 * access-log destination of a load balancer.
 */
export const bucketAccessLogging: ComplianceRule = {
  id: 'TSLJ-S3-3',
  area: 'storage',
  title: 'S3 buckets log requests (server access logging) to a separate bucket',
  fix: 'add an aws_s3_bucket_logging with target_bucket = a hardened log bucket in the same region',
  resourceTypes: ['aws_s3_bucket'],
  check: (app) => {
    const logging = resourcesOfType(app, 'aws_s3_bucket_logging');
    const lbLogTargets = resourcesOfType(app, 'aws_lb', 'aws_alb').map((lb) => block(lb.attributes.access_logs)?.bucket);
    return resourcesOfType(app, 'aws_s3_bucket').flatMap((bucket) => {
      const isTarget =
        logging.some((l) => l.stack === bucket.stack && refersTo(l.attributes.target_bucket, bucket)) ||
        lbLogTargets.some((target) => refersTo(target, bucket));
      if (isTarget) return [];
      const own = attachedTo(app, bucket, 'bucket', 'aws_s3_bucket_logging');
      if (own.length === 0) return [{ path: bucket.path, reason: 'has no server access logging' }];
      return own.some((l) => refersTo(l.attributes.target_bucket, bucket)) ? [{ path: bucket.path, reason: 'logs into itself' }] : [];
    });
  },
};
