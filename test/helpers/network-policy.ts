/**
 * A small NetworkPolicy evaluator for the tests: would a set of policies let one endpoint open a
 * connection to another on a port? It follows the Kubernetes semantics the workload policies use —
 * a pod selected by no policy of a direction is open in that direction; a pod selected by one is
 * isolated and allowed only what some selecting policy's rule allows (rules add up, never
 * subtract); a connection needs the sender's egress and the receiver's ingress both. Peers:
 * `ipBlock` (with `except`) matches an address, `namespaceSelector` / `podSelector` match pods
 * (both: AND; a `podSelector` alone: the policy's namespace). Named ports are refused (the
 * platform's policies use numbers); an address outside the cluster has no policy of its own.
 */
import { TerraformStack, Testing } from 'cdktf';
import { ClusterWorkloads, type ClusterWorkloadsProps, type KubernetesObject } from '../../lib/kubernetes';
import type { IRegionCluster } from '../../lib/region';
import { parseCidr } from '../../lib/private/cidr';

/** A pod: its namespace, its labels and, if the test cares, its address (pods have VPC addresses under the VPC CNI). */
export interface PodEndpoint {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ip?: string;
}
/** Something outside the cluster, known by its IPv4 address only. */
export interface AddressEndpoint {
  readonly ip: string;
}
export type Endpoint = PodEndpoint | AddressEndpoint;

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type Peer = { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: Selector; podSelector?: Selector };
type Port = { protocol?: string; port?: number | string; endPort?: number };
type Rule = { to?: Peer[]; from?: Peer[]; ports?: Port[] };
type Spec = { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };

const isPod = (e: Endpoint): e is PodEndpoint => 'namespace' in e;

function ipv4(text: string): number {
  const cidr = parseCidr(`${text}/32`);
  if ('error' in cidr) throw new Error(`network-policy evaluator: "${text}" is not an IPv4 address (${cidr.error})`);
  return cidr.base;
}

function inCidr(ip: string, text: string): boolean {
  const cidr = parseCidr(text);
  if ('error' in cidr) throw new Error(`network-policy evaluator: ipBlock "${text}" ${cidr.error}`);
  const size = 2 ** (32 - cidr.prefix);
  const address = ipv4(ip);
  return address >= cidr.base && address < cidr.base + size;
}

/** Does a label selector match these labels? `{}` matches everything. */
export function selectorMatches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(labels[e.key])
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(labels[e.key])
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : (() => {
                  throw new Error(`network-policy evaluator: selector operator "${e.operator}" is not known`);
                })();
    if (!ok) return false;
  }
  return true;
}

/** The set of policies and namespaces to judge connections against (namespace labels come from the Namespace objects). */
export class PolicySet {
  readonly #policies: { namespace: string; name: string; spec: Spec }[];
  readonly #namespaceLabels = new Map<string, Record<string, string>>();

