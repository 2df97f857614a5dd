import type { ComplianceRule } from '../../rule';
import { resourcesOfType } from '../../view-helpers';

/** Every trail streams to CloudWatch Logs, and its log group has metric filters with alarms. */
export const trailAlarms: ComplianceRule = {
  id: 'TSLJ-AUD-5',
  area: 'audit',
  title: 'Every trail delivers to a CloudWatch Logs group with security metric filters and alarms',
  fix: 'set cloud_watch_logs_group_arn and cloud_watch_logs_role_arn on the trail and add metric filters and alarms (RegionSecurityAlarms)',
  resourceTypes: ['aws_cloudtrail'],
  check: (app) =>
    resourcesOfType(app, 'aws_cloudtrail').flatMap((t) => {
      const group = t.attributes.cloud_watch_logs_group_arn;
      if (typeof group !== 'string' || group === '')
        return [{ path: t.path, reason: 'cloud_watch_logs_group_arn is unset (no alarms possible)' }];
      const groupRef = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.arn\}/.exec(group)?.[1];
      const filters = resourcesOfType(app, 'aws_cloudwatch_log_metric_filter').filter(
        (f) =>
          f.stack === t.stack &&
          typeof f.attributes.log_group_name === 'string' &&
          !!groupRef &&
          f.attributes.log_group_name.includes(`aws_cloudwatch_log_group.${groupRef}.`),
      );
      if (filters.length === 0) return [{ path: t.path, reason: 'its log group has no metric filters' }];
      const metrics = new Set(
        filters.map(
          (f) =>
            (Array.isArray(f.attributes.metric_transformation) ? f.attributes.metric_transformation[0] : f.attributes.metric_transformation)
              ?.name,
        ),
      );
      const alarmed = resourcesOfType(app, 'aws_cloudwatch_metric_alarm').filter(
        (a) => metrics.has(a.attributes.metric_name) && Array.isArray(a.attributes.alarm_actions) && a.attributes.alarm_actions.length > 0,
      );
      return alarmed.length >= metrics.size
        ? []
        : [{ path: t.path, reason: `${metrics.size - alarmed.length} of its ${metrics.size} metric filters have no alarm with an action` }];
    }),
};
