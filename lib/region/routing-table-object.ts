import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Token, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { IRegionBucket, IRegionKey } from './interfaces';
import { BUCKET_PREFIXES } from './region-bucket';
import { checkRequiredProps, propError } from '../private/prop-checks';

/** Object key of the routing table in each region bucket. */
export const ROUTING_TABLE_OBJECT_KEY = `${BUCKET_PREFIXES.routing}/routing-table.json`;

export interface RoutingTableObjectProps {
  /** Provider of the bucket's region. */
  readonly provider: AwsProvider;
  /** Bucket the gateway of the region reads the table from. */
  readonly bucket: IRegionBucket;
  /**
   * The routing table as JSON. Built from the config alone (lib/routing-table.ts), so it is known at
   * synth: database endpoints in it are stable DNS names that the data tier's records resolve.
   */
  readonly content: string;
  /** Object key. @default {@link ROUTING_TABLE_OBJECT_KEY} */
  readonly key?: string;
  /**
   * Customer-managed key the object is encrypted with (SSE-KMS), named on the object itself rather
   * than left to the bucket's default encryption, so the object stays under the region key even in
   * a bucket of your own whose default is SSE-S3. @default none: the bucket's default encryption
   */
  readonly encryptionKey?: IRegionKey;
  /** What must exist before the object is written (the bucket policy). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The routing table published as an object in a region's bucket, where the region's gateway loads
 * it. It is the S3 object itself (not a wrapper), so its Terraform address is the construct's path.
 */
export class RoutingTableObject extends S3Object {
  /** Object key inside the bucket. */
  readonly objectKey: string;
  /** `s3://bucket/key` of the table. */
  readonly objectUrl: string;

  constructor(scope: Construct, id: string, props: RoutingTableObjectProps) {
    checkRequiredProps<RoutingTableObjectProps>(`${scope.node.path}/${id}`, props, {
      provider: 'the AwsProvider to create the resources with',
      bucket: 'the region bucket (an IRegionBucket) that holds the table',
      content: "the routing table's JSON text (routingTableJson(...))",
    });
    const objectKey = props.key ?? ROUTING_TABLE_OBJECT_KEY;
    super(scope, id, {
      provider: props.provider,
      bucket: props.bucket.bucketName,
      key: objectKey,
      content: props.content,
      contentType: 'application/json',
      ...(props.encryptionKey ? { serverSideEncryption: 'aws:kms', kmsKeyId: props.encryptionKey.keyArn } : {}),
      dependsOn: props.dependsOn,
    });
    if (typeof props.content !== 'string' && !Token.isUnresolved(props.content))
      propError(this, 'content', props.content, "the routing table's JSON text (routingTableJson(...))");
    if (props.content.trim() === '') throw new Error(`${this.node.path}: content is empty; allowed: the routing table as JSON`);
    this.objectKey = objectKey;
    this.objectUrl = `s3://${props.bucket.bucketName}/${objectKey}`;
  }
}
