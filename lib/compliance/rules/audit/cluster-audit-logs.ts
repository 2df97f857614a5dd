import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show } from '../../view-helpers';

const REQUIRED = ['api', 'audit', 'authenticator'];

/** The Kubernetes control plane sends its API, audit and authenticator logs to CloudWatch. */
export const clusterAuditLogs: ComplianceRule = {
  id: 'TSLJ-AUD-3',
  area: 'audit',
  title: `EKS clusters log ${REQUIRED.join(', ')} from the control plane`,
  fix: `set enabled_cluster_log_types to include ${REQUIRED.map((t) => `"${t}"`).join(', ')}`,
  resourceTypes: ['aws_eks_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_eks_cluster').flatMap((c) => {
      const types = Array.isArray(c.attributes.enabled_cluster_log_types) ? c.attributes.enabled_cluster_log_types : [];
      const missing = REQUIRED.filter((t) => !types.includes(t));
      return missing.length ? [{ path: c.path, reason: `enabled_cluster_log_types is ${show(types)}; missing ${missing.join(', ')}` }] : [];
    }),
};
