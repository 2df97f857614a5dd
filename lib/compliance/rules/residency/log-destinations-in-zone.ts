import type { ComplianceRule } from '../../rule';
import { copyFinding, resourcesOfType } from '../../view-helpers';

/** Audit and flow logs (client IPs: personal data) and log subscriptions are delivered inside the zone. */
export const logDestinationsInZone: ComplianceRule = {
  id: 'TSLJ-RES-4',
  area: 'residency',
  title: 'Audit trails, flow logs and log subscriptions deliver to destinations inside the residency zone',
  fix: "deliver to the region's own bucket, log group, or a stream (Firehose, Kinesis, Lambda) in the zone",
  resourceTypes: ['aws_flow_log', 'aws_cloudtrail', 'aws_cloudwatch_log_subscription_filter'],
  check: (app) => [
    ...resourcesOfType(app, 'aws_flow_log').flatMap((f) =>
      copyFinding(app, f, 'flow log delivery', f.attributes.log_destination ?? f.attributes.log_group_name),
    ),
    ...resourcesOfType(app, 'aws_cloudwatch_log_subscription_filter').flatMap((f) =>
      copyFinding(app, f, 'log subscription', f.attributes.destination_arn),
    ),
    ...resourcesOfType(app, 'aws_cloudtrail').flatMap((t) => [
      ...copyFinding(app, t, 'audit log delivery', t.attributes.s3_bucket_name),
      ...(t.attributes.cloud_watch_logs_group_arn ? copyFinding(app, t, 'audit log stream', t.attributes.cloud_watch_logs_group_arn) : []),
    ]),
  ],
};
