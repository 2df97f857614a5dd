import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Service } from 'kubernetes-models/v1/Service';
import { gatewayMetricsService, workloadNetworkPolicies } from '../../lib/kubernetes';
import { DEPLOYMENT_PHASES, buildPlatform, deploymentOrder } from '../../stacks';
import { validConfig } from '../helpers/platform';

/* eslint-disable @typescript-eslint/no-explicit-any */
const work = mkdtempSync(join(tmpdir(), 'tslj-workloads-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
const stackJson = (name: string): any => JSON.parse(readFileSync(join(work, manifest.stacks[name].synthesizedStackPath), 'utf8'));
const objectsOf = (name: string): any[] => Object.values(stackJson(name).resource.kubernetes_manifest).map((r: any) => r.manifest);

beforeAll(() => {
  const app = new App({ outdir: work, stackTraces: false });
  buildPlatform(app, validConfig);
  app.synth();
  manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8'));
});

const computeRegions = (continent: string) =>
  validConfig.regions.filter((r) => r.continent === continent && r.services.includes('compute'));
const workloadStacks = ['apac-workloads', 'emea-workloads', 'na-workloads'];

describe('per-continent workload stacks', () => {
  it('exist for every continent with compute, each with one aliased Kubernetes provider per compute region', () => {
    for (const c of ['APAC', 'EMEA', 'NA']) {
      const tf = stackJson(`${c.toLowerCase()}-workloads`);
      expect(tf.provider.kubernetes.map((p: any) => p.alias).sort()).toEqual(
        computeRegions(c)
          .map((r) => r.id.replace(/-/g, '_'))
          .sort(),
      );
      expect(Object.keys(tf.provider)).toEqual(['kubernetes']);
    }
  });

  it('take the cluster endpoint, CA and name from the continent stack by cross-stack reference', () => {
    const p = stackJson('apac-workloads').provider.kubernetes.find((x: any) => x.alias === 'ap_east_1');
    expect(p.host).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-apac\.outputs\.cross-stack-output-aws_eks_cluster.*endpoint\}$/,
    );
    expect(p.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\.cross-stack-reference-input-apac\./);
    expect(p.exec[0].args).toEqual([
      'eks',
      'get-token',
      '--cluster-name',
      expect.stringContaining('terraform_remote_state'),
      '--region',
      'ap-east-1',
    ]);
  });

  it('leave the AWS continent stacks with the AWS provider only and no data sources (they still plan offline)', () => {
    for (const name of ['apac', 'emea', 'na']) {
      const tf = stackJson(name);
      expect(Object.keys(tf.provider)).toEqual(['aws']);
      expect(tf.data).toBeUndefined();
      expect(Object.keys(tf.output).some((k) => k.startsWith('cross-stack-output-aws_eks_cluster'))).toBe(true);
    }
  });

  it.each(workloadStacks)('%s: every manifest passes the Kubernetes API schema (kubernetes-models 4)', (name) => {
    const objects = objectsOf(name);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const model =
        o.kind === 'Namespace'
          ? new Namespace(o)
          : o.kind === 'NetworkPolicy'
            ? new NetworkPolicy(o)
            : o.kind === 'Service'
              ? new Service(o)
              : undefined;
      expect(model).toBeDefined();
      expect(() => model!.validate()).not.toThrow();
    }
  });

  it('the schema check can fail: a wrong port and policy type are rejected', () => {
    const bad = {
      ...workloadNetworkPolicies({ vpcCidr: '10.0.0.0/16' }).find((p) => p.metadata.name === 'global-security-policy')!,
    } as any;
    bad.spec = { ...bad.spec, policyTypes: ['Both'], ingress: [{ ports: [{ protocol: 'TCP', port: { number: 8080 } }] }] };
    expect(() => new NetworkPolicy(bad).validate()).toThrow(/policyTypes\/0 must be equal to one of the allowed values/);
  });

  it('every namespace starts from default deny, in both directions', () => {
    for (const name of workloadStacks) {
      const objects = objectsOf(name);
      const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
      expect(new Set(namespaces)).toEqual(new Set(['api-gateway', 'services', 'database', 'monitoring']));
      for (const ns of namespaces) {
        const deny = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === 'default-deny');
        expect(deny).toHaveLength(computeRegions(name.split('-')[0].toUpperCase()).length);
        for (const d of deny) expect(d.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      }
    }
  });

  it("the design's policy: services take 8080 only from api-gateway; out 5432 to database, 443 outside the VPC, DNS only to the cluster DNS", () => {
    const [policy] = workloadNetworkPolicies({ vpcCidr: '10.20.0.0/16' }).filter((p) => p.metadata.name === 'global-security-policy');
    const spec = policy.spec as any;
    expect(policy.metadata.namespace).toBe('services');
    expect(spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api-gateway' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(spec.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'database' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(spec.egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.20.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(spec.egress[2].to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ]);
    expect(spec.egress[2].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    // no rule is open to every destination in the design's `to: []` form (the agent's 443 names 0.0.0.0/0)
    for (const p of workloadNetworkPolicies({ vpcCidr: '10.20.0.0/16' }))
      for (const rule of [...(((p.spec as any).ingress as any[]) ?? []), ...(((p.spec as any).egress as any[]) ?? [])])
        expect((rule.to ?? rule.from ?? []).length).toBeGreaterThan(0);
  });
});

describe("each cluster's database clients reach every database of the residency zone", () => {
  // Found by QA: ZoneNetwork peers the zone and admits 5432 from every region's pods, but the
  // database-policy let pods reach their own VPC only: a secondary region could not write to the
  // shard's primary in another region.
  it.each(workloadStacks)('%s: 5432 out to the own VPC and to the VPC of each other storage region of the zone', (name) => {
    const resources = stackJson(name).resource.kubernetes_manifest as Record<string, any>;
    for (const r of computeRegions(name.replace('-workloads', '').toUpperCase())) {
      const [policy] = Object.entries(resources)
        .filter(([key]) => key.includes(r.id))
        .map(([, m]) => m.manifest)
        .filter((m) => m.metadata.name === 'database-policy');
      expect(policy).toBeDefined();
      const others = validConfig.regions
        .filter((o) => o.id !== r.id && o.residencyZone === r.residencyZone && o.services.includes('storage'))
        .map((o) => o.cidr);
      expect(policy.spec.egress[0]).toEqual({
        to: [r.cidr, ...others].map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ protocol: 'TCP', port: 5432 }],
      });
    }
    // The shipped NA zone has its primary in us-east-1: us-west-2's database clients reach it.
    if (name === 'na-workloads') {
      const west = Object.entries(resources).find(
        ([key, m]) => key.includes('us-west-2') && m.manifest.metadata.name === 'database-policy',
      );
      expect(west![1].manifest.spec.egress[0].to).toContainEqual({ ipBlock: { cidr: '10.30.0.0/16' } });
    }
  });
});

