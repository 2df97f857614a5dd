import type { ComplianceRule, Finding, ProviderView } from '../../rule';
import { block, resourcesOfType } from '../../view-helpers';

type Manifest = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> };

const isDefaultDeny = (m: Manifest) => {
  const spec = m.spec ?? {};
  const selector = spec.podSelector as Record<string, unknown> | undefined;
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
  return (
    m.kind === 'NetworkPolicy' &&
    !!selector &&
    Object.keys(selector).length === 0 &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    empty(spec.ingress) &&
    empty(spec.egress)
  );
};

const clusterRegionOf = (p: ProviderView): string | undefined => {
  const args = block(p.attributes.exec)?.args;
  if (!Array.isArray(args)) return undefined;
  const i = args.indexOf('--region');
  return i >= 0 ? String(args[i + 1]) : undefined;
};

/** Every compute region's cluster is configured, and every namespace we create on it starts from default deny. */
export const defaultDenyNetworkPolicy: ComplianceRule = {
  id: 'TSLJ-K8S-1',
  area: 'kubernetes',
  title: 'Every cluster has a Kubernetes provider in a workload stack and a default-deny NetworkPolicy in each namespace it creates',
  fix: 'add the region to its <continent>-workloads stack (ClusterWorkloads); give every namespace a NetworkPolicy with podSelector {}, policyTypes [Ingress, Egress] and no rules',
  resourceTypes: ['aws_eks_cluster', 'kubernetes_manifest'],
  check: (app) => {
    const findings: Finding[] = [];
    const k8sProviders = app.providers.filter((p) => p.type === 'kubernetes');
    for (const cluster of resourcesOfType(app, 'aws_eks_cluster')) {
      if (!k8sProviders.some((p) => clusterRegionOf(p) === cluster.region))
        findings.push({
          path: cluster.path,
          reason: `no workload stack configures the cluster of ${cluster.region ?? 'its region'} (no kubernetes provider for it)`,
        });
    }
    for (const p of k8sProviders) {
      const fqn = p.alias ? `kubernetes.${p.alias}` : 'kubernetes';
      const manifests = resourcesOfType(app, 'kubernetes_manifest').filter(
        (r) => r.stack === p.stack && (r.attributes.provider ?? 'kubernetes') === fqn,
      );
      const objects = manifests.map((r) => ({ r, m: r.attributes.manifest as Manifest }));
      const namespaces = objects.filter((o) => o.m?.kind === 'Namespace');
      if (namespaces.length === 0) findings.push({ path: p.path, reason: 'creates no namespace, so no default-deny policy either' });
      for (const ns of namespaces) {
        const name = ns.m.metadata?.name;
        if (!objects.some((o) => o.m?.metadata?.namespace === name && isDefaultDeny(o.m)))
          findings.push({
            path: ns.r.path,
            reason: `namespace "${name}" has no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)`,
          });
      }
    }
    return findings;
  },
};
