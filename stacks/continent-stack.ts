import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { Continent, RegionsConfig } from '../lib/config';
import { OFFLINE_ACCOUNT_ID } from '../lib/offline';
import { Region, BUCKET_PREFIXES } from '../lib/region';
import { applyStateBackend, type StateBackendSettings } from '../lib/state-backend';

export interface ContinentStackProps {
  /** The validated platform config. */
  readonly config: RegionsConfig;
  /** Which continent this stack holds. */
  readonly continent: Continent;
  /** The routing table as JSON, published into every region's bucket for the gateway. */
  readonly routingTableJson: string;
  /** Offline plan mode (fake credentials, skip flags, example account id). @default false */
  readonly offline?: boolean;
  /** Where Terraform keeps this stack's state. @default local */
  readonly stateBackend?: StateBackendSettings;
}

/** Object key of the routing table in each region bucket. */
export const ROUTING_TABLE_OBJECT_KEY = `${BUCKET_PREFIXES.routing}/routing-table.json`;

/**
 * One continent (APAC, EMEA or NA) on AWS: a {@link Region} for each of its regions, each with its
 * own aliased provider, and the routing table published in each region's bucket.
 */
export class ContinentStack extends TerraformStack {
  readonly regions: Region[];

  constructor(scope: Construct, id: string, props: ContinentStackProps) {
    super(scope, id);
    const { config, continent } = props;
    const specs = config.regions.filter((r) => r.continent === continent);
    if (specs.length === 0) throw new Error(`${this.node.path}: continent "${continent}" has no region in the config`);
    applyStateBackend(this, id, props.stateBackend ?? { kind: 'local' });

    const accountId =
      config.project.awsAccountId ??
      new TerraformVariable(this, 'aws_account_id', {
        type: 'string',
        description: 'AWS account the stack deploys to (12 digits)',
        default: props.offline ? OFFLINE_ACCOUNT_ID : undefined,
        validation: [
          {
            condition: '${can(regex("^[0-9]{12}$", var.aws_account_id))}',
            errorMessage: 'aws_account_id must be a 12-digit AWS account id.',
          },
        ],
      }).stringValue;

    this.regions = specs.map((spec) => {
      const region = new Region(this, spec.id, { spec, projectName: config.project.name, accountId, offline: props.offline });
      new S3Object(region, 'RoutingTable', {
        provider: region.provider,
        bucket: region.bucket.bucket.id,
        key: ROUTING_TABLE_OBJECT_KEY,
        content: props.routingTableJson,
        contentType: 'application/json',
        dependsOn: [region.bucket.policy],
      });
      new TerraformOutput(this, `${spec.id}-bucket`, {
        value: region.bucket.bucket.bucket,
        description: `Bucket of ${spec.id} (routing table under ${ROUTING_TABLE_OBJECT_KEY})`,
      });
      new TerraformOutput(this, `${spec.id}-vpc`, { value: region.network.vpc.id, description: `VPC of ${spec.id}` });
      return region;
    });
  }
}
