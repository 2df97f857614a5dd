import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import type { Construct } from 'constructs';

/**
 * What every bucket of the platform has: owner-enforced objects (no ACLs) and all public access
 * blocked. Created as `Ownership` and `PublicAccessBlock` in `scope` (those ids fix the Terraform
 * addresses); returns the block, which the bucket policy waits for.
 */
export function lockDownBucket(scope: Construct, provider: AwsProvider, bucket: string): S3BucketPublicAccessBlock {
  new S3BucketOwnershipControls(scope, 'Ownership', { provider, bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  return new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', {
    provider,
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}
