import type { ComplianceRule } from '../../rule';
import { isFalse, isTrue, resourcesOfType, show } from '../../view-helpers';

/** Every AWS region the app deploys to records its management events in a validated, logging trail. */
export const trailInEveryRegion: ComplianceRule = {
  id: 'TSLJ-AUD-1',
  area: 'audit',
  title: 'Every AWS region has a CloudTrail trail with log-file validation, logging on',
  fix: 'add a RegionAuditTrail (aws_cloudtrail with enable_log_file_validation = true) in the region',
  resourceTypes: ['aws_cloudtrail'],
  check: (app) => {
    const findings = resourcesOfType(app, 'aws_cloudtrail')
      .filter(
        (t) =>
          !isTrue(t.attributes.enable_log_file_validation) || (t.attributes.enable_logging != null && !isTrue(t.attributes.enable_logging)),
      )
      .map((t) => ({
        path: t.path,
        reason:
          t.attributes.enable_logging == null || isTrue(t.attributes.enable_logging)
            ? 'enable_log_file_validation is not true'
            : isFalse(t.attributes.enable_logging)
              ? 'logging is off'
              : `enable_logging is ${show(t.attributes.enable_logging)} (not known to be on)`,
      }));
    const regions = new Set(app.resources.filter((r) => r.type.startsWith('aws_') && r.region).map((r) => r.region!));
    const trailed = new Set(resourcesOfType(app, 'aws_cloudtrail').map((t) => t.region));
    const multi = resourcesOfType(app, 'aws_cloudtrail').some((t) => isTrue(t.attributes.is_multi_region_trail));
    for (const region of [...regions].sort()) {
      if (trailed.has(region) || multi) continue;
      const first = app.resources.find((r) => r.region === region)!;
      findings.push({ path: first.path.split('/').slice(0, 2).join('/'), reason: `region ${region} has resources but no audit trail` });
    }
    return findings;
  },
};
