import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Token, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { IRegionBucket, IRegionKey } from './interfaces';
import { BUCKET_PREFIXES } from './region-bucket';
import { checkRequiredProps, propError } from '../private/prop-checks';
import { parseRoutingTableText } from '../../runtime/load-table';
import { formatProblems } from '../../runtime/problem';
import type { RoutingTableProblem } from '../../runtime/routing-table';

const TABLE_JSON_ALLOWED =
  'the routing table as JSON that the gateway loads: buildPlatform(...).routingTableJson, or JSON.stringify(buildRoutingTable(config)) (lib/routing-table.ts)';

/** The last text checked and its problems: the platform hands every region the same text, so it is parsed once. */
let lastChecked: { readonly text: string; readonly problems: readonly RoutingTableProblem[] } | undefined;

/**
 * Refuses a literal routing-table text the gateway would refuse at load (not JSON, a repeated key,
 * any problem of parseRoutingTable), naming `field` and every problem (before: published as given,
 * found by QA). A text holding a token is known at apply only: not checked.
 */
export function checkRoutingTableJson(scope: Construct, field: string, text: unknown): void {
  if (Token.isUnresolved(text)) return;
  if (typeof text !== 'string') propError(scope, field, text, TABLE_JSON_ALLOWED);
  const json = text as string;
  if (json.trim() === '') throw new Error(`${scope.node.path}: ${field} is empty; allowed: ${TABLE_JSON_ALLOWED}`);
  if (lastChecked?.text !== json) {
    const result = parseRoutingTableText(json);
    lastChecked = { text: json, problems: result.ok ? [] : result.problems };
  }
  if (lastChecked.problems.length > 0)
    throw new Error(
      `${scope.node.path}: ${field} is not allowed; allowed: ${TABLE_JSON_ALLOWED}. ${formatProblems(`${field} (routing table)`, lastChecked.problems)}`,
    );
}

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
      content: TABLE_JSON_ALLOWED,
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
    checkRoutingTableJson(this, 'content', props.content);
    this.objectKey = objectKey;
    this.objectUrl = `s3://${props.bucket.bucketName}/${objectKey}`;
  }
}
