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
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { propError, checkRequiredProps, checkText, NON_EMPTY_TEXT, checkBoolean, checkList } from '../private/prop-checks';
import { AVAILABILITY_ZONE, AZ_COUNT, VPC_CIDR_PREFIX } from '../limits';
import { formatCidr, parseCidr, subnetOf } from '../private/cidr';
import type { IRegionNetwork } from './interfaces';
import { BUCKET_PREFIXES } from './region-bucket';
import { formatValue } from '../../runtime/problem';

export interface RegionNetworkProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** Name prefix, e.g. "taishanglaojun-eu-west-1". */
  readonly namePrefix: string;
  /** IPv4 CIDR of the VPC in canonical form, /16 to /20 ({@link VPC_CIDR_PREFIX}). Must be known at synth: subnets are computed from it. */
  readonly cidr: string;
  /** Availability zones, 2 to 4 ({@link AZ_COUNT}). */
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
export class RegionNetwork extends Construct implements IRegionNetwork {
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
  /** Route tables of the private subnets, one per AZ. */
  readonly privateRouteTableIds: string[];
  /** Route table of the public subnets. */
  readonly publicRouteTableId: string;
  /** The underlying resources (escape hatches). */
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];
  readonly privateRouteTables: RouteTable[] = [];

  constructor(scope: Construct, id: string, props: RegionNetworkProps) {
    super(scope, id);
    checkRequiredProps<RegionNetworkProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      namePrefix: 'the region\'s name prefix, such as "tslj-eu-west-1"',
      cidr: 'an IPv4 CIDR such as "10.10.0.0/16"',
      availabilityZones: 'the availability zones to spread the subnets over, such as ["eu-west-1a", "eu-west-1b"]',
    });
    checkBoolean(this, 'natGatewayPerAz', props.natGatewayPerAz);
    checkList(this, 'availabilityZones', props.availabilityZones, 'a list');
    checkText(this, 'namePrefix', props.namePrefix, NON_EMPTY_TEXT);
    const { provider, namePrefix } = props;
    // Subnet CIDRs are computed here, so the VPC CIDR must be a literal; a token is refused by name.
    if (Token.isUnresolved(props.cidr)) {
      throw new Error(`${this.node.path}: cidr is a token; allowed: a literal IPv4 CIDR (subnets are computed from it at synth)`);
    }
    const parsed = parseCidr(props.cidr);
    if ('error' in parsed) throw new Error(`${this.node.path}: cidr ${formatValue(props.cidr)} ${parsed.error}`);
    if (parsed.prefix < VPC_CIDR_PREFIX.min || parsed.prefix > VPC_CIDR_PREFIX.max)
      throw new Error(
        `${this.node.path}: cidr ${formatValue(props.cidr)} is not allowed; allowed: prefix length /${VPC_CIDR_PREFIX.min} to /${VPC_CIDR_PREFIX.max}`,
      );
    const canonical = formatCidr(parsed);
    if (canonical !== props.cidr)
      throw new Error(`${this.node.path}: cidr ${formatValue(props.cidr)} is not canonical; write it as "${canonical}"`);
    const azs = props.availabilityZones;
    // A token list has an unknown length: nothing to count at synth (one subnet pair per listed AZ needs literals anyway).
    if (Token.isUnresolved(azs)) throw new Error(`${this.node.path}: availabilityZones is a token; allowed: a literal list of zone names`);
    if (azs.length < AZ_COUNT.min || azs.length > AZ_COUNT.max) {
      throw new Error(
        `${this.node.path}: availabilityZones ${formatValue(azs)} is not allowed; allowed: ${AZ_COUNT.min} to ${AZ_COUNT.max} zones`,
      );
    }
    azs.forEach((az, i) => {
      if (Token.isUnresolved(az)) return;
      if (typeof az !== 'string' || !AVAILABILITY_ZONE.pattern.test(az))
        propError(this, `availabilityZones[${i}]`, az, AVAILABILITY_ZONE.allowed);
      if (azs.indexOf(az) !== i) propError(this, `availabilityZones[${i}]`, az, 'each zone once (one subnet pair per zone)');
    });

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
      this.privateRouteTables.push(routes);
    });

    this.vpcId = this.vpc.id;
    this.cidr = props.cidr;
    this.availabilityZones = [...azs];
    this.publicSubnetIds = this.publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = this.privateSubnets.map((subnet) => subnet.id);
    this.privateRouteTableIds = this.privateRouteTables.map((table) => table.id);
    this.publicRouteTableId = publicRoutes.id;

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
