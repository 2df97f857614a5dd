import { Testing } from 'cdktf';
import { validateRegionsConfig } from '../../lib/config';
import {
  alertmanagerPlace,
  GATEWAY_POD_LABEL,
  MONITORING_POD_LABELS,
  MONITORING_PORTS,
  workloadNamespaces,
  workloadNetworkPolicies,
  type WorkloadNetworkPolicyOptions,
} from '../../lib/kubernetes';
import { buildPlatform } from '../../stacks';
import { fresh } from '../helpers/config-mutations';
import { PolicySet, selectorMatches, workloadsWith } from '../helpers/network-policy';

// Found in review once the VPC CNI enforced the policies: the monitoring namespace's only allow
// policy selected every pod (podSelector {}) and gave them the agent's egress, so the central
// Prometheus could take no remote write and send no alert to Alertmanager on 9093.
const VPC = '10.20.0.0/16';
const monitoring = (labels: Record<string, string>) => ({ namespace: 'monitoring', labels });
const agent = monitoring(MONITORING_POD_LABELS.agent);
const prometheus = monitoring(MONITORING_POD_LABELS.prometheus);
const alertmanager = monitoring(MONITORING_POD_LABELS.alertmanager);
const alertmanagerPeer = monitoring({ ...MONITORING_POD_LABELS.alertmanager, 'statefulset.kubernetes.io/pod-name': 'alertmanager-1' });
const grafana = monitoring(MONITORING_POD_LABELS.grafana);
const unlabelled = monitoring({});
const gateway = { namespace: 'api-gateway', labels: { ...GATEWAY_POD_LABEL } };
const loadBalancer = { ip: '10.20.200.10' };
const internet = { ip: '198.51.100.7' };
const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const roles = { agent, prometheus, alertmanager, grafana, unlabelled };

const policiesOf = (options: Partial<WorkloadNetworkPolicyOptions> = {}) =>
  workloadNetworkPolicies({ vpcCidr: VPC, metricsPort: 9191, remoteWritePort: 9443, ...options });
const setOf = (options: Partial<WorkloadNetworkPolicyOptions> = {}) => new PolicySet([...workloadNamespaces(), ...policiesOf(options)]);