describe('monitoring in each cluster: the Prometheus agent scrapes the gateways on their admin port only', () => {
  const policies = workloadNetworkPolicies({ vpcCidr: '10.20.0.0/16', metricsPort: 9191, remoteWritePort: 9443 });
  const byName = (name: string) => policies.find((p) => p.metadata.name === name)!.spec as any;
  const from = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });
  it("the gateway takes its traffic port from the VPC, its admin port from the monitoring namespace and from the VPC (the load balancer's /readyz check; before: refused, so every target would have failed its check), nothing else", () => {
    expect(byName('gateway-policy').ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [from('monitoring')], ports: [{ protocol: 'TCP', port: 9191 }] },
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9191 }] },
    ]);
  });
  // The agent's pods only (it selected every pod of monitoring before), and the central Prometheus's
  // port in the cluster added; what each role may reach is judged in monitoring-policies.test.ts.
  it("the agent takes no traffic and reaches the gateway pods, the central Prometheus's pods, the receiver's port (remote write) and the cluster DNS only", () => {
    const agent = byName('prometheus-agent-policy');
    expect(agent.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'prometheus-agent' } });
    expect(agent.policyTypes).toEqual(['Egress']);
    expect(agent.ingress).toBeUndefined();
    expect(agent.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[9191], [9090], [9443], [53, 53]]);
    const byDefault = workloadNetworkPolicies({ vpcCidr: '10.20.0.0/16' }).find((p) => p.metadata.name === 'prometheus-agent-policy')!
      .spec as any;
    expect(byDefault.egress[2].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(agent.egress[0].to).toEqual([{ ...from('api-gateway'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }]);
  });
  it('a headless Service over the gateway pods (label app.kubernetes.io/name=gateway) on the metrics port, listing pods that are not Ready (a draining or failing gateway must still be scraped), in every cluster', () => {
    expect(gatewayMetricsService(9191)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway-metrics', namespace: 'api-gateway', labels: { 'app.kubernetes.io/managed-by': 'cdktf' } },
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: { 'app.kubernetes.io/name': 'gateway' },
        ports: [{ name: 'metrics', protocol: 'TCP', port: 9191, targetPort: 9191 }],
      },
    });
    for (const name of workloadStacks) {
      const services = objectsOf(name).filter((o) => o.kind === 'Service');
      expect(services).toHaveLength(computeRegions(name.split('-')[0].toUpperCase()).length);
      for (const svc of services) expect((svc.spec as any).ports[0].port).toBe(validConfig.alerts.metricsPort);
    }
  });
  it("the platform passes the config's metrics port to every cluster", () => {
    for (const name of workloadStacks) {
      const gw = objectsOf(name).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'gateway-policy');
      expect(gw.length).toBeGreaterThan(0);
      for (const p of gw) {
        expect((p.spec as any).ingress[1].ports).toEqual([{ protocol: 'TCP', port: validConfig.alerts.metricsPort }]);
        // the load balancer's health check reaches the same port (the target group's health_check.port)
        expect((p.spec as any).ingress[2].ports).toEqual([{ protocol: 'TCP', port: validConfig.alerts.metricsPort }]);
      }
    }
  });
});

