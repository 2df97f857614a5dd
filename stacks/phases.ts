/**
 * The design's deployment phases (服务部署顺序) mapped onto the stacks. The AWS continent stacks are
 * not split (they must plan offline with the AWS provider alone), so a stack may carry more than
 * one phase; the order between stacks is made explicit by stack dependencies, which `cdktf deploy
 * '*'` and the workflow follow.
 */
export interface DeploymentPhase {
  /** The design's name. */
  readonly id: 'phase_1_foundation' | 'phase_2_data' | 'phase_3_services' | 'phase_4_applications' | 'phase_5_optimization';
  /** The design's items. */
  readonly items: readonly string[];
  /** Which stacks carry it (`<continent>` = every continent stack). */
  readonly stacks: string;
  /** Why it maps there. */
  readonly note: string;
}

export const DEPLOYMENT_PHASES: readonly DeploymentPhase[] = [
  {
    id: 'phase_1_foundation',
    items: ['networking_infrastructure', 'security_foundations', 'monitoring_setup'],
    stacks: '<continent> (apac, emea, na)',
    note: 'VPC, subnets, NAT, security groups, KMS key, bucket, audit trail, flow logs, EKS control plane',
  },
  {
    id: 'phase_2_data',
    items: ['database_clusters', 'data_replication', 'backup_systems'],
    stacks: '<continent> (apac, emea, na)',
    note: 'the data tier lives in the continent stacks next to the network and key it needs; inside a stack Terraform orders resources by reference, so data follows foundation',
  },
  {
    id: 'phase_3_services',
    items: ['core_services', 'api_gateway', 'service_mesh'],
    stacks: '<continent>-workloads',
    note: 'namespaces and network policies on each cluster; depends on its continent stack (cluster endpoint by cross-stack reference)',
  },
  {
    id: 'phase_4_applications',
    items: ['web_applications', 'mobile_backends', 'ai_services'],
    stacks: 'global',
    note: 'the global edge opens the applications to users; it depends on every workload stack so no traffic arrives before the services are in place',
  },
  {
    id: 'phase_5_optimization',
    items: ['performance_tuning', 'cost_optimization', 'final_testing'],
    stacks: '(no stack)',
    note: 'not infrastructure: the workflow’s verify job re-plans every stack after the deploy and fails on drift',
  },
];

/** Stack names in deployment order (a topological order of the manifest's dependencies, ties by name). */
export function deploymentOrder(stacks: Readonly<Record<string, { readonly dependencies: readonly string[] }>>): string[][] {
  const remaining = new Map(Object.entries(stacks).map(([name, s]) => [name, new Set(s.dependencies)]));
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter(([, deps]) => [...deps].every((d) => !remaining.has(d)))
      .map(([n]) => n)
      .sort();
    if (ready.length === 0) throw new Error(`stack dependencies have a cycle among: ${[...remaining.keys()].join(', ')}`);
    for (const n of ready) remaining.delete(n);
    waves.push(ready);
  }
  return waves;
}
