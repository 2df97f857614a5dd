/**
 * The design's Kubernetes network policy (安全架构: global-security-policy.yaml) for one cluster, as
 * plain objects (pure; validated against the Kubernetes API schema in the tests).
 *
 * Namespaces: `api-gateway` (the gateway), `services` (the AI services the design's policy
 * protects), `database` (in-cluster database clients such as connection poolers), `monitoring`
 * (the Prometheus agent; the central Prometheus, Alertmanager and Grafana where they run). Every namespace
 * starts with a default-deny policy for both directions; the allow policies then open exactly:
 * - services: in 8080 only from api-gateway (the design's ingress); out 5432 to database, 443 to
 *   addresses outside the VPC, DNS to the cluster DNS only;
 * - api-gateway: in 8080 from the VPC (the load balancer), the admin port from `monitoring` (metrics)
 *   and from the VPC (the load balancer's `/readyz` check); out 8080 to services, 443 outside
 *   the VPC (mTLS to other regions' gateways), the upstream ports (443) and etcd's client port 2379
 *   to the VPC (the region's upstreams and service registry), DNS to the cluster DNS;
 * - database: in 5432 only from services; out 5432 to the VPC and to the zone's other database
 *   regions (the managed databases: a shard's primary may be in another region of the zone), DNS;
 * - monitoring: one policy per role, over that role's pods only (see `monitoringPolicies`).
 *
 * Departures from the design, on purpose: DNS goes to the cluster DNS pods (kube-system,
 * k8s-app=kube-dns), not `to: []`; 443 keeps "any destination" (`0.0.0.0/0`) because the services
 * call external APIs whose addresses are not known in advance, but excludes the VPC's own range, so
 * 443 inside the network is only what another rule allows.
 */
import type { KubernetesObject } from './manifest';
import { ALERTMANAGER_TARGET_ALLOWED, alertmanagerPlace, MONITORING_POD_LABELS, MONITORING_PORTS } from './monitoring-roles';
import { DEFAULT_ALERTS } from '../config/defaults';
import { GATEWAY_TRAFFIC_PORT } from '../limits';

export const WORKLOAD_NAMESPACES = {
  gateway: 'api-gateway',
  services: 'services',
  database: 'database',
  monitoring: 'monitoring',
} as const;
export const WORKLOAD_PORTS = { gateway: GATEWAY_TRAFFIC_PORT, database: 5432, https: 443, dns: 53, metrics: 9090 } as const;

export interface WorkloadNetworkPolicyOptions {
  /** CIDR of the region's VPC (the load balancer's and the managed database's addresses). */
  readonly vpcCidr: string;
  /**
   * VPC CIDRs of the other regions of the residency zone that hold its databases (peered by
   * ZoneNetwork, which admits 5432 from this region's pods): a shard's primary or replica may be
   * there. @default none
   */
  readonly databaseCidrs?: readonly string[];
  /**
   * Ports of the region's upstreams inside its VPC (`--upstream-template https://api.{region}.internal`,
   * registry instances), opened from the gateway to the VPC's range only; an empty list opens none.
   * @default [443]
   */
  readonly upstreamPorts?: readonly number[];
  /**
   * `host:port` of each Alertmanager the central Prometheus sends to (config `alerts.alertmanagers`):
   * a name of the `monitoring` namespace is its Alertmanager pods, a Service name of another namespace
   * that namespace, any other host its address (0.0.0.0/0 for a name), on the target's port only.
   * @default ["alertmanager:9093"]
   */
  readonly alertmanagers?: readonly string[];
  /** The gateway's admin port (`/metrics`, `/readyz`), open to `monitoring` and to the VPC (the load balancer's health check). @default 9090 (config `alerts.metricsPort`) */
  readonly metricsPort?: number;
  /** The port of the central Prometheus's remote-write receiver, the agent's one way out. @default 443 (config `alerts.remoteWriteUrl`) */
  readonly remoteWritePort?: number;
}

const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const clusterDns = [
  {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: WORKLOAD_PORTS.dns },
      { protocol: 'TCP', port: WORKLOAD_PORTS.dns },
    ],
  },
];
const httpsOutside = (vpcCidr: string) => [
  { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [vpcCidr] } }], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.https }] },
];

function policy(namespace: string, name: string, spec: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'cdktf' } },
    spec,
  };
}

/** The namespaces (labelled `name=<ns>` as the design's selectors expect). */
export function workloadNamespaces(): KubernetesObject[] {
  return Object.values(WORKLOAD_NAMESPACES).map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { name, 'app.kubernetes.io/managed-by': 'cdktf', 'pod-security.kubernetes.io/enforce': 'restricted' } },
  }));
}

/** Pod label the gateway Deployment's pods carry (the metrics Service selects them by it). */
export const GATEWAY_POD_LABEL = { 'app.kubernetes.io/name': 'gateway' } as const;
/** Headless Service whose DNS name lists every gateway pod: how the region's Prometheus agent finds them. */
export const GATEWAY_METRICS_SERVICE = 'gateway-metrics';