describe('deployment phases as stack dependencies (cdktf.out/manifest.json)', () => {
  it('orders foundation+data (continent stacks), services (workloads), applications (global)', () => {
    expect(deploymentOrder(manifest.stacks)).toEqual([
      ['apac', 'emea', 'na'],
      ['apac-workloads', 'emea-workloads', 'na-workloads'],
      ['global'],
    ]);
    for (const c of ['apac', 'emea', 'na']) expect(manifest.stacks[`${c}-workloads`].dependencies).toEqual([c]);
    // global: after every workload stack (phase 4), and on the continent stacks themselves through
    // the edge's cross-stack references (load-balancer names, ACM validation records).
    expect([...manifest.stacks.global.dependencies].sort()).toEqual([...workloadStacks, 'apac', 'emea', 'na'].sort());
  });

  it('every design phase is mapped, with a reason', () => {
    expect(DEPLOYMENT_PHASES.map((p) => p.id)).toEqual([
      'phase_1_foundation',
      'phase_2_data',
      'phase_3_services',
      'phase_4_applications',
      'phase_5_optimization',
    ]);
    for (const p of DEPLOYMENT_PHASES) expect(p.note.length).toBeGreaterThan(20);
  });

  it('names a dependency cycle', () => {
    expect(() => deploymentOrder({ a: { dependencies: ['b'] }, b: { dependencies: ['a'] }, c: { dependencies: [] } })).toThrow(
      'stack dependencies have a cycle among: a, b',
    );
  });
});
