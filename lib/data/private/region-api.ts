/**
 * The Region API the data tier builds on. TEMPORARY copy of lib/region/interfaces.ts until the
 * lead lands it; then this file only re-exports from '../../region'.
 */
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { RegionSpec } from '../../config/model';

export interface IRegionKey {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
}
export interface IRegionBucket {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly bucketDomainName: string;
}
export interface IRegionNetwork {
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly publicRouteTableId: string;
}
export interface IRegionSecurityGroups {
  readonly loadBalancerSecurityGroupId: string;
  readonly gatewaySecurityGroupId: string;
  readonly databaseSecurityGroupId: string;
}
export interface IRegion {
  readonly regionId: string;
  readonly spec: RegionSpec;
  readonly provider: AwsProvider;
  readonly key: IRegionKey;
  readonly bucket: IRegionBucket;
  readonly network: IRegionNetwork;
  readonly securityGroups: IRegionSecurityGroups;
}
