import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IRegionCluster } from '../region/interfaces';
import { KubernetesManifest } from './manifest';
import { ALERTMANAGER_TARGET_ALLOWED, alertmanagerPlace } from './monitoring-roles';
import { gatewayMetricsService, WORKLOAD_NAMESPACES, workloadNamespaces, workloadNetworkPolicies } from './network-policies';
import { KubernetesProvider } from './provider';
import { REGION_ID } from '../limits';
import { parseCidr } from '../private/cidr';
import { checkRequiredProps, checkText, propError } from '../private/prop-checks';

export interface ClusterWorkloadsProps {
  /** Region id of the cluster (for `aws eks get-token --region`). */
  readonly regionId: string;
  /** CIDR of the region's VPC. */
  readonly vpcCidr: string;
  /** VPC CIDRs of the residency zone's other regions that hold its databases (their 5432 is opened to the `database` namespace). @default none */
  readonly databaseCidrs?: readonly string[];
  /** Ports of the region's upstreams inside its VPC, opened from the gateway to the VPC only (etcd's 2379 is opened too). @default [443] */
  readonly upstreamPorts?: readonly number[];
  /** `host:port` of each Alertmanager the central Prometheus sends to (config `alerts.alertmanagers`), opened from its pods. @default ["alertmanager:9093"] */
  readonly alertmanagers?: readonly string[];
  /** The gateway's admin port (`/metrics`), opened to the `monitoring` namespace. @default 9090 */
  readonly metricsPort?: number;
  /** The central Prometheus's remote-write port, opened from the Prometheus agent's pods to any address (the receiver's public name). @default 443 */
  readonly remoteWritePort?: number;
  /** The cluster (its endpoint and CA may be tokens of another stack: cdktf passes them by remote state). */
  readonly cluster: IRegionCluster;
}

/**
 * What one region's cluster runs at the network level: a Kubernetes provider for the cluster
 * (authenticated by `aws eks get-token`), the workload namespaces and the design's network policies
 * with default deny in every namespace.
 */
export class ClusterWorkloads extends Construct {
  readonly provider: KubernetesProvider;
  readonly namespaces: KubernetesManifest[];
  readonly networkPolicies: KubernetesManifest[];
  /** The headless Service over the gateway pods' admin port, by which the region's Prometheus agent finds them. */
  readonly gatewayMetricsService: KubernetesManifest;

  constructor(scope: Construct, id: string, props: ClusterWorkloadsProps) {
    super(scope, id);
    checkRequiredProps<ClusterWorkloadsProps>(this.node.path, props, {
      regionId: 'a region id of the config, such as "eu-west-1"',
      vpcCidr: 'the region\'s VPC CIDR, such as "10.10.0.0/16"',
      cluster: "the region's RegionCluster (an IRegionCluster)",
    });
    checkText(this, 'regionId', props.regionId, REGION_ID);
    if (Token.isUnresolved(props.vpcCidr) === false && (typeof props.vpcCidr !== 'string' || 'error' in parseCidr(props.vpcCidr)))
      propError(this, 'vpcCidr', props.vpcCidr, 'an IPv4 CIDR such as "10.10.0.0/16" (the network policies open it)');
    if (props.databaseCidrs !== undefined && !Array.isArray(props.databaseCidrs))
      propError(this, 'databaseCidrs', props.databaseCidrs, "a list of IPv4 CIDRs (the VPCs of the zone's other database regions)");
    (props.databaseCidrs ?? []).forEach((cidr, i) => {
      if (!Token.isUnresolved(cidr) && (typeof cidr !== 'string' || 'error' in parseCidr(cidr)))
        propError(this, `databaseCidrs[${i}]`, cidr, 'an IPv4 CIDR such as "10.20.0.0/16"');
    });
    if (props.upstreamPorts !== undefined && !Array.isArray(props.upstreamPorts))
      propError(this, 'upstreamPorts', props.upstreamPorts, "a list of the ports of the region's upstreams in its VPC, such as [443]");
    (props.upstreamPorts ?? []).forEach((port, i) => {
      if (Token.isUnresolved(port)) return;
      if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) propError(this, `upstreamPorts[${i}]`, port, 'an integer port 1..65535');
      const first = props.upstreamPorts!.indexOf(port);
      if (first !== i) propError(this, `upstreamPorts[${i}]`, port, `each port once (also upstreamPorts[${first}])`);
    });
    if (props.alertmanagers !== undefined && !Array.isArray(props.alertmanagers))
      propError(this, 'alertmanagers', props.alertmanagers, `a list of ${ALERTMANAGER_TARGET_ALLOWED}`);
    (props.alertmanagers ?? []).forEach((target, i) => {
      if (!Token.isUnresolved(target) && 'error' in alertmanagerPlace(target, WORKLOAD_NAMESPACES.monitoring))
        propError(this, `alertmanagers[${i}]`, target, ALERTMANAGER_TARGET_ALLOWED);
    });
    for (const field of ['metricsPort', 'remoteWritePort'] as const) {
      const port = props[field];
      if (port !== undefined && !Token.isUnresolved(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535))
        propError(this, field, port, 'an integer port 1..65535');
    }
    const cluster = props.cluster as { clusterEndpoint?: unknown; clusterName?: unknown } | null;
    if (cluster === null || typeof cluster !== 'object' || cluster.clusterEndpoint === undefined || cluster.clusterName === undefined)
      propError(
        this,
        'cluster',
        typeof cluster === 'object' && cluster !== null ? '(an object without clusterEndpoint and clusterName)' : cluster,
        "the region's RegionCluster (an IRegionCluster)",
      );
    this.provider = new KubernetesProvider(this, 'Provider', {
      alias: props.regionId.replace(/-/g, '_'),
      host: props.cluster.clusterEndpoint,
      clusterCaCertificate: Fn.base64decode(props.cluster.clusterCertificateAuthorityData),
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', props.cluster.clusterName, '--region', props.regionId],
      },
    });
    this.namespaces = workloadNamespaces().map(
      (m) => new KubernetesManifest(this, `Namespace-${m.metadata.name}`, { provider: this.provider, manifest: m }),
    );
    this.networkPolicies = workloadNetworkPolicies({
      vpcCidr: props.vpcCidr,
      databaseCidrs: props.databaseCidrs,
      upstreamPorts: props.upstreamPorts,
      alertmanagers: props.alertmanagers,
      metricsPort: props.metricsPort,
      remoteWritePort: props.remoteWritePort,
    }).map(
      (m) =>
        new KubernetesManifest(this, `NetworkPolicy-${m.metadata.namespace}-${m.metadata.name}`, {
          provider: this.provider,
          manifest: m,
          dependsOn: this.namespaces,
        }),
    );
    this.gatewayMetricsService = new KubernetesManifest(this, 'Service-gateway-metrics', {
      provider: this.provider,
      manifest: gatewayMetricsService(props.metricsPort),
      dependsOn: this.namespaces,
    });
  }
}
