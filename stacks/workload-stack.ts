import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { Continent } from '../lib/config';
import { ClusterWorkloads } from '../lib/kubernetes';
import type { IRegion } from '../lib/region';
import { applyStateBackend, type StateBackendSettings } from '../lib/state-backend';

export interface WorkloadStackProps {
  /** Continent whose clusters this stack configures. */
  readonly continent: Continent;
  /** The continent's regions; those with a cluster get its workloads. Their attributes come from the continent stack by cross-stack reference. */
  readonly regions: readonly IRegion[];
  /** The gateway's admin port (`/metrics`), opened to each cluster's `monitoring` namespace. @default 9090 (config `alerts.metricsPort`) */
  readonly metricsPort?: number;
  /** The central Prometheus's remote-write port, opened from each cluster's Prometheus agent pods. @default 443 */
  readonly remoteWritePort?: number;
  /** `host:port` of each Alertmanager the central Prometheus sends to, opened from its pods in every cluster. @default ["alertmanager:9093"] (config `alerts.alertmanagers`) */
  readonly alertmanagers?: readonly string[];
  /** Where Terraform keeps this stack's state. @default local */
  readonly stateBackend?: StateBackendSettings;
}

/**
 * The Kubernetes side of one continent (`<continent>-workloads`): per compute region, a Kubernetes
 * provider for its cluster and the workload namespaces with the design's network policies. Kept
 * out of the continent stack so that stack plans with the AWS provider only; the cluster endpoint,
 * CA and name arrive through cdktf cross-stack references (outputs of the continent stack, remote
 * state here), which also make this stack depend on the continent stack.
 */
export class WorkloadStack extends TerraformStack {
  readonly clusters: ClusterWorkloads[];

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id);
    applyStateBackend(this, id, props.stateBackend ?? { kind: 'local' });
    const compute = props.regions.filter((r) => r.cluster);
    if (compute.length === 0)
      throw new Error(
        `${this.node.path}: continent "${props.continent}" has no region that serves compute; allowed: at least one region with a cluster`,
      );
    this.clusters = compute.map(
      (r) =>
        new ClusterWorkloads(this, r.regionId, {
          regionId: r.regionId,
          vpcCidr: r.spec.cidr,
          // The zone's databases may be in its other storage regions (ZoneNetwork peers them and
          // admits this region's pods on 5432); zones never span continents, so they are all here.
          databaseCidrs: props.regions
            .filter(
              (o) => o.regionId !== r.regionId && o.spec.residencyZone === r.spec.residencyZone && o.spec.services.includes('storage'),
            )
            .map((o) => o.spec.cidr),
          cluster: r.cluster!,
          metricsPort: props.metricsPort,
          remoteWritePort: props.remoteWritePort,
          alertmanagers: props.alertmanagers,
        }),
    );
  }
}
