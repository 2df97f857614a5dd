import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { RegionSpec } from '../config/model';

/**
 * What other constructs need from a region's parts. Constructs accept these interfaces, not the
 * concrete classes, so a user can hand them a key, bucket, network or cluster of their own.
 * Every attribute may be a token (resolved by Terraform at apply time).
 */

/** A customer-managed KMS key in one region. */
export interface IRegionKey {
  /** ARN of the key. */
  readonly keyArn: string;
  /** Key id. */
  readonly keyId: string;
  /** Alias name, `alias/...`. */
  readonly aliasName: string;
}

/** An S3 bucket in one region. */
export interface IRegionBucket {
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN. */
  readonly bucketArn: string;
  /** Regional domain name of the bucket. */
  readonly bucketDomainName: string;
}

/** A VPC with public and private subnets, one of each per availability zone. */
export interface IRegionNetwork {
  /** VPC id. */
  readonly vpcId: string;
  /** IPv4 CIDR of the VPC. */
  readonly cidr: string;
  /** Availability zones, in subnet order. */
  readonly availabilityZones: string[];
  /** Public subnet ids, one per AZ. */
  readonly publicSubnetIds: string[];
  /** Private subnet ids, one per AZ. */
  readonly privateSubnetIds: string[];
  /** Route tables of the private subnets, one per AZ (peering routes go here). */
  readonly privateRouteTableIds: string[];
  /** Route table of the public subnets. */
  readonly publicRouteTableId: string;
}

/** The design's network policy as security groups, one per tier. */
export interface IRegionSecurityGroups {
  /** Load-balancer tier: 443 in from the public, 8080 out to the gateway. */
  readonly loadBalancerSecurityGroupId: string;
  /** Gateway tier: 8080 in from the load balancer; out to the database tier, 443 and DNS. */
  readonly gatewaySecurityGroupId: string;
  /** Database tier: 5432 in from the gateway only. */
  readonly databaseSecurityGroupId: string;
}

/** A Kubernetes control plane. */
export interface IRegionCluster {
  /** Cluster name. */
  readonly clusterName: string;
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** API server endpoint URL. */
  readonly clusterEndpoint: string;
  /** Base64 PEM of the cluster's certificate authority. */
  readonly clusterCertificateAuthorityData: string;
  /** OIDC issuer URL (for IAM roles for service accounts). */
  readonly oidcIssuerUrl: string;
  /** Security group EKS creates for the control plane and nodes. */
  readonly clusterSecurityGroupId: string;
  /** Kubernetes version, "1.<minor>". */
  readonly kubernetesVersion: string;
}

/** One region of the platform with its parts. */
export interface IRegion {
  /** Region id, e.g. "eu-west-1". */
  readonly regionId: string;
  /** The region's declaration from the config. */
  readonly spec: RegionSpec;
  /** AWS provider of the region (aliased, with the region's default tags). */
  readonly provider: AwsProvider;
  /** The region's encryption key. */
  readonly key: IRegionKey;
  /** The region's bucket. */
  readonly bucket: IRegionBucket;
  /** The region's network. */
  readonly network: IRegionNetwork;
  /** The region's tier security groups. */
  readonly securityGroups: IRegionSecurityGroups;
  /** The region's cluster; only where the region serves compute. */
  readonly cluster?: IRegionCluster;
  /**
   * SNS topic (in the region, encrypted with its key) that the region's alarms notify; constructs
   * built on the region send their alarms here unless told otherwise. @default none
   */
  readonly alarmTopicArn?: string;
  /** AWS account the region's resources are created in (may be a token). @default unknown (not checked against) */
  readonly accountId?: string;
}
