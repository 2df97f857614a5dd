import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument } from '../private/policy';
import type { IRegionKey } from './interfaces';
import { checkRequiredProps, checkText, ACCOUNT_ID } from '../private/prop-checks';
import { PROJECT_NAME, REGION_ID } from '../limits';
import { formatValue } from '../../runtime/problem';

export interface RegionKeyProps {
  /** Provider of the region the key lives in. */
  readonly provider: AwsProvider;
  /** Region id, e.g. "eu-west-1". */
  readonly regionId: string;
  /** Project name, used in the alias. */
  readonly projectName: string;
  /** AWS account id (may be a token), for the key policy. */
  readonly accountId: string;
  /** Days a deleted key waits before it is gone. @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * The region's customer-managed encryption key: rotated yearly, usable by the account, by CloudTrail
 * for the audit trail and by log delivery for flow logs — and by nothing else.
 */
export class RegionKey extends Construct implements IRegionKey {
  /** ARN of the key. */
  readonly keyArn: string;
  /** Key id. */
  readonly keyId: string;
  /** `alias/<project>-<region>`. */
  readonly aliasName: string;
  /** The underlying KMS key resource (escape hatch). */
  readonly kmsKey: KmsKey;
  /** The underlying alias resource (escape hatch). */
  readonly kmsAlias: KmsAlias;

  constructor(scope: Construct, id: string, props: RegionKeyProps) {
    super(scope, id);
    checkRequiredProps<RegionKeyProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      regionId: 'a region id of the config, such as "eu-west-1"',
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
    });
    checkText(this, 'regionId', props.regionId, REGION_ID);
    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    const window = props.deletionWindowDays ?? 30;
    if (!Token.isUnresolved(window) && (!Number.isInteger(window) || window < 7 || window > 30)) {
      throw new Error(`${this.node.path}: deletionWindowDays ${formatValue(window)} is not allowed; allowed: an integer from 7 to 30`);
    }
    const account = props.accountId;
    this.kmsKey = new KmsKey(this, 'Key', {
      provider: props.provider,
      description: `${props.projectName} ${props.regionId} data and audit encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: window,
      policy: policyDocument([
        { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'CloudTrailEncryptsLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': account },
            StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` },
          },
        },
        {
          Sid: 'LogDeliveryEncryptsFlowLogs',
          Effect: 'Allow',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': account } },
        },
        // Data tier: CloudWatch Logs encrypts the exported database logs of this region with this key.
        {
          Sid: 'CloudWatchLogsEncryptsDatabaseLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.regionId}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${props.regionId}:${account}:log-group:/aws/rds/*` },
          },
        },
        // Audit hardening: CloudWatch Logs encrypts the audit trail's log group with this key, and
        // CloudWatch alarms publish to the encrypted security-alarm topic.
        {
          Sid: 'CloudWatchLogsEncryptsAuditLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.regionId}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${props.regionId}:${account}:log-group:/aws/cloudtrail/*` },
          },
        },
        {
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': account } },
        },
        // Worker nodes (ReservedCapacity): EC2 Auto Scaling launches them with root volumes encrypted
        // with this key, through its service-linked role (which must exist in the account, see README).
        {
          Sid: 'AutoScalingEncryptsNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        },
        {
          Sid: 'AutoScalingGrantsForNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      ]),
    });
    this.kmsAlias = new KmsAlias(this, 'Alias', {
      provider: props.provider,
      name: `alias/${props.projectName}-${props.regionId}`,
      targetKeyId: this.kmsKey.keyId,
    });
    this.keyArn = this.kmsKey.arn;
    this.keyId = this.kmsKey.keyId;
    this.aliasName = this.kmsAlias.name;
  }
}
