import type { ComplianceRule } from '../../rule';
import { block, isFalse, isTemplate, resourcesOfType, show } from '../../view-helpers';

/** The widest public-access range taken as an operators' range (a /7 or wider is a slice of the internet). */
export const MIN_PUBLIC_PREFIX = 8;

/** The Kubernetes API is reachable only from inside the network (or from listed CIDRs). */
export const clusterEndpointPrivate: ComplianceRule = {
  id: 'TSLJ-NET-3',
  area: 'network',
  title: 'EKS API endpoints are private, or public only to listed CIDRs (each /8 or narrower)',
  fix: 'set vpc_config.endpoint_public_access = false, or public_access_cidrs to your operators’ CIDRs',
  resourceTypes: ['aws_eks_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_eks_cluster').flatMap((c) => {
      const v = block(c.attributes.vpc_config);
      if (isFalse(v?.endpoint_public_access)) return [];
      // An empty list is not sent to EKS, which then applies its default: the whole internet.
      const given = Array.isArray(v?.public_access_cidrs) ? (v!.public_access_cidrs as string[]) : [];
      const cidrs = given.length > 0 ? given : ['0.0.0.0/0'];
      // The whole internet in one range or in a few wide ones (0.0.0.0/1 + 128.0.0.0/1), or a
      // list known only at apply, is not "listed CIDRs".
      const wide = (x: unknown) => {
        if (typeof x !== 'string' || isTemplate(x)) return true;
        const prefix = /^\d{1,3}(?:\.\d{1,3}){3}\/(\d{1,2})$/.exec(x.trim());
        return prefix === null || Number(prefix[1]) < MIN_PUBLIC_PREFIX;
      };
      return cidrs.some(wide)
        ? [{ path: c.path, reason: `endpoint_public_access is ${show(v?.endpoint_public_access)} with public_access_cidrs ${show(cidrs)}` }]
        : [];
    }),
};
