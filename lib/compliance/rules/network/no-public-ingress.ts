import type { ComplianceRule } from '../../rule';
import { isTemplate, referencedResource, resourcesOfType, show } from '../../view-helpers';
import type { ResourceView } from '../../rule';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);
/** A VPC's or subnet's own range, by reference: private, whatever its value at apply. */
const OWN_RANGE = /^\$\{aws_(?:default_)?(?:vpc|subnet)\.[A-Za-z0-9_-]+\.(?:cidr_block|ipv6_cidr_block)\}$/;
/** A source known only at apply (a variable, a data source, an expression): it may be the whole internet. */
const mayBeAnywhere = (c: unknown): boolean => isTemplate(c) && !OWN_RANGE.test(c as string);
const isLoadBalancerGroup = (sg: ResourceView | undefined) =>
  !!sg &&
  ((sg.attributes.tags as Record<string, string> | undefined)?.Tier === 'loadbalancer' ||
    /load.?balancer/i.test(String(sg.attributes.description ?? '')));

/** Nothing is open to the whole internet except the load-balancer tier on 443. */
export const noPublicIngress: ComplianceRule = {
  id: 'TSLJ-NET-1',
  area: 'network',
  title: 'No ingress from 0.0.0.0/0 or ::/0 except to the load-balancer tier on 443',
  fix: 'restrict the source to a security group or a known CIDR; only the load-balancer security group (Tier=loadbalancer) may take 443 from anywhere',
  resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group'],
  check: (app) => {
    const findings: { path: string; reason: string }[] = [];
    const judge = (r: ResourceView, groupRef: unknown, from: unknown, to: unknown, cidrs: unknown[]) => {
      const open = cidrs.filter((c) => typeof c === 'string' && ANYWHERE.has(c));
      const unknown = cidrs.filter(mayBeAnywhere);
      if (open.length === 0 && unknown.length === 0) return;
      const lb = isLoadBalancerGroup(r.type === 'aws_security_group' ? r : referencedResource(app, r, groupRef));
      if (lb && from === 443 && to === 443) return;
      const source = open.length > 0 ? show(open[0]) : `${show(unknown[0])} (known only at apply: it may be 0.0.0.0/0)`;
      findings.push({
        path: r.path,
        reason: `allows ${source} on ports ${show(from)}-${show(to)}${lb ? '' : ' into a group that is not the load-balancer tier'}`,
      });
    };
    for (const r of resourcesOfType(app, 'aws_vpc_security_group_ingress_rule'))
      judge(r, r.attributes.security_group_id, r.attributes.from_port, r.attributes.to_port, [
        r.attributes.cidr_ipv4,
        r.attributes.cidr_ipv6,
      ]);
    for (const r of resourcesOfType(app, 'aws_security_group_rule').filter((x) => x.attributes.type === 'ingress'))
      judge(r, r.attributes.security_group_id, r.attributes.from_port, r.attributes.to_port, [
        ...((r.attributes.cidr_blocks as unknown[]) ?? []),
        ...((r.attributes.ipv6_cidr_blocks as unknown[]) ?? []),
      ]);
    for (const sg of resourcesOfType(app, 'aws_security_group')) {
      const rules = Array.isArray(sg.attributes.ingress) ? (sg.attributes.ingress as Record<string, unknown>[]) : [];
      for (const rule of rules)
        judge(sg, undefined, rule.from_port, rule.to_port, [
          ...((rule.cidr_blocks as unknown[]) ?? []),
          ...((rule.ipv6_cidr_blocks as unknown[]) ?? []),
        ]);
    }
    return findings;
  },
};