/** The DNS name of {@link GATEWAY_METRICS_SERVICE}: one A record per gateway pod, ready or not. */
export const gatewayMetricsDnsName = (): string => `${GATEWAY_METRICS_SERVICE}.${WORKLOAD_NAMESPACES.gateway}.svc.cluster.local`;

/**
 * The headless Service over the gateway pods' admin port (no cluster IP: its name resolves to the
 * pods). It lists pods that are not Ready too (`publishNotReadyAddresses`): a gateway answers
 * `/readyz` 503 while it drains or when no region has a healthy upstream, which is exactly when its
 * metrics must still be scraped (a pod that left the DNS name would go quiet instead of paging).
 */
export function gatewayMetricsService(metricsPort: number = WORKLOAD_PORTS.metrics): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: GATEWAY_METRICS_SERVICE,
      namespace: WORKLOAD_NAMESPACES.gateway,
      labels: { 'app.kubernetes.io/managed-by': 'cdktf' },
    },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: { ...GATEWAY_POD_LABEL },
      ports: [{ name: 'metrics', protocol: 'TCP', port: metricsPort, targetPort: metricsPort }],
    },
  };
}

/** etcd's client port: the gateway's service registry (`--etcd http://<host>:2379`). */
export const ETCD_CLIENT_PORT = 2379;

/**
 * The gateway's way into its own VPC, beside 443 outside it: the region's upstreams on their ports
 * and etcd (the registry `--etcd` names) on its client port, both to the VPC's range only.
 * etcd runs in the region's VPC, outside the cluster (instances, or a member or `etcd grpc-proxy` of
 * a wider etcd cluster in each region): this repository deploys no etcd and creates no namespace for
 * one, so there is no namespace to select, and Kubernetes leaves `ipBlock` on pod addresses to the
 * implementation (an etcd in the cluster needs a namespace rule instead). Never 2379 to 0.0.0.0/0:
 * an etcd in another region is not the gateway's to reach.
 * Upstreams of the other regions (a retry, shed traffic, a preferred region of an allowed zone) are
 * reached by their public names on 443, which `httpsOutside` opens: the routing table names regions
 * only and their addresses come at run time (template, flags, file or etcd), so no narrower range is
 * known at synth, and the zone's VPC peering admits 5432 only, so no upstream is reached over it.
 */
function gatewayVpcEgress(options: WorkloadNetworkPolicyOptions): Record<string, unknown>[] {
  const upstreamPorts = options.upstreamPorts ?? [WORKLOAD_PORTS.https];
  const vpc = [{ ipBlock: { cidr: options.vpcCidr } }];
  return [
    // `ports: []` would mean every port: no upstream port, no rule
    ...(upstreamPorts.length === 0 ? [] : [{ to: vpc, ports: upstreamPorts.map((port) => ({ protocol: 'TCP', port })) }]),
    { to: vpc, ports: [{ protocol: 'TCP', port: ETCD_CLIENT_PORT }] },
  ];
}

/** Default deny in every namespace, then the allow policies above. */
export function workloadNetworkPolicies(options: WorkloadNetworkPolicyOptions): KubernetesObject[] {
  const { gateway, services, database, monitoring } = WORKLOAD_NAMESPACES;
  const metricsPort = options.metricsPort ?? WORKLOAD_PORTS.metrics;
  const deny = Object.values(WORKLOAD_NAMESPACES).map((n) =>
    policy(n, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  );
  return [
    ...deny,
    policy(services, 'global-security-policy', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [ns(gateway)], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.gateway }] }],
      egress: [
        { to: [ns(database)], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.database }] },
        ...httpsOutside(options.vpcCidr),
        ...clusterDns,
      ],
    }),
    policy(gateway, 'gateway-policy', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ ipBlock: { cidr: options.vpcCidr } }], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.gateway }] },
        // the region's Prometheus agent scrapes /metrics on the admin port (never the load balancer)
        { from: [ns(monitoring)], ports: [{ protocol: 'TCP', port: metricsPort }] },
        // the load balancer's target health check: /readyz on the admin port, from its nodes in the VPC
        // (the security groups admit it from the load-balancer group only)
        { from: [{ ipBlock: { cidr: options.vpcCidr } }], ports: [{ protocol: 'TCP', port: metricsPort }] },
      ],
      egress: [
        { to: [ns(services)], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.gateway }] },
        ...httpsOutside(options.vpcCidr),
        ...gatewayVpcEgress(options),
        ...clusterDns,
      ],
    }),
    policy(database, 'database-policy', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [ns(services)], ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.database }] }],
      egress: [
        {
          to: [options.vpcCidr, ...(options.databaseCidrs ?? [])].map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: WORKLOAD_PORTS.database }],
        },
        ...clusterDns,
      ],
    }),
    ...monitoringPolicies(options),
  ];
}

