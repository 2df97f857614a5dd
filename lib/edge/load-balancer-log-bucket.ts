import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Token } from 'cdktf';
import { lockDownBucket } from '../private/bucket-lockdown';
import { Construct } from 'constructs';
import { suppressRule } from '../compliance/suppressions';
import { policyDocument, denyInsecureTransport } from '../private/policy';
import { elbLogDeliveryPrincipal } from './private/elb-log-delivery';
import { checkRequiredProps, checkText, ACCOUNT_ID } from '../private/prop-checks';
import { PROJECT_NAME, REGION_ID } from '../limits';
import { formatValue } from '../../runtime/problem';

export interface LoadBalancerLogBucketProps {
  /** Provider of the region the bucket lives in. */
  readonly provider: AwsProvider;
  /** Region id. */
  readonly regionId: string;
  /** Project name, the first part of the bucket name. */
  readonly projectName: string;
  /** AWS account id (may be a token); part of the bucket name and of the log path. */
  readonly accountId: string;
  /** Key prefix the load balancer writes under. @default "load-balancer" */
  readonly prefix?: string;
  /** Days an access-log object is kept. @default 365 */
  readonly retentionDays?: number;
}

/**
 * The bucket a region's load balancer writes its access logs to, in the same region (the logs hold
 * client addresses: they stay in the residency zone).
 *
 * Not the region bucket: Application Load Balancer access logs support only SSE-S3 encryption,
 * and the region bucket encrypts with the region's KMS key by default (AWS ELB user guide, access
 * logs, bucket requirements; not re-verified online). Otherwise hardened the same way: versioned,
 * owner-enforced, all public access blocked, TLS-only, writable only by ELB log delivery under the
 * prefix for this account.
 */
export class LoadBalancerLogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly prefix: string;
  /** The bucket policy: the load balancer depends on it (AWS checks write access when logging is enabled). */
  readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LoadBalancerLogBucketProps) {
    super(scope, id);
    checkRequiredProps<LoadBalancerLogBucketProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      regionId: 'a region id of the config, such as "eu-west-1"',
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
    });
    checkText(this, 'regionId', props.regionId, REGION_ID);
    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    const { provider, regionId, accountId } = props;
    this.prefix = props.prefix ?? 'load-balancer';
    const retentionDays = props.retentionDays ?? 365;
    if (!Token.isUnresolved(retentionDays) && (!Number.isInteger(retentionDays) || retentionDays < 1))
      throw new Error(
        `${this.node.path}: retentionDays ${formatValue(retentionDays)} is not allowed; allowed: a whole number of days >= 1`,
      );
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(this.prefix))
      throw new Error(
        `${this.node.path}: prefix ${formatValue(this.prefix)} is not allowed; allowed: lower-case letters, digits and "-", no slash`,
      );

    const s3Bucket = new S3Bucket(this, 'Bucket', { provider, bucket: `${props.projectName}-${regionId}-lb-logs-${accountId}` });
    suppressRule(
      s3Bucket,
      'TSLJ-ENC-1',
      'Application Load Balancer access logs can only be delivered to SSE-S3 (AES256) buckets, not SSE-KMS (AWS ELB user guide, access-log bucket requirements); the bucket is otherwise hardened and stays in the region',
    );
    const bucket = s3Bucket.id;
    this.bucketName = s3Bucket.bucket;
    this.bucketArn = s3Bucket.arn;
    new S3BucketVersioningA(this, 'Versioning', { provider, bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    const publicAccess = lockDownBucket(this, provider, bucket);
    new S3BucketLifecycleConfiguration(this, 'Retention', {
      provider,
      bucket,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: `${this.prefix}/` }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        },
        {
          // compliance TSLJ-S3-4: abandoned multipart uploads are billed and never expire otherwise;
          // for every object (an empty filter), not only the log prefix.
          id: 'abandoned-uploads',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const arn = s3Bucket.arn;
    this.bucketPolicy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket,
      dependsOn: [publicAccess],
      policy: policyDocument([
        denyInsecureTransport(arn),
        {
          Sid: 'ElbAccessLogDelivery',
          Effect: 'Allow',
          Principal: elbLogDeliveryPrincipal(regionId),
          Action: 's3:PutObject',
          Resource: `${arn}/${this.prefix}/AWSLogs/${accountId}/*`,
        },
      ]),
    });
  }
}
