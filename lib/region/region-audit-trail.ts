import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { BUCKET_PREFIXES } from './region-bucket';

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

  constructor(scope: Construct, id: string, props: RegionAuditTrailProps) {
    super(scope, id);
    this.cloudtrail = new Cloudtrail(this, 'Trail', {
      provider: props.provider,
      name: props.trailName,
      s3BucketName: props.bucketName,
      s3KeyPrefix: BUCKET_PREFIXES.audit,
      kmsKeyId: props.kmsKeyArn,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      enableLogging: true,
      dependsOn: [props.bucketPolicy],
    });
    this.trailName = this.cloudtrail.name;
    this.trailArn = this.cloudtrail.arn;
  }
}