  constructor(objects: readonly KubernetesObject[]) {
    for (const o of objects) if (o.kind === 'Namespace') this.#namespaceLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });
    this.#policies = objects
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => {
        if (o.metadata.namespace === undefined) throw new Error(`network-policy evaluator: policy "${o.metadata.name}" has no namespace`);
        return { namespace: o.metadata.namespace, name: o.metadata.name, spec: o.spec as Spec };
      });
  }

  /** True when the sender may send and the receiver may receive this connection. */
  allows(c: Connection): boolean {
    return this.egressAllows(c) && this.ingressAllows(c);
  }

  /** The names (`namespace/name`) of the policies with a rule that lets `from` send this connection (empty: denied, or not isolated). */
  egressAllowedBy(c: Connection): string[] {
    return isPod(c.from) ? this.#allowedBy('Egress', c.from, c.to, c) : [];
  }

  /** The names (`namespace/name`) of the policies with a rule that lets `to` receive this connection. */
  ingressAllowedBy(c: Connection): string[] {
    return isPod(c.to) ? this.#allowedBy('Ingress', c.to, c.from, c) : [];
  }

  egressAllows(c: Connection): boolean {
    if (!isPod(c.from) || this.#selecting('Egress', c.from).length === 0) return true;
    return this.egressAllowedBy(c).length > 0;
  }

  ingressAllows(c: Connection): boolean {
    if (!isPod(c.to) || this.#selecting('Ingress', c.to).length === 0) return true;
    return this.ingressAllowedBy(c).length > 0;
  }

  #types(spec: Spec): string[] {
    // The API server's defaulting: no types means Ingress, plus Egress when there are egress rules.
    if (spec.policyTypes !== undefined && spec.policyTypes.length > 0) return spec.policyTypes;
    return ['Ingress', ...((spec.egress ?? []).length > 0 ? ['Egress'] : [])];
  }

  #selecting(direction: 'Ingress' | 'Egress', pod: PodEndpoint) {
    return this.#policies.filter(
      (p) =>
        p.namespace === pod.namespace && this.#types(p.spec).includes(direction) && selectorMatches(p.spec.podSelector, pod.labels ?? {}),
    );
  }

  #allowedBy(direction: 'Ingress' | 'Egress', pod: PodEndpoint, peer: Endpoint, c: Connection): string[] {
    return this.#selecting(direction, pod)
      .filter((p) =>
        ((direction === 'Egress' ? p.spec.egress : p.spec.ingress) ?? []).some((rule) => {
          const peers = direction === 'Egress' ? rule.to : rule.from;
          return (
            this.#portMatches(rule.ports, c) &&
            (peers === undefined || peers.length === 0 || peers.some((x) => this.#peerMatches(x, p.namespace, peer)))
          );
        }),
      )
      .map((p) => `${p.namespace}/${p.name}`);
  }

  #portMatches(ports: Port[] | undefined, c: Connection): boolean {
    if (ports === undefined || ports.length === 0) return true;
    return ports.some((p) => {
      if (typeof p.port === 'string') throw new Error(`network-policy evaluator: named port "${p.port}" is not supported`);
      if ((p.protocol ?? 'TCP') !== (c.protocol ?? 'TCP')) return false;
      if (p.port === undefined) return true;
      return p.endPort === undefined ? c.port === p.port : c.port >= p.port && c.port <= p.endPort;
    });
  }

  #peerMatches(peer: Peer, policyNamespace: string, e: Endpoint): boolean {
    if (peer.ipBlock !== undefined) {
      if (e.ip === undefined) return false;
      const { cidr, except = [] } = peer.ipBlock;
      return inCidr(e.ip, cidr) && !except.some((x) => inCidr(e.ip!, x));
    }
    if (!isPod(e)) return false;
    const namespaceOk =
      peer.namespaceSelector === undefined
        ? e.namespace === policyNamespace
        : selectorMatches(peer.namespaceSelector, {
            ...(this.#namespaceLabels.get(e.namespace) ?? {}),
            'kubernetes.io/metadata.name': e.namespace,
          });
    return namespaceOk && (peer.podSelector === undefined || selectorMatches(peer.podSelector, e.labels ?? {}));
  }
}

/** A cluster as ClusterWorkloads reads it (no Terraform behind it). */
export const FAKE_CLUSTER: IRegionCluster = {
  clusterName: 'c',
  clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/c',
  clusterEndpoint: 'https://example.eks.amazonaws.com',
  clusterCertificateAuthorityData: 'Y2E=',
  oidcIssuerUrl: 'https://oidc.example',
  clusterSecurityGroupId: 'sg-1',
  kubernetesVersion: '1.35',
};

/** ClusterWorkloads of eu-west-1 on {@link FAKE_CLUSTER} in a fresh stack, with `props` added (a JavaScript caller's values too). */
export function workloadsWith(vpcCidr: string, props: Record<string, unknown>): ClusterWorkloads {
  return new ClusterWorkloads(new TerraformStack(Testing.app(), 'stack'), 'X', {
    regionId: 'eu-west-1',
    vpcCidr,
    cluster: FAKE_CLUSTER,
    ...props,
  } as ClusterWorkloadsProps);
}
