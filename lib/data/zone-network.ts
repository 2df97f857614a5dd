import { Route } from '@cdktf/provider-aws/lib/route';
import { VpcPeeringConnection } from '@cdktf/provider-aws/lib/vpc-peering-connection';
import { VpcPeeringConnectionAccepterA } from '@cdktf/provider-aws/lib/vpc-peering-connection-accepter';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { DATABASE_PORT } from './endpoint-names';
import { privateSubnetCidrs } from './private/gateway-cidrs';
import type { IRegion } from './private/region-api';
import { assertSameZone } from './private/residency';
import { ACCOUNT_ID, checkText, checkRequiredProps, checkRegionList } from '../private/prop-checks';
import { zoneKey, zoneLetter, zonesByLetter } from '../private/subnet-layout';

export interface ZoneNetworkProps {
  /** The regions of one residency zone (all in this stack). */
  readonly regions: readonly IRegion[];
  /** AWS account that owns every VPC (may be a token). */
  readonly accountId: string;
  /** Name prefix of the peering connections, e.g. the project name. */
  readonly namePrefix: string;
}

/** One peering of the zone network. */
export interface ZonePeering {
  readonly requesterRegion: string;
  readonly accepterRegion: string;
  readonly connection: VpcPeeringConnection;
}

/**
 * Connects the regions of one residency zone so gateways in one region reach the zone's primary
 * database in another: inter-region VPC peering between every pair (full mesh), routes to the peer's
 * CIDR in every private route table, and 5432 from the peer's gateway tier (its private subnets, by
 * CIDR: security groups cannot be referenced across regions) into the database tier, with the
 * matching egress on the gateway tier. Regions of different zones are never connected: passing one
 * is a synth error. Per-AZ routes and rules are keyed by the AZ's letter, like RegionNetwork's
 * subnets, so reordering a region's zones changes none of them and removing one removes only its own.
 */
export class ZoneNetwork extends Construct {
  readonly residencyZone: string;
  readonly peerings: ZonePeering[] = [];

  constructor(scope: Construct, id: string, props: ZoneNetworkProps) {
    super(scope, id);
    checkRequiredProps<ZoneNetworkProps>(this.node.path, props, {
      regions: 'the regions of the zone (IRegion[])',
      accountId: 'a 12-digit AWS account id, or a token',
      namePrefix: 'lower-case letters, digits and "-" (it begins every peering\'s Name tag)',
    });
    checkRegionList(this, 'regions', props.regions, 'the regions of the zone (IRegion[])');
    const { regions } = props;
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    checkText(this, 'namePrefix', props.namePrefix, {
      pattern: /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/,
      allowed: 'lower-case letters, digits and "-", not empty, not starting or ending with "-" (it begins every peering\'s Name tag)',
    });
    if (regions.length === 0) throw new Error(`${this.node.path}: regions [] is not allowed; allowed: the regions of one residency zone`);
    this.residencyZone = regions[0].spec.residencyZone;
    const placement = (r: IRegion) => ({ regionId: r.regionId, residencyZone: r.spec.residencyZone });
    regions.forEach((r, i) => {
      assertSameZone(`${this.node.path}: regions[${i}]`, 'network peering', placement(regions[0]), placement(r));
      if (regions.findIndex((o) => o.regionId === r.regionId) !== i)
        throw new Error(`${this.node.path}: regions[${i}] "${r.regionId}" is not allowed; allowed: each region once`);
    });
    // [zone key, CIDR] of each private subnet, in letter order (RegionNetwork's layout).
    const gatewayCidrs = (r: IRegion): [string, string][] => {
      const cidrs = privateSubnetCidrs(r.spec.cidr, r.spec.availabilityZones);
      return zonesByLetter(r.spec.availabilityZones).map((az, i) => [zoneKey(az), cidrs[i]]);
    };
    // A private route table's key: its zone's letter (a network of your own whose zones have none: its position).
    const routeTableKey = (r: IRegion, i: number) => zoneLetter(r.network.availabilityZones[i])?.toUpperCase() ?? String(i);
    const pascal = (s: string) => s.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

    // Each pair in region-id order: a peering's address and its requesting side do not depend on
    // the order of the regions in the config (a reorder must not replace a live peering).
    const byId = [...regions].sort((x, y) => (x.regionId < y.regionId ? -1 : x.regionId > y.regionId ? 1 : 0));
    for (let a = 0; a < byId.length; a++) {
      for (let b = a + 1; b < byId.length; b++) {
        const requester = byId[a];
        const accepter = byId[b];
        const name = `${pascal(requester.regionId)}To${pascal(accepter.regionId)}`;
        const tagName = `${props.namePrefix}-${requester.regionId}-${accepter.regionId}`;
        const connection = new VpcPeeringConnection(this, `${name}Peering`, {
          provider: requester.provider,
          vpcId: requester.network.vpcId,
          peerVpcId: accepter.network.vpcId,
          peerRegion: accepter.regionId,
          peerOwnerId: props.accountId,
          tags: { Name: tagName, ResidencyZone: this.residencyZone },
        });
        const accepted = new VpcPeeringConnectionAccepterA(this, `${name}Accepter`, {
          provider: accepter.provider,
          vpcPeeringConnectionId: connection.id,
          autoAccept: true,
          tags: { Name: tagName, ResidencyZone: this.residencyZone },
        });
        this.peerings.push({ requesterRegion: requester.regionId, accepterRegion: accepter.regionId, connection });

        for (const [from, to] of [
          [requester, accepter],
          [accepter, requester],
        ] as const) {
          const dir = `${pascal(from.regionId)}To${pascal(to.regionId)}`;
          from.network.privateRouteTableIds.forEach((routeTableId, i) => {
            new Route(this, `${dir}Route${routeTableKey(from, i)}`, {
              provider: from.provider,
              routeTableId,
              destinationCidrBlock: to.spec.cidr,
              vpcPeeringConnectionId: connection.id,
              dependsOn: [accepted],
            });
          });
          // from's gateways → to's database tier.
          gatewayCidrs(from).forEach(([key, cidr]) => {
            new VpcSecurityGroupIngressRule(this, `${dir}DatabaseIn${key}`, {
              provider: to.provider,
              securityGroupId: to.securityGroups.databaseSecurityGroupId,
              ipProtocol: 'tcp',
              fromPort: DATABASE_PORT,
              toPort: DATABASE_PORT,
              cidrIpv4: cidr,
              description: `PostgreSQL from the gateway tier of ${from.regionId} (zone ${this.residencyZone})`,
            });
          });
          gatewayCidrs(to).forEach(([key, cidr]) => {
            new VpcSecurityGroupEgressRule(this, `${dir}GatewayOut${key}`, {
              provider: from.provider,
              securityGroupId: from.securityGroups.gatewaySecurityGroupId,
              ipProtocol: 'tcp',
              fromPort: DATABASE_PORT,
              toPort: DATABASE_PORT,
              cidrIpv4: cidr,
              description: `PostgreSQL to the database tier of ${to.regionId} (zone ${this.residencyZone})`,
            });
          });
        }
      }
    }
  }
}