describe('monitoring: each role its own pods and only the ports it needs', () => {
  const set = setOf();

  it("the agents' remote write reaches the central Prometheus's port: in the cluster from the agent pods, through the load balancer from the VPC", () => {
    expect(set.allows({ from: agent, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(true);
    expect(set.allows({ from: loadBalancer, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(true);
    // and by the receiver's public name (another region's agent, or this one through the load balancer)
    expect(set.allows({ from: agent, to: internet, port: 9443 })).toBe(true);
    expect(set.allows({ from: agent, to: internet, port: 443 })).toBe(false); // the receiver's port only
  });

  it('the central Prometheus takes nothing else: no other port, not from the internet, not from other pods', () => {
    expect(set.allows({ from: internet, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(false);
    expect(set.allows({ from: loadBalancer, to: prometheus, port: 9093 })).toBe(false);
    for (const from of [unlabelled, alertmanager, gateway, { namespace: 'services' }])
      expect(set.allows({ from, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(false);
  });

  it('Alertmanager gets alerts on 9093 from the central Prometheus only', () => {
    expect(set.allows({ from: prometheus, to: alertmanager, port: 9093 })).toBe(true);
    for (const [name, from] of Object.entries({ ...roles, gateway, loadBalancer }))
      if (name !== 'prometheus') expect([name, set.allows({ from, to: alertmanager, port: 9093 })]).toEqual([name, false]);
    // the only policy with an egress rule on 9093 is the central Prometheus's
    const egress9093 = policiesOf()
      .filter((p) => ((p.spec as any).egress ?? []).some((r: any) => r.ports.some((x: any) => x.port === 9093))) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(egress9093).toEqual(['monitoring/prometheus-policy']);
  });

  it('the Alertmanagers of an HA cluster gossip on 9094 (TCP and UDP) among themselves only, and reach their receivers on 443 outside the VPC', () => {
    for (const protocol of ['TCP', 'UDP'] as const) {
      expect(set.allows({ from: alertmanager, to: alertmanagerPeer, port: 9094, protocol })).toBe(true);
      expect(set.allows({ from: prometheus, to: alertmanager, port: 9094, protocol })).toBe(false);
    }
    expect(set.allows({ from: alertmanager, to: internet, port: 443 })).toBe(true);
    expect(set.allows({ from: alertmanager, to: { ip: '10.20.3.3' }, port: 443 })).toBe(false);
    expect(set.allows({ from: alertmanager, to: internet, port: 25 })).toBe(false);
    expect(set.allows({ from: alertmanager, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(false);
  });

  it('the central Prometheus reaches CloudWatch on 443 outside the VPC (YACE runs in its pod), and no other address or port', () => {
    expect(set.allows({ from: prometheus, to: { ip: '52.94.0.10' }, port: 443 })).toBe(true);
    expect(set.allows({ from: prometheus, to: internet, port: 9093 })).toBe(false);
    expect(set.allows({ from: prometheus, to: { ip: '10.20.3.3' }, port: 443 })).toBe(false);
    expect(set.allows({ from: prometheus, to: gateway, port: 9191 })).toBe(false); // the agents scrape, not it
  });

  it('the agent scrapes the gateway pods on the metrics port and nothing else of api-gateway; it takes no traffic', () => {
    expect(set.allows({ from: agent, to: gateway, port: 9191 })).toBe(true);
    expect(set.allows({ from: agent, to: gateway, port: 8080 })).toBe(false);
    expect(set.allows({ from: agent, to: { namespace: 'api-gateway', labels: { app: 'other' } }, port: 9191 })).toBe(false);
    expect(set.allows({ from: agent, to: { namespace: 'services' }, port: 8080 })).toBe(false);
    expect(set.allows({ from: agent, to: alertmanager, port: 9093 })).toBe(false);
    for (const from of [prometheus, grafana, loadBalancer]) expect(set.allows({ from, to: agent, port: 9090 })).toBe(false);
  });

  it('Grafana is reached from the VPC on 3000 and queries the central Prometheus only', () => {
    expect(set.allows({ from: { ip: '10.20.8.8' }, to: grafana, port: 3000 })).toBe(true);
    expect(set.allows({ from: internet, to: grafana, port: 3000 })).toBe(false);
    expect(set.allows({ from: grafana, to: prometheus, port: MONITORING_PORTS.prometheus })).toBe(true);
    expect(set.allows({ from: grafana, to: alertmanager, port: 9093 })).toBe(false);
    expect(set.allows({ from: grafana, to: internet, port: 443 })).toBe(false);
  });

  it('every role resolves names through the cluster DNS only; an unlabelled pod of monitoring gets default deny only', () => {
    for (const from of [agent, prometheus, alertmanager, grafana]) {
      expect(set.allows({ from, to: dns, port: 53, protocol: 'UDP' })).toBe(true);
      expect(set.allows({ from, to: { ip: '8.8.8.8' }, port: 53, protocol: 'UDP' })).toBe(false);
    }
    expect(set.allows({ from: unlabelled, to: dns, port: 53, protocol: 'UDP' })).toBe(false);
    expect(set.allows({ from: unlabelled, to: internet, port: 443 })).toBe(false);
    expect(set.allows({ from: loadBalancer, to: unlabelled, port: 9090 })).toBe(false);
  });

  it('selects each role by its own label: no allow policy of monitoring selects every pod, and each role pod exactly one', () => {
    const allow = policiesOf().filter((p) => p.metadata.namespace === 'monitoring' && p.metadata.name !== 'default-deny');
    expect(allow.map((p) => p.metadata.name)).toEqual([
      'prometheus-agent-policy',
      'prometheus-policy',
      'alertmanager-policy',
      'grafana-policy',
    ]);
    for (const p of allow) expect(Object.keys((p.spec as any).podSelector.matchLabels ?? {})).not.toHaveLength(0); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [name, pod] of Object.entries(roles)) {
      const selecting = allow.filter((p) => selectorMatches((p.spec as any).podSelector, pod.labels)); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect([name, selecting.length]).toEqual([name, name === 'unlabelled' ? 0 : 1]);
    }
    expect(policiesOf().find((p) => p.metadata.namespace === 'monitoring' && p.metadata.name === 'default-deny')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });
});

describe("the central Prometheus's Alertmanagers come from the config (alerts.alertmanagers)", () => {
  it('reads where each target is: this namespace, a Service of another, an address, a name outside the cluster', () => {
    expect(alertmanagerPlace('alertmanager:9093', 'monitoring')).toEqual({ namespace: 'monitoring', port: 9093 });
    expect(alertmanagerPlace('alertmanager.monitoring:9093', 'monitoring')).toEqual({ namespace: 'monitoring', port: 9093 });
    expect(alertmanagerPlace('alertmanager.monitoring.svc.cluster.local:9093', 'monitoring')).toEqual({
      namespace: 'monitoring',
      port: 9093,
    });
    expect(alertmanagerPlace('am.alerting.svc:9095', 'monitoring')).toEqual({ namespace: 'alerting', port: 9095 });
    expect(alertmanagerPlace('10.20.7.7:9093', 'monitoring')).toEqual({ cidr: '10.20.7.7/32', port: 9093 });
    expect(alertmanagerPlace('am-0.alerts.example.net:9093', 'monitoring')).toEqual({ cidr: '0.0.0.0/0', port: 9093 });
    for (const bad of ['alertmanager', 'alertmanager:0', 'alertmanager:65536', 'http://am:9093', ':9093', 'AM:9093'])
      expect([bad, alertmanagerPlace(bad, 'monitoring')]).toEqual([
        bad,
        { error: expect.stringMatching(/^must be host:port of an Alertmanager/) },
      ]);
  });

  it("opens each target's port to where it is, and Alertmanager's ingress only for the targets of this namespace", () => {
    const set = setOf({ alertmanagers: ['am-0.alerts.example.net:9093', '10.20.7.7:9095', 'am.alerting.svc:9093'] });
    expect(set.allows({ from: prometheus, to: internet, port: 9093 })).toBe(true);
    expect(set.allows({ from: prometheus, to: { ip: '10.20.7.7' }, port: 9095 })).toBe(true);
    expect(set.allows({ from: prometheus, to: { ip: '10.20.7.8' }, port: 9095 })).toBe(false);
    expect(set.allows({ from: prometheus, to: internet, port: 9095 })).toBe(false);
    expect(set.allows({ from: prometheus, to: { namespace: 'alerting' }, port: 9093 })).toBe(true);
    // no Alertmanager of this namespace is a target: its pods take no alert from Prometheus
    expect(set.allows({ from: prometheus, to: alertmanager, port: 9093 })).toBe(false);
    const am = policiesOf({ alertmanagers: ['am-0.alerts.example.net:9093'] }).find((p) => p.metadata.name === 'alertmanager-policy')!;
    expect((am.spec as any).ingress).toHaveLength(1); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(() => policiesOf({ alertmanagers: ['alertmanager:9093', 'http://am'] })).toThrow(
      'network policies: alertmanagers[1] "http://am" is not allowed; allowed: host:port of an Alertmanager',
    );
  });

  describe('ClusterWorkloads', () => {
    const make = (alertmanagers: unknown) => workloadsWith(VPC, { alertmanagers });

    it('passes the Alertmanagers on', () => {
      const workloads = make(['alertmanager:9095']);
      const set = new PolicySet([...workloads.namespaces, ...workloads.networkPolicies].map((m) => m.manifest));
      expect(set.allows({ from: prometheus, to: alertmanager, port: 9095 })).toBe(true);
      expect(set.allows({ from: prometheus, to: alertmanager, port: 9093 })).toBe(false);
    });

    it.each([
      ['alertmanager:9093', 'alertmanagers "alertmanager:9093" is not allowed; allowed: a list of host:port of an Alertmanager'],
      [['alertmanager:9093', 'http://am:9093'], 'alertmanagers[1] "http://am:9093" is not allowed; allowed: host:port of an Alertmanager'],
    ])('%j', (value, message) => {
      expect(() => make(value)).toThrow(`stack/X: ${message}`);
    });
  });

  it("the platform gives every cluster the config's Alertmanagers", () => {
    const config = fresh();
    config.alerts = { ...config.alerts, alertmanagers: ['am-0.alerts.example.net:9093', 'alertmanager:9095'] };
    const { workloads } = buildPlatform(Testing.app(), validateRegionsConfig(config), { compliance: false });
    const clusters = workloads.flatMap((w) => w.clusters);
    expect(clusters.length).toBeGreaterThan(1);
    for (const c of clusters) {
      const set = new PolicySet([...c.namespaces, ...c.networkPolicies].map((m) => m.manifest));
      expect([c.node.path, set.allows({ from: prometheus, to: internet, port: 9093 })]).toEqual([c.node.path, true]);
      expect([c.node.path, set.allows({ from: prometheus, to: alertmanager, port: 9095 })]).toEqual([c.node.path, true]);
      expect([c.node.path, set.allows({ from: prometheus, to: alertmanager, port: 9093 })]).toEqual([c.node.path, false]);
    }
  });
});
