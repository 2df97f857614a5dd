import type { ComplianceRule } from '../../rule';
import { copyFinding, resourcesOfType, zoneOfRegion, mayBeTrue } from '../../view-helpers';

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
    // A multi-region trail copies the management events of every region into its own: across zones
    // only where the config says so (globalServiceEvents, with its reason).
    ...resourcesOfType(app, 'aws_cloudtrail')
      .filter((t) => mayBeTrue(t.attributes.is_multi_region_trail))
      .flatMap((t) => {
        const home = zoneOfRegion(app, t.region);
        const others = [...new Set((app.config?.regions ?? []).map((r) => r.residencyZone))].filter((z) => z !== home);
        if (others.length === 0 || app.config?.globalServiceEvents?.region === t.region) return [];
        return [
          {
            path: t.path,
            reason: `a multi-region trail in ${String(t.region)} (zone "${String(home)}") copies the management events of the regions of zone(s) ${others.map((z) => `"${z}"`).join(', ')} into zone "${String(home)}"; declare it in the config (globalServiceEvents: { region, reason })`,
          },
        ];
      }),
    ...resourcesOfType(app, 'aws_cloudtrail').flatMap((t) => [
      ...copyFinding(app, t, 'audit log delivery', t.attributes.s3_bucket_name),
      ...(t.attributes.cloud_watch_logs_group_arn ? copyFinding(app, t, 'audit log stream', t.attributes.cloud_watch_logs_group_arn) : []),
    ]),
  ],
};
