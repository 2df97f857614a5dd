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
import { formatCidr, parseCidr } from '../private/cidr';
import { privateSubnetCidr, publicSubnetCidr, zoneKey, zoneRegion, zonesByLetter } from '../private/subnet-layout';
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
  /**
   * Availability zones, 2 to 4 ({@link AZ_COUNT}), names of one region ending in a letter a to f. Their
   * order does not matter: each zone's resources are keyed and its subnets laid out by its letter.
   */
  readonly availabilityZones: readonly string[];
  /**
   * One NAT gateway per AZ (true) or a single shared one (false, cheaper, not AZ-resilient) in the
   * alphabetically first zone. @default true
   */
  readonly natGatewayPerAz?: boolean;
  /** ARN of the bucket that receives VPC flow logs. @default no flow logs */
  readonly flowLogBucketArn?: string;
}

/**
 * The region's network: a VPC with a public and a private subnet per AZ, an internet gateway, NAT for
 * the private subnets, a default security group with no rules, and flow logs to the region's bucket.
 *
 * Everything per zone is keyed by the zone's letter (`PublicB`, `PrivateB`, `NatB`, `NatBAddress`,
 * `PrivateBRoutes`, … for eu-west-1b) and its subnets are placed by the letter
 * (lib/private/subnet-layout.ts: private subnets 1/8 of the VPC in eighths 0–5, public ones 1/64
 * in the last eighth), never by the zone's position in the list: reordering the zones changes no
 * resource, and adding or removing one touches only that zone's resources.
 */
export class RegionNetwork extends Construct implements IRegionNetwork {
  /** VPC id. */
  readonly vpcId: string;
  /** IPv4 CIDR of the VPC. */
  readonly cidr: string;
  /** Availability zones in letter order, whatever order they were given in: the order of the subnet and route table lists. */
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
      // A zone's letter keys its resources and places its subnets: a token has none at synth.
      if (Token.isUnresolved(az))
        throw new Error(
          `${this.node.path}: availabilityZones[${i}] is a token; allowed: a literal zone name (its subnets are keyed and laid out by its letter)`,
        );
      if (typeof az !== 'string' || !AVAILABILITY_ZONE.pattern.test(az))
        propError(this, `availabilityZones[${i}]`, az, AVAILABILITY_ZONE.allowed);
      if (azs.indexOf(az) !== i) propError(this, `availabilityZones[${i}]`, az, 'each zone once (one subnet pair per zone)');
      // Two regions' zones would share letters, hence subnets.
      if (zoneRegion(az) !== zoneRegion(azs[0]))
        propError(this, `availabilityZones[${i}]`, az, `zones of one region (availabilityZones[0] is in ${zoneRegion(azs[0])})`);
    });
    // Letter order: the resources, the single NAT's zone and the subnet lists do not depend on the order given.
    const zones = zonesByLetter(azs);

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

    // One NAT per zone, or one in the alphabetically first zone: a reorder does not move it.
    const natPerAz = props.natGatewayPerAz ?? true;
    const nats = new Map<string, NatGateway>();
    zones.forEach((az, i) => {
      const key = zoneKey(az);
      const pub = new Subnet(this, `Public${key}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: publicSubnetCidr(parsed, az),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${namePrefix}-public-${az}`, Tier: 'public', 'kubernetes.io/role/elb': '1' },
      });
      new RouteTableAssociation(this, `Public${key}Routes`, { provider, subnetId: pub.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(pub);
      if (i === 0 || natPerAz) {
        const eip = new Eip(this, `Nat${key}Address`, { provider, domain: 'vpc', tags: { Name: `${namePrefix}-nat-${az}` } });
        nats.set(
          az,
          new NatGateway(this, `Nat${key}`, {
            provider,
            allocationId: eip.allocationId,
            subnetId: pub.id,
            tags: { Name: `${namePrefix}-${az}` },
            dependsOn: [igw],
          }),
        );
      }
    });
    zones.forEach((az) => {
      const key = zoneKey(az);
      const priv = new Subnet(this, `Private${key}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: privateSubnetCidr(parsed, az),
        tags: { Name: `${namePrefix}-private-${az}`, Tier: 'private', 'kubernetes.io/role/internal-elb': '1' },
      });
      const routes = new RouteTable(this, `Private${key}Routes`, {
        provider,
        vpcId: this.vpc.id,
        tags: { Name: `${namePrefix}-private-${az}` },
      });
      new Route(this, `Private${key}DefaultRoute`, {
        provider,
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: (nats.get(az) ?? nats.get(zones[0]))!.id,
      });
      new RouteTableAssociation(this, `Private${key}RoutesAssociation`, { provider, subnetId: priv.id, routeTableId: routes.id });
      this.privateSubnets.push(priv);
      this.privateRouteTables.push(routes);
    });

    this.vpcId = this.vpc.id;
    this.cidr = props.cidr;
    this.availabilityZones = zones;
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
