import type { KubernetesObject } from '../../lib/kubernetes';
import { workloadNamespaces, workloadNetworkPolicies } from '../../lib/kubernetes';
import { PolicySet, selectorMatches } from '../helpers/network-policy';

// The evaluator the policy tests judge with: checked here against hand-written policies, so that
// a test saying "allowed" or "denied" is not the evaluator's own mistake.
const policy = (namespace: string, name: string, spec: Record<string, unknown>): KubernetesObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const namespace = (name: string, labels: Record<string, string> = {}): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

describe('the test NetworkPolicy evaluator', () => {
  const web = { namespace: 'a', labels: { app: 'web' } };
  const db = { namespace: 'b', labels: { app: 'db' } };

  it('leaves a pod no policy selects open, and isolates a selected pod in the policy types it names', () => {
    expect(new PolicySet([]).allows({ from: web, to: db, port: 5432 })).toBe(true);
    const denyIn = new PolicySet([policy('b', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(denyIn.allows({ from: web, to: db, port: 5432 })).toBe(false);
    expect(denyIn.allows({ from: db, to: web, port: 80 })).toBe(true); // egress of b not isolated
    // policyTypes left out: Ingress, and Egress only when there are egress rules (the API server's defaulting)
    expect(new PolicySet([policy('a', 'p', { podSelector: {} })]).allows({ from: web, to: db, port: 1 })).toBe(true);
    expect(new PolicySet([policy('a', 'p', { podSelector: {}, egress: [] })]).allows({ from: web, to: db, port: 1 })).toBe(true);
    expect(
      new PolicySet([policy('a', 'p', { podSelector: {}, egress: [{ ports: [{ port: 2 }] }] })]).allows({ from: web, to: db, port: 1 }),
    ).toBe(false);
  });

  it('needs both the sender’s egress and the receiver’s ingress; rules of several policies add up', () => {
    const set = new PolicySet([
      namespace('a'),
      namespace('b'),
      policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('b', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('a', 'out', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      }),
    ]);
    expect(set.egressAllows({ from: web, to: db, port: 5432 })).toBe(true);
    expect(set.allows({ from: web, to: db, port: 5432 })).toBe(false); // b takes nothing in
    const open = new PolicySet([
      ...[namespace('a'), namespace('b')],
      policy('b', 'in', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ]);
    expect(open.allows({ from: web, to: db, port: 5432 })).toBe(true);
    expect(open.allows({ from: { namespace: 'a', labels: { app: 'other' } }, to: db, port: 5432 })).toBe(false);
    expect(open.ingressAllowedBy({ from: web, to: db, port: 5432 })).toEqual(['b/in']);
  });

  it('reads a podSelector alone as the policy’s namespace, and a namespaceSelector by the namespace’s labels', () => {
    const set = new PolicySet([
      namespace('b', { team: 'data' }),
      policy('b', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ]);
    expect(set.allows({ from: web, to: db, port: 1 })).toBe(false);
    expect(set.allows({ from: { namespace: 'b', labels: { app: 'web' } }, to: db, port: 1 })).toBe(true);
    const byLabel = new PolicySet([
      namespace('a', { team: 'front' }),
      policy('b', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'front' } } }] }] }),
    ]);
    expect(byLabel.allows({ from: web, to: db, port: 1 })).toBe(true);
    expect(byLabel.allows({ from: { namespace: 'c' }, to: db, port: 1 })).toBe(false);
  });

  it('matches ipBlock by address, honours except, and never matches a pod given without an address', () => {
    const set = new PolicySet([
      policy('a', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] }],
      }),
    ]);
    expect(set.allows({ from: web, to: { ip: '203.0.113.7' }, port: 443 })).toBe(true);
    expect(set.allows({ from: web, to: { ip: '10.0.3.4' }, port: 443 })).toBe(false);
    expect(set.allows({ from: web, to: { ip: '10.1.3.4' }, port: 443 })).toBe(true);
    expect(set.allows({ from: web, to: { ip: '203.0.113.7' }, port: 2379 })).toBe(false);
    expect(set.allows({ from: web, to: { namespace: 'x' }, port: 443 })).toBe(false);
    expect(set.allows({ from: web, to: { namespace: 'x', ip: '203.0.113.7' }, port: 443 })).toBe(true);
  });

  it('matches protocol (TCP by default), port ranges, and refuses named ports', () => {
    const set = new PolicySet([
      policy('a', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { protocol: 'UDP', port: 53 },
              { port: 8000, endPort: 8010 },
            ],
          },
        ],
      }),
    ]);
    expect(set.allows({ from: web, to: { ip: '1.1.1.1' }, port: 53, protocol: 'UDP' })).toBe(true);
    expect(set.allows({ from: web, to: { ip: '1.1.1.1' }, port: 53 })).toBe(false);
    expect(set.allows({ from: web, to: { ip: '1.1.1.1' }, port: 8005 })).toBe(true);
    expect(set.allows({ from: web, to: { ip: '1.1.1.1' }, port: 8011 })).toBe(false);
    const named = new PolicySet([policy('a', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })]);
    expect(() => named.allows({ from: web, to: { ip: '1.1.1.1' }, port: 80 })).toThrow('named port "http" is not supported');
  });

  it('knows the selector operators', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels)).toBe(false);
    expect(() => selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Gt' }] }, labels)).toThrow('operator "Gt" is not known');
  });

  it('agrees with the design on the shipped policies it already got right', () => {
    const set = new PolicySet([...workloadNamespaces(), ...workloadNetworkPolicies({ vpcCidr: '10.20.0.0/16' })]);
    const gateway = { namespace: 'api-gateway', labels: { 'app.kubernetes.io/name': 'gateway' } };
    const service = { namespace: 'services' };
    const pooler = { namespace: 'database' };
    expect(set.allows({ from: gateway, to: service, port: 8080 })).toBe(true);
    expect(set.allows({ from: service, to: pooler, port: 5432 })).toBe(true);
    expect(set.allows({ from: gateway, to: pooler, port: 5432 })).toBe(false);
    expect(set.allows({ from: { ip: '10.20.1.9' }, to: gateway, port: 8080 })).toBe(true); // the load balancer
    expect(set.allows({ from: { ip: '203.0.113.9' }, to: gateway, port: 8080 })).toBe(false);
    expect(
      set.allows({ from: service, to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' }),
    ).toBe(true);
  });
});
