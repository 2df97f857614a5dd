/**
 * The edge's health checks end to end: what synth writes for the Cloudflare monitor, the ALB target
 * groups and the gateway pods' network policy, against the gateway image's flags and a gateway
 * serving the routing table the regions publish. Before, both checks probed /health on the traffic
 * port, which the gateway forwarded to an upstream app: they tested an app somewhere, not the pod.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import pino from 'pino';
import { parseGatewayFlags } from '../../gateway/cli';
import { Gateway } from '../../gateway/gateway';
import { parseRoutingTable, servingRegionIds, type RoutingTable } from '../../runtime/routing-table';
import { buildPlatform } from '../../stacks';
import { call } from '../helpers/gateway';
import { resourcesOf, validConfig } from '../helpers/platform';

/* eslint-disable @typescript-eslint/no-explicit-any */
const work = mkdtempSync(join(tmpdir(), 'tslj-health-'));
const stack = (name: string): any => JSON.parse(readFileSync(join(work, 'stacks', name, 'cdk.tf.json'), 'utf8'));
const continents = ['apac', 'emea', 'na'];

/** The gateway image's flags (gateway/Dockerfile's CMD). */
const imageFlags = (() => {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'gateway', 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const cmd = dockerfile.split('\n').filter((l) => l.startsWith('CMD '));
  return parseGatewayFlags(JSON.parse(cmd[cmd.length - 1].slice(4)) as string[]);
})();

beforeAll(() => {
  const app = new App({ outdir: work, stackTraces: false });
  buildPlatform(app, validConfig);
  app.synth();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The routing tables the regions publish for their gateways (RoutingTableObject). */
const publishedTables = (): RoutingTable[] =>
  continents.flatMap((c) =>
    resourcesOf(stack(c), 'aws_s3_object')
      .filter((o) => o.key === 'routing/routing-table.json')
      .map((o) => {
        const parsed = parseRoutingTable(JSON.parse(o.content));
        if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
        return parsed.table;
      }),
  );

describe("the edge's health checks reach the gateway pod, not an app behind it", () => {
  it('the Cloudflare monitor probes the path every published routing table names, which the gateway answers on its traffic port', () => {
    const [monitor] = resourcesOf(stack('global'), 'cloudflare_load_balancer_monitor');
    expect(monitor).toMatchObject({ path: validConfig.failover.healthCheck.path, port: 443, expected_codes: '200' });
    const tables = publishedTables();
    expect(tables).toHaveLength(10);
    for (const t of tables) expect(t.failover.healthCheck.path).toBe(monitor.path);
  });

  it("every ALB target group checks /readyz on the image's admin port, which the security groups and the pods' network policy admit", () => {
    expect(imageFlags.adminPort).toBe(validConfig.alerts.metricsPort);
    const port = imageFlags.adminPort!;
    for (const c of continents) {
      const tf = stack(c);
      const groups = resourcesOf(tf, 'aws_lb_target_group');
      expect(groups.length).toBeGreaterThan(0);
      for (const tg of groups) {
        expect(tg.port).toBe(imageFlags.port);
        expect(tg.health_check).toMatchObject({ port: String(port), path: '/readyz', matcher: '200' });
      }
      expect(resourcesOf(tf, 'aws_vpc_security_group_egress_rule').filter((r) => r.from_port === port)).toHaveLength(groups.length);
      expect(resourcesOf(tf, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === port)).toHaveLength(groups.length);
      const policies = resourcesOf(stack(`${c}-workloads`), 'kubernetes_manifest')
        .map((m) => m.manifest)
        .filter((m) => m.metadata.name === 'gateway-policy');
      expect(policies).toHaveLength(groups.length);
      for (const p of policies)
        expect(p.spec.ingress).toContainEqual({ from: [{ ipBlock: { cidr: expect.any(String) } }], ports: [{ protocol: 'TCP', port }] });
    }
  });

  describe('a gateway serving a published table, run as the image runs it (with an admin port)', () => {
    let upstream: Server;
    let seen: string[];
    let gateway: Gateway;
    let ports: { port: number; adminPort?: number };
    beforeAll(async () => {
      seen = [];
      upstream = createServer((req, res) => {
        seen.push(req.url ?? '');
        res.end('{"app":"ok"}');
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      gateway = new Gateway({
        table: publishedTables()[0],
        resolveUpstreams: (t) => Object.fromEntries(servingRegionIds(t).map((r) => [r, url])),
        activeHealthChecks: false,
        processMetrics: false,
        logger: pino({ level: 'silent' }),
        adminPort: 0, // any free port here; the image's is 9090
      });
      ports = await gateway.listen(0);
    });
    afterAll(async () => {
      await gateway.shutdown();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    });

    it("answers the monitor's path on the traffic port and the target group's on the admin port itself; no check reaches the app", async () => {
      const monitor = await call(ports.port, validConfig.failover.healthCheck.path, {
        headers: { host: 'eu-west-1.api.taishanglaojun.com' },
      });
      expect([monitor.status, JSON.parse(monitor.body)]).toEqual([200, { status: 'ready' }]);
      const target = await call(ports.adminPort!, '/readyz');
      expect([target.status, JSON.parse(target.body).status]).toEqual([200, 'ready']);
      expect(seen).toEqual([]);
      // the traffic port still forwards everything else
      expect((await call(ports.port, '/v1/chat')).status).toBe(200);
      expect(seen).toEqual(['/v1/chat']);
    });
  });
});
