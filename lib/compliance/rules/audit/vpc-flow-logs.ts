import type { ComplianceRule } from '../../rule';
import { attachedTo, resourcesOfType } from '../../view-helpers';

/** Every VPC records its traffic (flow logs), the network half of the audit trail. */
export const vpcFlowLogs: ComplianceRule = {
  id: 'TSLJ-AUD-2',
  area: 'audit',
  title: 'Every VPC has flow logs of all traffic',
  fix: 'add an aws_flow_log with vpc_id = the VPC and traffic_type = "ALL"',
  resourceTypes: ['aws_vpc'],
  check: (app) =>
    resourcesOfType(app, 'aws_vpc').flatMap((vpc) =>
      attachedTo(app, vpc, 'vpc_id', 'aws_flow_log').some((f) => f.attributes.traffic_type === 'ALL')
        ? []
        : [{ path: vpc.path, reason: 'has no flow log of ALL traffic' }],
    ),
};