/**
 * One policy per monitoring role (monitoring-roles.ts), each over its own pods' label, never `{}`:
 * - the region's agent takes nothing; out the metrics port to the gateway pods, the central
 *   Prometheus's port to its pods in this namespace (an agent next to it writing to it in the
 *   cluster), the remote-write port to any address (the receiver's public name, maybe in another
 *   region: its address is not known at synth), DNS;
 * - the central Prometheus takes its port from the agents and Grafana of this namespace and from the
 *   VPC (the load balancer through which the other regions' agents write: the token must be checked
 *   on this port, Prometheus does not); out to each Alertmanager of `alertmanagers` on its port, 443
 *   outside the VPC (YACE in its pod reads CloudWatch and STS in every storage region), DNS;
 * - Alertmanager takes its API port from the central Prometheus only (the ports of the targets in
 *   this namespace) and its cluster port from its peers; out the cluster port to its peers, 443
 *   outside the VPC (its receivers: webhooks such as PagerDuty or Slack), DNS;
 * - Grafana takes its port from the VPC (people, through an internal load balancer or a VPN);
 *   out the central Prometheus's port to its pods, DNS.
 */
function monitoringPolicies(options: WorkloadNetworkPolicyOptions): KubernetesObject[] {
  const { gateway, monitoring } = WORKLOAD_NAMESPACES;
  const metricsPort = options.metricsPort ?? WORKLOAD_PORTS.metrics;
  const role = (name: keyof typeof MONITORING_POD_LABELS) => ({ podSelector: { matchLabels: { ...MONITORING_POD_LABELS[name] } } });
  const tcp = (port: number) => ({ protocol: 'TCP', port });
  const vpc = { ipBlock: { cidr: options.vpcCidr } };
  const cluster = [tcp(MONITORING_PORTS.alertmanagerCluster), { protocol: 'UDP', port: MONITORING_PORTS.alertmanagerCluster }];
  const places = (options.alertmanagers ?? DEFAULT_ALERTS.alertmanagers).map((target, i) => {
    const place = alertmanagerPlace(target, monitoring);
    if ('error' in place)
      throw new Error(
        `network policies: alertmanagers[${i}] ${JSON.stringify(target)} is not allowed; allowed: ${ALERTMANAGER_TARGET_ALLOWED}`,
      );
    return place;
  });
  const unique = <T>(items: T[]): T[] => [...new Map(items.map((x) => [JSON.stringify(x), x])).values()];
  // the Alertmanagers of this namespace, by their pods; elsewhere in the cluster by namespace; outside by address
  const toAlertmanagers = unique(
    places.map((p) => ({
      to: ['cidr' in p ? { ipBlock: { cidr: p.cidr } } : p.namespace === monitoring ? role('alertmanager') : ns(p.namespace)],
      ports: [tcp(p.port)],
    })),
  );
  const ownAlertmanagerPorts = unique(places.flatMap((p) => ('namespace' in p && p.namespace === monitoring ? [p.port] : [])));
  return [
    policy(monitoring, 'prometheus-agent-policy', {
      ...role('agent'),
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ...ns(gateway), podSelector: { matchLabels: { ...GATEWAY_POD_LABEL } } }], ports: [tcp(metricsPort)] },
        { to: [role('prometheus')], ports: [tcp(MONITORING_PORTS.prometheus)] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp(options.remoteWritePort ?? WORKLOAD_PORTS.https)] },
        ...clusterDns,
      ],
    }),
    policy(monitoring, 'prometheus-policy', {
      ...role('prometheus'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [role('agent'), role('grafana')], ports: [tcp(MONITORING_PORTS.prometheus)] },
        { from: [vpc], ports: [tcp(MONITORING_PORTS.prometheus)] },
      ],
      egress: [...toAlertmanagers, ...httpsOutside(options.vpcCidr), ...clusterDns],
    }),
    policy(monitoring, 'alertmanager-policy', {
      ...role('alertmanager'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        // `ports: []` would mean every port: no Alertmanager target here, no rule from Prometheus
        ...(ownAlertmanagerPorts.length === 0 ? [] : [{ from: [role('prometheus')], ports: ownAlertmanagerPorts.map(tcp) }]),
        { from: [role('alertmanager')], ports: cluster },
      ],
      egress: [{ to: [role('alertmanager')], ports: cluster }, ...httpsOutside(options.vpcCidr), ...clusterDns],
    }),
    policy(monitoring, 'grafana-policy', {
      ...role('grafana'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [vpc], ports: [tcp(MONITORING_PORTS.grafana)] }],
      egress: [{ to: [role('prometheus')], ports: [tcp(MONITORING_PORTS.prometheus)] }, ...clusterDns],
    }),
  ];
}
