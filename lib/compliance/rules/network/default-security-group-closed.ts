import type { ComplianceRule } from '../../rule';
import { attachedTo, resourcesOfType } from '../../view-helpers';

/** The default security group of every VPC allows nothing, so nothing lands in it by accident. */
export const defaultSecurityGroupClosed: ComplianceRule = {
  id: 'TSLJ-NET-2',
  area: 'network',
  title: "Every VPC's default security group has no rules",
  fix: 'add an aws_default_security_group for the VPC with no ingress and no egress',
  resourceTypes: ['aws_vpc'],
  check: (app) =>
    resourcesOfType(app, 'aws_vpc').flatMap((vpc) => {
      const groups = attachedTo(app, vpc, 'vpc_id', 'aws_default_security_group');
      if (groups.length === 0)
        return [
          { path: vpc.path, reason: 'its default security group is not managed (AWS default: all traffic within the group, all egress)' },
        ];
      const open = groups.filter(
        (g) =>
          (Array.isArray(g.attributes.ingress) && g.attributes.ingress.length) ||
          (Array.isArray(g.attributes.egress) && g.attributes.egress.length),
      );
      return open.map((g) => ({ path: g.path, reason: 'the default security group has rules' }));
    }),
};
