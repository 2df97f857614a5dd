import type { ComplianceRule } from '../../rule';
import { block, resourcesOfType } from '../../view-helpers';

/** Kubernetes secrets are envelope-encrypted with a customer-managed key. */
export const clusterSecretsEncrypted: ComplianceRule = {
  id: 'TSLJ-ENC-5',
  area: 'encryption',
  title: 'EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key',
  fix: 'set encryption_config { resources = ["secrets"], provider { key_arn = region key ARN } } on the aws_eks_cluster',
  resourceTypes: ['aws_eks_cluster'],
  check: (app) =>
    resourcesOfType(app, 'aws_eks_cluster').flatMap((c) => {
      const cfg = block(c.attributes.encryption_config);
      const resources = cfg?.resources;
      const key = block(cfg?.provider)?.key_arn;
      if (Array.isArray(resources) && resources.includes('secrets') && typeof key === 'string' && key !== '') return [];
      return [{ path: c.path, reason: cfg ? 'encryption_config does not cover "secrets" with a key_arn' : 'has no encryption_config' }];
    }),
};
