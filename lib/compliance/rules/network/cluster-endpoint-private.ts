import type { ComplianceRule } from '../../rule';
import { block, resourcesOfType, show, isFalse } from '../../view-helpers';

/** The Kubernetes API is reachable only from inside the network (or from listed CIDRs). */
export const clusterEndpointPrivate: ComplianceRule = {
  id: 'TSLJ-NET-3',
  area: 'network',
  title: 'EKS API endpoints are private, or public only to listed CIDRs',
  fix: 'set vpc_config.endpoint_public_access = false, or public_access_cidrs to your operators’ CIDRs',
  resourceTypes: ['aws_eks_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_eks_cluster').flatMap((c) => {
      const v = block(c.attributes.vpc_config);
      if (isFalse(v?.endpoint_public_access)) return [];
      const cidrs = Array.isArray(v?.public_access_cidrs) ? (v!.public_access_cidrs as string[]) : ['0.0.0.0/0'];
      return cidrs.some((x) => x === '0.0.0.0/0')
        ? [{ path: c.path, reason: `endpoint_public_access is ${show(v?.endpoint_public_access)} with public_access_cidrs ${show(cidrs)}` }]
        : [];
    }),
};
