import { GATEWAY_POD_LABEL, workloadNamespaces, workloadNetworkPolicies, type WorkloadNetworkPolicyOptions } from '../../lib/kubernetes';
import { PolicySet, workloadsWith } from '../helpers/network-policy';

// Found in review once the VPC CNI enforced the policies: the gateway's egress let it reach 443
// outside the VPC only, so it could reach neither etcd (2379, its service registry with `--etcd`)
// nor the region's HTTPS upstreams inside the VPC (`https://api.{region}.internal`).
const VPC = '10.20.0.0/16';
const gateway = { namespace: 'api-gateway', labels: { ...GATEWAY_POD_LABEL } };
const setOf = (options: Partial<WorkloadNetworkPolicyOptions> = {}) =>
  new PolicySet([...workloadNamespaces(), ...workloadNetworkPolicies({ vpcCidr: VPC, ...options })]);

describe("the gateway's egress: its registry and its upstreams, nothing wider than needed", () => {
  const set = setOf();

  it('reaches etcd on its client port 2379 in the VPC, and nowhere else on 2379', () => {
    expect(set.allows({ from: gateway, to: { ip: '10.20.5.17' }, port: 2379 })).toBe(true);
    expect(set.allows({ from: gateway, to: { ip: '203.0.113.10' }, port: 2379 })).toBe(false);
    expect(set.allows({ from: gateway, to: { ip: '10.30.5.17' }, port: 2379 })).toBe(false); // another region's VPC
    expect(set.allows({ from: gateway, to: { ip: '10.20.5.17' }, port: 2380 })).toBe(false); // etcd's peer port
    expect(set.egressAllowedBy({ from: gateway, to: { ip: '10.20.5.17' }, port: 2379 })).toEqual(['api-gateway/gateway-policy']);
  });

  it('reaches the upstreams in the VPC on 443, and the other regions on 443 outside it, as before', () => {
    expect(set.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 443 })).toBe(true);
    expect(set.allows({ from: gateway, to: { ip: '198.51.100.4' }, port: 443 })).toBe(true);
    expect(set.allows({ from: gateway, to: { namespace: 'services' }, port: 8080 })).toBe(true);
  });

  it('opens no other port into the VPC (the database, other services) and nothing but 443 outside it', () => {
    for (const port of [22, 80, 5432, 6379, 8443, 9093]) {
      expect(set.allows({ from: gateway, to: { ip: '10.20.9.9' }, port })).toBe(false);
      expect(set.allows({ from: gateway, to: { ip: '198.51.100.4' }, port })).toBe(false);
    }
    expect(set.allows({ from: gateway, to: { namespace: 'database' }, port: 5432 })).toBe(false);
  });

  it('keeps DNS to the cluster DNS only', () => {
    const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    expect(set.allows({ from: gateway, to: dns, port: 53, protocol: 'UDP' })).toBe(true);
    expect(set.allows({ from: gateway, to: dns, port: 53 })).toBe(true);
    expect(set.allows({ from: gateway, to: { ip: '8.8.8.8' }, port: 53, protocol: 'UDP' })).toBe(false);
    expect(set.allows({ from: gateway, to: { ip: '10.20.0.2' }, port: 53, protocol: 'UDP' })).toBe(false);
  });

  it('never names 0.0.0.0/0 with a port other than 443, and the namespace still starts from default deny', () => {
    const policies = workloadNetworkPolicies({ vpcCidr: VPC });
    const gw = policies.find((p) => p.metadata.name === 'gateway-policy')!.spec as { egress: { to: any[]; ports: any[] }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const rule of gw.egress)
      if (rule.to.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0')) expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(policies.find((p) => p.metadata.namespace === 'api-gateway' && p.metadata.name === 'default-deny')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('takes other upstream ports for the VPC only; an empty list opens none (never `ports: []`, which is every port)', () => {
    const custom = setOf({ upstreamPorts: [443, 8443] });
    expect(custom.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 8443 })).toBe(true);
    expect(custom.allows({ from: gateway, to: { ip: '198.51.100.4' }, port: 8443 })).toBe(false);
    const none = setOf({ upstreamPorts: [] });
    expect(none.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 443 })).toBe(false);
    expect(none.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 5432 })).toBe(false);
    expect(none.allows({ from: gateway, to: { ip: '10.20.5.17' }, port: 2379 })).toBe(true);
  });
});

describe('ClusterWorkloads passes the upstream ports on and refuses bad ones by name', () => {
  const make = (upstreamPorts: unknown) => workloadsWith(VPC, { upstreamPorts });

  it('opens the given ports to the VPC', () => {
    const workloads = make([8443]);
    const set = new PolicySet([...workloads.namespaces, ...workloads.networkPolicies].map((m) => m.manifest));
    expect(set.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 8443 })).toBe(true);
    expect(set.allows({ from: gateway, to: { ip: '10.20.9.9' }, port: 443 })).toBe(false);
  });

  it.each([
    ['443', 'upstreamPorts "443" is not allowed; allowed: a list of the ports'],
    [[443, 0], 'upstreamPorts[1] 0 is not allowed; allowed: an integer port 1..65535'],
    [[443, 8443.5], 'upstreamPorts[1] 8443.5 is not allowed; allowed: an integer port 1..65535'],
    [[443, 8443, 443], 'upstreamPorts[2] 443 is not allowed; allowed: each port once (also upstreamPorts[0])'],
  ])('%j', (value, message) => {
    expect(() => make(value)).toThrow(`stack/X: ${message}`);
  });
});
