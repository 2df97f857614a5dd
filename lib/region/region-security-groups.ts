import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { IRegionSecurityGroups } from './interfaces';
import { GATEWAY_TRAFFIC_PORT } from '../limits';
import { checkRequiredProps, checkText, NON_EMPTY_TEXT, checkList, propError } from '../private/prop-checks';

/** Ports of the design's network policy (安全架构: global-security-policy.yaml). */
export const TIER_PORTS = { https: 443, gateway: GATEWAY_TRAFFIC_PORT, database: 5432, dns: 53 } as const;

export interface RegionSecurityGroupsProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** VPC the groups belong to. */
  readonly vpcId: string;
  /** Name prefix. */
  readonly namePrefix: string;
  /** CIDRs allowed to reach the load-balancer tier on 443. @default ["0.0.0.0/0"] (public API) */
  readonly publicIngressCidrs?: readonly string[];
}

/**
 * The design's network policy at VPC level, as three security groups:
 * load balancer (443 in from the public; 8080 out to the gateway only), gateway (8080 in from the
 * load balancer only; out: 5432 to the database tier, 443 and DNS 53 TCP/UDP), and database (5432 in
 * from the gateway only; nothing out). No group allows anything else in either direction.
 */
export class RegionSecurityGroups extends Construct implements IRegionSecurityGroups {
  /** Load-balancer tier group id. */
  readonly loadBalancerSecurityGroupId: string;
  /** Gateway tier group id. */
  readonly gatewaySecurityGroupId: string;
  /** Database tier group id. */
  readonly databaseSecurityGroupId: string;
  /** The underlying group resources (escape hatch). */
  readonly loadBalancer: SecurityGroup;
  readonly gateway: SecurityGroup;
  readonly database: SecurityGroup;

  constructor(scope: Construct, id: string, props: RegionSecurityGroupsProps) {
    super(scope, id);
    checkRequiredProps<RegionSecurityGroupsProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      vpcId: "the id of the region's VPC (or a token)",
      namePrefix: 'the region\'s name prefix, such as "tslj-eu-west-1"',
    });
    checkList(this, 'publicIngressCidrs', props.publicIngressCidrs, 'a list of IPv4 CIDRs such as ["0.0.0.0/0"]');
    (props.publicIngressCidrs ?? []).forEach((cidr, i) => {
      if (typeof cidr !== 'string') propError(this, `publicIngressCidrs[${i}]`, cidr, 'an IPv4 CIDR such as "203.0.113.0/24", or a token');
    });
    checkText(this, 'vpcId', props.vpcId, NON_EMPTY_TEXT);
    checkText(this, 'namePrefix', props.namePrefix, NON_EMPTY_TEXT);
    const { provider, vpcId, namePrefix } = props;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        provider,
        vpcId,
        name: `${namePrefix}-${name.toLowerCase()}`,
        description,
        tags: { Name: `${namePrefix}-${name.toLowerCase()}`, Tier: name.toLowerCase() },
        revokeRulesOnDelete: true,
      });
    this.loadBalancer = group('LoadBalancer', 'Load-balancer tier: HTTPS in, gateway port out');
    this.gateway = group('Gateway', 'API gateway tier: 8080 from the load balancer only');
    this.database = group('Database', 'Database tier: 5432 from the gateway only');
    this.loadBalancerSecurityGroupId = this.loadBalancer.id;
    this.gatewaySecurityGroupId = this.gateway.id;
    this.databaseSecurityGroupId = this.database.id;

    const ingress = (name: string, groupId: string, port: number, from: { cidr?: string; sg?: string }, protocol = 'tcp') =>
      new VpcSecurityGroupIngressRule(this, name, {
        provider,
        securityGroupId: groupId,
        ipProtocol: protocol,
        fromPort: port,
        toPort: port,
        cidrIpv4: from.cidr,
        referencedSecurityGroupId: from.sg,
        description: name,
      });
    const egress = (name: string, groupId: string, port: number, to: { cidr?: string; sg?: string }, protocol = 'tcp') =>
      new VpcSecurityGroupEgressRule(this, name, {
        provider,
        securityGroupId: groupId,
        ipProtocol: protocol,
        fromPort: port,
        toPort: port,
        cidrIpv4: to.cidr,
        referencedSecurityGroupId: to.sg,
        description: name,
      });

    (props.publicIngressCidrs ?? ['0.0.0.0/0']).forEach((cidr, i) =>
      ingress(`LbHttpsIn${i}`, this.loadBalancer.id, TIER_PORTS.https, { cidr }),
    );
    egress('LbToGateway', this.loadBalancer.id, TIER_PORTS.gateway, { sg: this.gateway.id });

    ingress('GatewayFromLb', this.gateway.id, TIER_PORTS.gateway, { sg: this.loadBalancer.id });
    egress('GatewayToDatabase', this.gateway.id, TIER_PORTS.database, { sg: this.database.id });
    egress('GatewayHttpsOut', this.gateway.id, TIER_PORTS.https, { cidr: '0.0.0.0/0' });
    egress('GatewayDnsTcpOut', this.gateway.id, TIER_PORTS.dns, { cidr: '0.0.0.0/0' });
    egress('GatewayDnsUdpOut', this.gateway.id, TIER_PORTS.dns, { cidr: '0.0.0.0/0' }, 'udp');

    ingress('DatabaseFromGateway', this.database.id, TIER_PORTS.database, { sg: this.gateway.id });
  }
}
