import type { ComplianceRule } from '../../rule';
import { copyFinding, resourcesOfType } from '../../view-helpers';

/** A VPC peering is a path for data: both ends in zones that may exchange it. */
export const peeringInZone: ComplianceRule = {
  id: 'TSLJ-RES-5',
  area: 'residency',
  title: 'VPC peering connects only networks of the same residency zone (or zones it may copy to)',
  fix: 'peer only VPCs of regions in the same residency zone',
  resourceTypes: ['aws_vpc_peering_connection'],
  check: (app) =>
    resourcesOfType(app, 'aws_vpc_peering_connection').flatMap((p) => {
      const peerRegion = (p.attributes.peer_region as string | undefined) ?? p.region;
      return copyFinding(app, p, 'VPC peering', peerRegion, peerRegion);
    }),
};
