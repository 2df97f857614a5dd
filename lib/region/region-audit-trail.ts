import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { policyDocument } from '../private/policy';
import { BUCKET_PREFIXES } from './region-bucket';
import { RegionSecurityAlarms } from './security-alarms';
import { checkRequiredProps, checkText, NON_EMPTY_TEXT, checkBoolean } from '../private/prop-checks';

/** Days the trail's CloudWatch Logs copy is kept (the S3 copy keeps seven years, see BUCKET_RETENTION_DAYS). */
export const AUDIT_LOG_GROUP_RETENTION_DAYS = 365;

export interface RegionAuditTrailProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** Trail name (the bucket policy names it too). */
  readonly trailName: string;
  /** Name of the bucket the log files go to. */
  readonly bucketName: string;
  /** The bucket policy that lets CloudTrail write; the trail waits for it. */
  readonly bucketPolicy: S3BucketPolicy;
  /** KMS key ARN that encrypts the log files. */
  readonly kmsKeyArn: string;
  /**
   * Record global service events (IAM, STS, root and console sign-in). AWS delivers them to a
   * single-region trail only in us-east-1, and to a multi-region trail wherever it lives: set it on
   * exactly one trail of the account (elsewhere than us-east-1, with {@link multiRegionTrail}). @default false
   */
  readonly includeGlobalServiceEvents?: boolean;
  /**
   * Make the trail a multi-region trail (it then records the management events of every region as
   * well, into this region's bucket): how a fleet without us-east-1 records global service events. @default false
   */
  readonly multiRegionTrail?: boolean;
  /** Name prefix of the log group, role, topic and alarms. @default the trail name */
  readonly namePrefix?: string;
}

/**
 * The region's audit trail (设计: 审计追踪): management events of the region, with log-file integrity
 * validation, encrypted with the region's key, delivered under `audit/` in the region's bucket.
 * Regional on purpose: audit records of a residency zone stay in it.
 */
export class RegionAuditTrail extends Construct {
  /** Trail name. */
  readonly trailName: string;
  /** Trail ARN. */
  readonly trailArn: string;
  /** The underlying CloudTrail resource (escape hatch). */
  readonly cloudtrail: Cloudtrail;
  /** CloudWatch Logs copy of the trail (construct id `LogGroup`). */
  readonly logGroup: CloudwatchLogGroup;
  /** Metric filters and alarms on the CIS-style events (construct id `Alarms`). */
  readonly alarms: RegionSecurityAlarms;

  constructor(scope: Construct, id: string, props: RegionAuditTrailProps) {
    super(scope, id);
    checkRequiredProps<RegionAuditTrailProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      trailName: "the trail's name",
      bucketName: "the region bucket's name (or a token)",
      bucketPolicy: "the region bucket's policy (the trail writes only once it exists)",
      kmsKeyArn: 'an ARN (or a token)',
    });
    checkBoolean(this, 'includeGlobalServiceEvents', props.includeGlobalServiceEvents);
    checkBoolean(this, 'multiRegionTrail', props.multiRegionTrail);
    checkText(this, 'trailName', props.trailName, NON_EMPTY_TEXT);
    checkText(this, 'bucketName', props.bucketName, NON_EMPTY_TEXT);
    checkText(this, 'kmsKeyArn', props.kmsKeyArn, NON_EMPTY_TEXT);
    const prefix = props.namePrefix ?? props.trailName;
    // CloudTrail → CloudWatch Logs (encrypted with the region key, kept a year) for the security alarms
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      provider: props.provider,
      name: `/aws/cloudtrail/${props.trailName}`,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: AUDIT_LOG_GROUP_RETENTION_DAYS,
    });
    const role = new IamRole(this, 'DeliveryRole', {
      provider: props.provider,
      name: `${prefix}-trail-to-logs`,
      assumeRolePolicy: policyDocument([
        { Sid: 'CloudTrailAssumes', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
      inlinePolicy: [
        {
          name: 'deliver-to-log-group',
          policy: policyDocument([
            {
              Sid: 'WriteTrailEvents',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: `${this.logGroup.arn}:*`,
            },
          ]),
        },
      ],
    });
    this.cloudtrail = new Cloudtrail(this, 'Trail', {
      provider: props.provider,
      name: props.trailName,
      s3BucketName: props.bucketName,
      s3KeyPrefix: BUCKET_PREFIXES.audit,
      kmsKeyId: props.kmsKeyArn,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: props.includeGlobalServiceEvents ?? false,
      isMultiRegionTrail: props.multiRegionTrail ?? false,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      dependsOn: [props.bucketPolicy],
    });
    this.alarms = new RegionSecurityAlarms(this, 'Alarms', {
      provider: props.provider,
      namePrefix: prefix,
      logGroupName: this.logGroup.name,
      globalServiceEvents: props.includeGlobalServiceEvents ?? false,
      kmsKeyArn: props.kmsKeyArn,
    });
    this.trailName = this.cloudtrail.name;
    this.trailArn = this.cloudtrail.arn;
  }
}
