import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import type { RegionSpec } from '../config/model';
import { offlineProviderSettings } from '../offline';
import { regionTags } from '../private/tags';
import { AuditTrail } from './audit-trail';
import { RegionBucket } from './region-bucket';
import { RegionCluster } from './region-cluster';
import { RegionKey } from './region-key';
import { RegionNetwork } from './region-network';
import { TierSecurityGroups } from './tier-security-groups';

export interface RegionProps {
  /** The region's declaration (from `regions.config.ts`, validated). */
  readonly spec: RegionSpec;
  /** Project name: prefix of resource names, `Project` tag. */
  readonly projectName: string;
  /** AWS account id, or a token such as a Terraform variable's value. */
  readonly accountId: string;
  /** Provider to create the region's resources with. @default a new AWS provider aliased to the region id, with the region's tags as default tags */
  readonly provider?: AwsProvider;
  /** Put offline-plan settings (fake credentials, skip flags) into the provider this construct creates. @default false */
  readonly offline?: boolean;
  /** One NAT gateway per AZ rather than one shared. @default true */
  readonly natGatewayPerAz?: boolean;
  /** Kubernetes version of the region's cluster. @default "1.31" */
  readonly kubernetesVersion?: string;
  /** Expose the cluster API endpoint publicly. @default false */
  readonly clusterPublicEndpoint?: boolean;
  /** Allow `terraform destroy` to delete a non-empty bucket. @default false */
  readonly forceDestroyBucket?: boolean;
}

/**
 * One cloud region of the platform (AWS): its provider, encryption key, object storage, audit trail,
 * network with the design's network policy as security groups and, where the region serves
 * compute, its Kubernetes control plane. Every resource is tagged with region, continent, residency
 * zone and compliance regimes (provider default tags). Makes no data-source calls, so `terraform
 * plan` runs offline.
 */
export class Region extends Construct {
  readonly spec: RegionSpec;
  readonly provider: AwsProvider;
  readonly key: RegionKey;
  readonly bucket: RegionBucket;
  readonly trail: AuditTrail;
  readonly network: RegionNetwork;
  readonly securityGroups: TierSecurityGroups;
  /** Undefined when the region does not serve compute. */
  readonly cluster?: RegionCluster;

  constructor(scope: Construct, id: string, props: RegionProps) {
    super(scope, id);
    const { spec, projectName, accountId } = props;
    this.spec = spec;
    if (!/^[a-z][a-z0-9-]{1,20}$/.test(projectName)) {
      throw new Error(`${this.node.path}: projectName "${projectName}" is not allowed; allowed: 2-21 lower-case letters, digits and "-"`);
    }
    const namePrefix = `${projectName}-${spec.id}`;
    this.provider =
      props.provider ??
      new AwsProvider(this, 'Provider', {
        region: spec.id,
        alias: spec.id.replace(/-/g, '_'),
        defaultTags: [{ tags: regionTags(projectName, spec) }],
        ...(props.offline ? offlineProviderSettings() : {}),
      });
    const provider = this.provider;

    this.key = new RegionKey(this, 'Key', { provider, regionId: spec.id, projectName, accountId });
    const trailName = `${namePrefix}-audit`;
    this.bucket = new RegionBucket(this, 'Storage', {
      provider,
      regionId: spec.id,
      projectName,
      accountId,
      kmsKeyArn: this.key.key.arn,
      trailName,
      forceDestroy: props.forceDestroyBucket,
    });
    this.trail = new AuditTrail(this, 'Audit', {
      provider,
      trailName,
      bucketName: this.bucket.bucket.bucket,
      bucketPolicy: this.bucket.policy,
      kmsKeyArn: this.key.key.arn,
    });
    this.network = new RegionNetwork(this, 'Network', {
      provider,
      namePrefix,
      cidr: spec.cidr,
      availabilityZones: spec.availabilityZones,
      natGatewayPerAz: props.natGatewayPerAz,
      flowLogBucketArn: this.bucket.bucket.arn,
    });
    this.securityGroups = new TierSecurityGroups(this, 'NetworkPolicy', { provider, vpcId: this.network.vpc.id, namePrefix });
    if (spec.services.includes('compute')) {
      this.cluster = new RegionCluster(this, 'Cluster', {
        provider,
        clusterName: namePrefix,
        subnetIds: this.network.privateSubnets.map((s) => s.id),
        kmsKeyArn: this.key.key.arn,
        kubernetesVersion: props.kubernetesVersion,
        publicEndpoint: props.clusterPublicEndpoint,
      });
    }
  }
}
