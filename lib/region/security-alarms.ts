import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { checkRequiredProps, checkText, NON_EMPTY_TEXT, checkBoolean } from '../private/prop-checks';

/** One CIS-style security event: a CloudTrail filter pattern and whether only global-service trails see it. */
export interface SecurityEvent {
  readonly id: string;
  readonly description: string;
  readonly pattern: string;
  /** IAM, STS, root and console sign-in events are recorded only by the trail with global service events. */
  readonly global: boolean;
}

/** The events the issue names, with the CIS AWS Foundations Benchmark (v1.4, section 4) filter patterns. */
export const SECURITY_EVENTS: readonly SecurityEvent[] = [
  {
    id: 'RootAccountUse',
    description: 'the root user was used',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    global: true,
  },
  {
    id: 'IamPolicyChanges',
    description: 'an IAM policy was created, changed, attached or detached',
    pattern: `{ ${[
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ]
      .map((e) => `($.eventName = ${e})`)
      .join(' || ')} }`,
    global: true,
  },
  {
    id: 'ConsoleSignInFailures',
    description: 'console sign-in failed',
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    global: true,
  },
  {
    id: 'KmsKeyDisabledOrDeleted',
    description: 'a KMS key was disabled or scheduled for deletion',
    pattern: '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
    global: false,
  },
  {
    id: 'SecurityGroupChanges',
    description: 'a security group or its rules changed',
    pattern: `{ ${[
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    ]
      .map((e) => `($.eventName = ${e})`)
      .join(' || ')} }`,
    global: false,
  },
];

export interface RegionSecurityAlarmsProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** Name prefix. */
  readonly namePrefix: string;
  /** Log group the trail delivers to. */
  readonly logGroupName: string;
  /** Whether the trail records global service events (then the IAM/root/console filters apply here). */
  readonly globalServiceEvents: boolean;
  /** KMS key that encrypts the alarm topic. */
  readonly kmsKeyArn: string;
}

/**
 * Metric filters on the audit trail's log group and an alarm per security event, publishing to an
 * encrypted SNS topic (`<prefix>-security-alarms`; subscribe your on-call to it). Events only the
 * global-service trail records get filters only on that trail's log group.
 */
export class RegionSecurityAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: RegionSecurityAlarmsProps) {
    super(scope, id);
    checkRequiredProps<RegionSecurityAlarmsProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      namePrefix: 'the region\'s name prefix, such as "tslj-eu-west-1"',
      logGroupName: 'the CloudWatch log group the audit trail writes to',
      globalServiceEvents: "true or false (whether this region's trail records global service events)",
      kmsKeyArn: 'an ARN (or a token)',
    });
    checkBoolean(this, 'globalServiceEvents', props.globalServiceEvents);
    checkText(this, 'namePrefix', props.namePrefix, NON_EMPTY_TEXT);
    checkText(this, 'logGroupName', props.logGroupName, NON_EMPTY_TEXT);
    checkText(this, 'kmsKeyArn', props.kmsKeyArn, NON_EMPTY_TEXT);
    const { provider } = props;
    this.topic = new SnsTopic(this, 'Topic', { provider, name: `${props.namePrefix}-security-alarms`, kmsMasterKeyId: props.kmsKeyArn });
    const namespace = `${props.namePrefix.split('-')[0]}/Security`;
    for (const event of SECURITY_EVENTS.filter((e) => props.globalServiceEvents || !e.global)) {
      const metricName = `${event.id}-${props.namePrefix}`;
      const filter = new CloudwatchLogMetricFilter(this, `${event.id}Filter`, {
        provider,
        name: metricName,
        logGroupName: props.logGroupName,
        pattern: event.pattern,
        metricTransformation: { name: metricName, namespace, value: '1', defaultValue: '0' },
      });
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `${event.id}Alarm`, {
          provider,
          alarmName: `${props.namePrefix}-${event.id}`,
          alarmDescription: `Security: ${event.description}`,
          namespace,
          metricName,
          statistic: 'Sum',
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: [this.topic.arn],
          dependsOn: [filter],
        }),
      );
    }
  }
}
