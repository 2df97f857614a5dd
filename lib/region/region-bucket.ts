import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { lockDownBucket } from '../private/bucket-lockdown';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement, denyInsecureTransport } from '../private/policy';
import { RegionAccessLogBucket } from './access-log-bucket';
import type { IRegionBucket } from './interfaces';
import { checkRequiredProps, checkText, ACCOUNT_ID, NON_EMPTY_TEXT, checkBoolean } from '../private/prop-checks';
import { PROJECT_NAME, REGION_ID } from '../limits';

/**
 * Days objects are kept under each prefix (lifecycle rules). Audit logs: CloudTrail records kept
 * seven years (a common legal retention for audit evidence; the trail's CloudWatch copy keeps one).
 * Flow logs hold client IP addresses, personal data under GDPR: kept 90 days, enough to investigate
 * an incident, no longer (data minimisation). Old versions of any object: 90 days.
 */
export const BUCKET_RETENTION_DAYS = { audit: 2557, flowLogs: 90, noncurrentVersions: 90, incompleteUploads: 7 } as const;

/** Object-key prefixes inside the region bucket. */
export const BUCKET_PREFIXES = {
  /** CloudTrail log files. */
  audit: 'audit',
  /** VPC flow logs. */
  flowLogs: 'flow-logs',
  /** The routing table the gateway loads. */
  routing: 'routing',
} as const;

export interface RegionBucketProps {
  /** Provider of the region the bucket lives in. */
  readonly provider: AwsProvider;
  /** Region id. */
  readonly regionId: string;
  /** Project name, the first part of the bucket name. */
  readonly projectName: string;
  /** AWS account id (may be a token); part of the globally unique bucket name and of policy conditions. */
  readonly accountId: string;
  /** ARN of the region's KMS key; objects are encrypted with it by default. */
  readonly kmsKeyArn: string;
  /** Name of the CloudTrail trail allowed to write audit logs. */
  readonly trailName: string;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * The region's object storage: KMS-encrypted, versioned, owner-enforced, all public access blocked,
 * TLS-only, and writable by the region's audit trail and flow-log delivery under their prefixes.
 */
export class RegionBucket extends Construct implements IRegionBucket {
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN. */
  readonly bucketArn: string;
  /** Regional domain name of the bucket. */
  readonly bucketDomainName: string;
  /** The underlying bucket resource (escape hatch). */
  readonly s3Bucket: S3Bucket;
  /** The bucket policy; resources that write into the bucket under a policy statement depend on it. */
  readonly bucketPolicy: S3BucketPolicy;
  /** The bucket that receives this bucket's S3 server access logs (construct id `AccessLogs`). */
  readonly accessLogs: RegionAccessLogBucket;

  constructor(scope: Construct, id: string, props: RegionBucketProps) {
    super(scope, id);
    checkRequiredProps<RegionBucketProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      regionId: 'a region id of the config, such as "eu-west-1"',
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
      kmsKeyArn: 'an ARN (or a token)',
      trailName: "the name of the region's audit trail (it writes to this bucket)",
    });
    checkBoolean(this, 'forceDestroy', props.forceDestroy);
    checkText(this, 'regionId', props.regionId, REGION_ID);
    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    checkText(this, 'trailName', props.trailName, NON_EMPTY_TEXT);
    checkText(this, 'kmsKeyArn', props.kmsKeyArn, NON_EMPTY_TEXT);
    const { provider, accountId: account, regionId } = props;
    this.s3Bucket = new S3Bucket(this, 'Bucket', {
      provider,
      bucket: `${props.projectName}-${regionId}-${account}`,
      forceDestroy: props.forceDestroy ?? false,
    });
    const bucket = this.s3Bucket.id;
    this.bucketName = this.s3Bucket.bucket;
    this.bucketArn = this.s3Bucket.arn;
    this.bucketDomainName = this.s3Bucket.bucketRegionalDomainName;
    new S3BucketVersioningA(this, 'Versioning', { provider, bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    const publicAccess = lockDownBucket(this, provider, bucket);

    // Audit hardening: server access logs to a separate, equally hardened bucket of the same region,
    // and lifecycle rules (retention per prefix, old versions, abandoned uploads).
    this.accessLogs = new RegionAccessLogBucket(this, 'AccessLogs', {
      provider,
      bucketName: `${props.projectName}-${regionId}-${account}-access-logs`,
      accountId: account,
      sourceBucketArn: this.s3Bucket.arn,
      forceDestroy: props.forceDestroy,
    });
    new S3BucketLoggingA(this, 'AccessLogging', {
      provider,
      bucket,
      targetBucket: this.accessLogs.bucketName,
      targetPrefix: 'region-bucket/',
      dependsOn: [this.accessLogs.bucketPolicy],
    });
    const retention = BUCKET_RETENTION_DAYS;
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket,
      rule: [
        {
          id: 'old-versions-and-abandoned-uploads',
          status: 'Enabled',
          // An empty filter: every object (scanners such as checkov CKV_AWS_300 read a prefix filter as partial).
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: retention.noncurrentVersions }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: retention.incompleteUploads }],
        },
        { id: 'audit-logs', status: 'Enabled', filter: [{ prefix: `${BUCKET_PREFIXES.audit}/` }], expiration: [{ days: retention.audit }] },
        {
          id: 'flow-logs',
          status: 'Enabled',
          filter: [{ prefix: `${BUCKET_PREFIXES.flowLogs}/` }],
          expiration: [{ days: retention.flowLogs }],
        },
      ],
    });

    const arn = this.s3Bucket.arn;
    const trailArn = `arn:aws:cloudtrail:${regionId}:${account}:trail/${props.trailName}`;
    const statements: PolicyStatement[] = [
      denyInsecureTransport(arn),
      {
        Sid: 'CloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: arn,
        Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
      },
      {
        Sid: 'CloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${arn}/${BUCKET_PREFIXES.audit}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
      },
      {
        Sid: 'FlowLogDeliveryAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: arn,
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
      {
        Sid: 'FlowLogDeliveryWrite',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${arn}/${BUCKET_PREFIXES.flowLogs}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ];
    this.bucketPolicy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket,
      policy: policyDocument(statements),
      dependsOn: [publicAccess],
    });
  }
}
