import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { lockDownBucket } from '../private/bucket-lockdown';
import { Construct } from 'constructs';
import { suppressRule } from '../compliance/suppressions';
import { policyDocument, denyInsecureTransport } from '../private/policy';
import { checkRequiredProps, checkText, ACCOUNT_ID, NON_EMPTY_TEXT, checkBoolean } from '../private/prop-checks';

/** Days S3 server access logs are kept (they hold requester IPs: personal data, kept no longer than a year of investigations needs). */
export const ACCESS_LOG_RETENTION_DAYS = 365;

export interface RegionAccessLogBucketProps {
  /** Provider of the region (the log bucket must be in the source bucket's region). */
  readonly provider: AwsProvider;
  /** Name of the log bucket. */
  readonly bucketName: string;
  /** AWS account id (may be a token), for the log delivery condition. */
  readonly accountId: string;
  /** ARN of the bucket whose access is logged here. */
  readonly sourceBucketArn: string;
  /** Let `terraform destroy` delete it with objects inside. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * The bucket that receives the region bucket's S3 server access logs: versioned, owner-enforced,
 * all public access blocked, TLS-only, writable only by S3 log delivery for the source bucket,
 * logs expire after {@link ACCESS_LOG_RETENTION_DAYS}. Encrypted with SSE-S3, not the region key:
 * S3 server access logging cannot deliver into a bucket whose default encryption is SSE-KMS (AWS
 * documents SSE-S3 as the only supported default encryption of a target bucket); that one
 * departure is a recorded suppression of TSLJ-ENC-1.
 */
export class RegionAccessLogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly s3Bucket: S3Bucket;
  readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: RegionAccessLogBucketProps) {
    super(scope, id);
    checkRequiredProps<RegionAccessLogBucketProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      bucketName: "the access-log bucket's name",
      accountId: 'a 12-digit AWS account id, or a token',
      sourceBucketArn: 'the ARN of the bucket whose access is logged (or a token)',
    });
    checkBoolean(this, 'forceDestroy', props.forceDestroy);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    checkText(this, 'bucketName', props.bucketName, NON_EMPTY_TEXT);
    checkText(this, 'sourceBucketArn', props.sourceBucketArn, NON_EMPTY_TEXT);
    const { provider } = props;
    this.s3Bucket = new S3Bucket(this, 'Bucket', { provider, bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    const bucket = this.s3Bucket.id;
    this.bucketName = this.s3Bucket.bucket;
    this.bucketArn = this.s3Bucket.arn;
    new S3BucketVersioningA(this, 'Versioning', { provider, bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    suppressRule(
      this,
      'TSLJ-ENC-1',
      'S3 server access logging delivers only into buckets with SSE-S3 default encryption (SSE-KMS targets are not supported by AWS)',
    );
    const publicAccess = lockDownBucket(this, provider, bucket);
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          // An empty filter: every object (scanners such as checkov CKV_AWS_300 read a prefix filter as partial).
          filter: [{}],
          expiration: [{ days: ACCESS_LOG_RETENTION_DAYS }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const arn = this.s3Bucket.arn;
    this.bucketPolicy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket,
      dependsOn: [publicAccess],
      policy: policyDocument([
        denyInsecureTransport(arn),
        {
          Sid: 'S3ServerAccessLogsWrite',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${arn}/*`,
          Condition: { ArnLike: { 'aws:SourceArn': props.sourceBucketArn }, StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ]),
    });
  }
}
