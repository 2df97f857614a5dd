import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { formatCidr, parseCidr, subnetOf } from '../private/cidr';
import { BUCKET_PREFIXES } from './region-bucket';

/** Largest number of AZs a region network spans (each AZ gets 1/8 of the CIDR twice). */
export const MAX_NETWORK_AZS = 4;

export interface RegionNetworkProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** Name prefix, e.g. "taishanglaojun-eu-west-1". */
  readonly namePrefix: string;
  /** IPv4 CIDR of the VPC, /16 to /20. */
  readonly cidr: string;
  /** Availability zones, 2 to 4. */
  readonly availabilityZones: readonly string[];
  /** One NAT gateway per AZ (true) or a single shared one (false, cheaper, not AZ-resilient). @default true */
  readonly natGatewayPerAz?: boolean;
  /** ARN of the bucket that receives VPC flow logs. @default no flow logs */
  readonly flowLogBucketArn?: string;
}

/**
 * The region's network: a VPC split into a public and a private subnet per AZ (each 1/8 of the
 * CIDR: public at blocks 0–3, private at 4–7), an internet gateway, NAT for the private subnets, a
 * default security group with no rules, and flow logs to the region's bucket.
 */
export class RegionNetwork extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];

  constructor(scope: Construct, id: string, props: RegionNetworkProps) {
    super(scope, id);
    const { provider, namePrefix } = props;
    const parsed = parseCidr(props.cidr);
    if ('error' in parsed) throw new Error(`${this.node.path}: cidr "${props.cidr}" ${parsed.error}`);
    if (parsed.prefix < 16 || parsed.prefix > 20)
      throw new Error(`${this.node.path}: cidr "${props.cidr}" is not allowed; allowed: prefix length /16 to /20`);
    const azs = props.availabilityZones;
    if (azs.length < 2 || azs.length > MAX_NETWORK_AZS) {
      throw new Error(`${this.node.path}: availabilityZones ${JSON.stringify(azs)} is not allowed; allowed: 2 to ${MAX_NETWORK_AZS} zones`);
    }

    this.vpc = new Vpc(this, 'Vpc', {
      provider,
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: namePrefix },
    });
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { provider, vpcId: this.vpc.id, tags: { Name: `${namePrefix}-default-deny` } });

    const igw = new InternetGateway(this, 'InternetGateway', { provider, vpcId: this.vpc.id, tags: { Name: namePrefix } });
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { provider, vpcId: this.vpc.id, tags: { Name: `${namePrefix}-public` } });
    new Route(this, 'PublicDefaultRoute', {
      provider,
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const subnetPrefix = parsed.prefix + 3;
    const nats: NatGateway[] = [];
    azs.forEach((az, i) => {
      const pub = new Subnet(this, `Public${i}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: formatCidr(subnetOf(parsed, subnetPrefix, i)),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${namePrefix}-public-${az}`, Tier: 'public', 'kubernetes.io/role/elb': '1' },
      });
      new RouteTableAssociation(this, `Public${i}Routes`, { provider, subnetId: pub.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(pub);
      if (i === 0 || (props.natGatewayPerAz ?? true)) {
        const eip = new Eip(this, `Nat${i}Address`, { provider, domain: 'vpc', tags: { Name: `${namePrefix}-nat-${az}` } });
        nats.push(
          new NatGateway(this, `Nat${i}`, {
            provider,
            allocationId: eip.allocationId,
            subnetId: pub.id,
            tags: { Name: `${namePrefix}-${az}` },
            dependsOn: [igw],
          }),
        );
      }
    });
    azs.forEach((az, i) => {
      const priv = new Subnet(this, `Private${i}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: formatCidr(subnetOf(parsed, subnetPrefix, 4 + i)),
        tags: { Name: `${namePrefix}-private-${az}`, Tier: 'private', 'kubernetes.io/role/internal-elb': '1' },
      });
      const routes = new RouteTable(this, `Private${i}Routes`, {
        provider,
        vpcId: this.vpc.id,
        tags: { Name: `${namePrefix}-private-${az}` },
      });
      new Route(this, `Private${i}DefaultRoute`, {
        provider,
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[Math.min(i, nats.length - 1)].id,
      });
      new RouteTableAssociation(this, `Private${i}RoutesAssociation`, { provider, subnetId: priv.id, routeTableId: routes.id });
      this.privateSubnets.push(priv);
    });

    if (props.flowLogBucketArn) {
      new FlowLog(this, 'FlowLog', {
        provider,
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 's3',
        logDestination: `${props.flowLogBucketArn}/${BUCKET_PREFIXES.flowLogs}/`,
        maxAggregationInterval: 600,
        tags: { Name: namePrefix },
      });
    }
  }
}
