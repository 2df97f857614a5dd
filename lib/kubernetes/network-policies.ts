/**
 * The design's Kubernetes network policy (安全架构: global-security-policy.yaml) for one cluster, as
 * plain objects (pure; validated against the Kubernetes API schema in the tests).
 *
 * Namespaces: `api-gateway` (the gateway), `services` (the AI services the design's policy
 * protects), `database` (in-cluster database clients such as connection poolers). Every namespace
 * starts with a default-deny policy for both directions; the allow policies then open exactly:
 * - services: in 8080 only from api-gateway (the design's ingress); out 5432 to database, 443 to
 *   addresses outside the VPC, DNS to the cluster DNS only;
 * - api-gateway: in 8080 only from the VPC (the load balancer); out 8080 to services, 443 outside
 *   the VPC (mTLS to other regions' gateways), DNS to the cluster DNS;
 * - database: in 5432 only from services; out 5432 to the VPC and to the zone's other database
 *   regions (the managed databases: a shard's primary may be in another region of the zone), DNS.
 *
 * Departures from the design, on purpose: DNS goes to the cluster DNS pods (kube-system,
 * k8s-app=kube-dns), not `to: []`; 443 keeps "any destination" (`0.0.0.0/0`) because the services
 * call external APIs whose addresses are not known in advance, but excludes the VPC's own range, so
 * 443 inside the network is only what another rule allows.
 */
import type { KubernetesObject } from './manifest';
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
  /** The gateway's admin port (`/metrics`), open to the region's Prometheus agent in `monitoring` only. @default 9090 (config `alerts.metricsPort`) */
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
    // The region's Prometheus agent: finds the gateway pods by the metrics Service's DNS name, scrapes
    // their admin port and remote-writes to the central Prometheus (HTTPS, the receiver's port); takes no traffic.
    policy(monitoring, 'prometheus-agent-policy', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [ns(gateway)], ports: [{ protocol: 'TCP', port: metricsPort }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: options.remoteWritePort ?? WORKLOAD_PORTS.https }] },
        ...clusterDns,
      ],
    }),
  ];
}
