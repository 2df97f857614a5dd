import type { ComplianceRule } from '../../rule';
import { INTERNET_WIDE_PREFIX, isInternetWide } from '../../network-ranges';
import { blocks, isTemplate, referencedResource, resourcesOfType, show } from '../../view-helpers';
import type { ResourceView } from '../../rule';

/** A VPC's or subnet's own range, by reference: private, whatever its value at apply. */
const OWN_RANGE = /^\$\{aws_(?:default_)?(?:vpc|subnet)\.[A-Za-z0-9_-]+\.(?:cidr_block|ipv6_cidr_block)\}$/;
/** A source known only at apply (a variable, a data source, an expression): it may be the whole internet. */
const mayBeAnywhere = (c: unknown): boolean => isTemplate(c) && !OWN_RANGE.test(c as string);
/**
 * A source list as synthesized: a list, or one expression standing for the whole list
 * (`cidr_blocks = "${var.admin_cidrs}"`, from `Token.asList`), which is one source known only at apply.
 */
const sourceList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
/** How the AWS provider spells "every protocol" (any letter case): AWS then ignores the ports. */
const isAllProtocols = (p: unknown): boolean => p === -1 || (typeof p === 'string' && ['-1', 'all'].includes(p.trim().toLowerCase()));
/** TCP by name or number, as the AWS provider reads it. */
const isTcp = (p: unknown): boolean => p === 6 || (typeof p === 'string' && ['tcp', '6'].includes(p.trim().toLowerCase()));
/** The port the load-balancer tier may take from anywhere, TCP only. */
const LB_PORT = 443;
const isLbPort = (port: unknown): boolean => port === LB_PORT || port === String(LB_PORT);
/**
 * The load-balancer tier: its `Tier` tag says so; without a Tier tag, its description starts with
 * "load balancer". (Any mention was read before: the gateway group, "8080 from the load balancer
 * only", took the load-balancer exception.)
 */
const isLoadBalancerGroup = (sg: ResourceView | undefined): boolean => {
  if (!sg) return false;
  const tier = (sg.attributes.tags as Record<string, unknown> | undefined)?.Tier;
  return tier !== undefined ? tier === 'loadbalancer' : /^\s*load.?balancer/i.test(String(sg.attributes.description ?? ''));
};

/** One ingress permission, whatever resource holds it. */
interface Permission {
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
  readonly sources: readonly unknown[];
}

/** The finding for `p` into the group (`lb`: the load-balancer tier), or undefined when it admits no internet source. */
function judge(p: Permission, lb: boolean): string | undefined {
  const open = p.sources.find(isInternetWide);
  const unknown = p.sources.find(mayBeAnywhere);
  if (open === undefined && unknown === undefined) return undefined;
  const all = isAllProtocols(p.protocol);
  if (lb && !all && isTcp(p.protocol) && isLbPort(p.from) && isLbPort(p.to)) return undefined;
  const source =
    open === undefined
      ? `${show(unknown)} (known only at apply: it may be 0.0.0.0/0)`
      : /\/0+$/.test(String(open).trim())
        ? show(open)
        : `${show(open)} (a public range of /${INTERNET_WIDE_PREFIX.ipv4} or wider for IPv4, /${INTERNET_WIDE_PREFIX.ipv6} for IPv6: a slice of the internet)`;
  const what = all
    ? `every protocol and port (protocol ${show(p.protocol)}: AWS ignores the ports)`
    : `ports ${show(p.from)}-${show(p.to)}${isTcp(p.protocol) ? '' : ` over protocol ${show(p.protocol)}`}`;
  return `allows ${source} on ${what}${lb ? ` (the load-balancer tier takes only tcp ${LB_PORT} from anywhere)` : ' into a group that is not the load-balancer tier'}`;
}

/** The permissions of a security group's inline `ingress` (a list, one expression for the list, or a `dynamic` block). */
function inlinePermissions(sg: ResourceView): Permission[] {
  const ingress = sg.attributes.ingress;
  if (typeof ingress === 'string') return [{ protocol: undefined, from: undefined, to: undefined, sources: [ingress] }];
  const dynamic = (sg.attributes.dynamic as Record<string, unknown> | undefined)?.ingress;
  const rules = [...blocks(ingress), ...blocks(dynamic).map((d) => blocks(d.content)[0] ?? {})];
  return rules.map((rule) => ({
    protocol: rule.protocol,
    from: rule.from_port,
    to: rule.to_port,
    sources: [...sourceList(rule.cidr_blocks), ...sourceList(rule.ipv6_cidr_blocks)],
  }));
}

/**
 * Nothing is open to the internet (0.0.0.0/0, ::/0, a public range of /8 or /16 or wider, or a
 * source known only at apply) except the load-balancer tier on tcp 443.
 */
export const noPublicIngress: ComplianceRule = {
  id: 'TSLJ-NET-1',
  area: 'network',
  title: 'No ingress from the internet (0.0.0.0/0, ::/0, a public /8 or /16 or wider) except to the load-balancer tier on tcp 443',
  fix: 'restrict the source to a security group or a known CIDR; only the load-balancer security group (Tier=loadbalancer) may take tcp 443 from anywhere, never protocol "-1"/"all"',
  resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group'],
  check: (app) => {
    const findings: { path: string; reason: string }[] = [];
    const add = (r: ResourceView, lb: boolean, permissions: Permission[]) => {
      for (const p of permissions) {
        const reason = judge(p, lb);
        if (reason) findings.push({ path: r.path, reason });
      }
    };
    const lbOf = (r: ResourceView) => isLoadBalancerGroup(referencedResource(app, r, r.attributes.security_group_id));
    for (const r of resourcesOfType(app, 'aws_vpc_security_group_ingress_rule')) {
      const a = r.attributes;
      add(r, lbOf(r), [{ protocol: a.ip_protocol, from: a.from_port, to: a.to_port, sources: [a.cidr_ipv4, a.cidr_ipv6] }]);
    }
    for (const r of resourcesOfType(app, 'aws_security_group_rule').filter((x) => x.attributes.type === 'ingress')) {
      const a = r.attributes;
      const sources = [...sourceList(a.cidr_blocks), ...sourceList(a.ipv6_cidr_blocks)];
      add(r, lbOf(r), [{ protocol: a.protocol, from: a.from_port, to: a.to_port, sources }]);
    }
    for (const sg of resourcesOfType(app, 'aws_security_group')) add(sg, isLoadBalancerGroup(sg), inlinePermissions(sg));
    return findings;
  },
};
