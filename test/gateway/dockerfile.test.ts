/**
 * The gateway image as a container scanner reads it (checkov CKV_DOCKER_*, trivy DS*): pinned
 * bases, a non-root user, a HEALTHCHECK that probes the admin port the CMD opens. No container
 * runtime here, so the health check's command is run with node against a local server.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseGatewayFlags } from '../../gateway/cli';
import { LOAD_BALANCER_IDLE_TIMEOUT_SECONDS } from '../../lib/edge/region-ingress';
import { EDGE_CLIENT_ADDRESS_HEADER } from '../../runtime/origin-auth';
import { DEFAULT_ALERTS } from '../../lib/config/defaults';
import { GATEWAY_ADMIN_PORT, GATEWAY_TRAFFIC_PORT } from '../../lib/limits';
import { WORKLOAD_PORTS } from '../../lib/kubernetes/network-policies';

const run = promisify(execFile);
const dockerfile = readFileSync(join(__dirname, '..', '..', 'gateway', 'Dockerfile'), 'utf8');
/** Instructions with continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const finalStage = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
const argsOf = (keyword: string) => finalStage.filter((l) => l.startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());

describe('gateway/Dockerfile', () => {
  it('pins every base image to a version tag, never latest (CKV_DOCKER_7, DS001)', () => {
    const bases = instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) expect(image).toMatch(/^[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/);
  });

  it('runs as a non-root user in the final stage (CKV_DOCKER_3, CKV_DOCKER_8, DS002)', () => {
    const users = argsOf('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('names the final user by number, so that Kubernetes runAsNonRoot can verify it (Pod Security "restricted")', () => {
    const users = argsOf('USER');
    expect(users[users.length - 1]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('has a HEALTHCHECK on the admin port of the CMD (CKV_DOCKER_2, DS026)', () => {
    const [healthcheck] = argsOf('HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    expect(healthcheck).not.toMatch(/^NONE/);
    const probe = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[];
    const cmd = JSON.parse(argsOf('CMD')[0]) as string[];
    const adminPort = cmd[cmd.indexOf('--admin-port') + 1];
    expect(probe.slice(0, 2)).toEqual(['node', '-e']);
    expect(probe[2]).toContain(`http://127.0.0.1:${adminPort}/healthz`);
  });

  it("keeps client connections open longer than the load balancer's idle timeout (else the ALB reuses one the gateway is closing: 502)", () => {
    const cmd = JSON.parse(argsOf('CMD')[0]) as string[];
    const flag = (name: string) => Number(cmd[cmd.indexOf(name) + 1]);
    expect(cmd).toContain('--keep-alive-timeout-ms');
    expect(flag('--keep-alive-timeout-ms')).toBeGreaterThan(LOAD_BALANCER_IDLE_TIMEOUT_SECONDS * 1000);
    // and the idle sweep does not close a kept-alive connection before its keep-alive ends
    expect(flag('--client-idle-timeout-ms')).toBeGreaterThan(flag('--keep-alive-timeout-ms'));
    expect(() => parseGatewayFlags(cmd)).not.toThrow();
  });

  it("locates clients by the edge's client-address header from its load balancer (behind the edge the last X-Forwarded-For hop is Google's egress address)", () => {
    const cmd = JSON.parse(argsOf('CMD')[0]) as string[];
    const flags = parseGatewayFlags(cmd);
    expect(flags.clientAddressHeader).toBe(EDGE_CLIENT_ADDRESS_HEADER);
    expect(flags.trustedProxies.length).toBeGreaterThan(0);
  });

  it('serves the ports the synthesized artifacts target: traffic on GATEWAY_TRAFFIC_PORT, admin on GATEWAY_ADMIN_PORT (the only alerts.metricsPort the config takes)', () => {
    const cmd = JSON.parse(argsOf('CMD')[0]) as string[];
    const flags = parseGatewayFlags(cmd);
    expect([flags.port, flags.adminPort]).toEqual([GATEWAY_TRAFFIC_PORT, GATEWAY_ADMIN_PORT]);
    // The config's default (scrape configs, Service), the network policies' default and the load balancer's check read these.
    expect(DEFAULT_ALERTS.metricsPort).toBe(GATEWAY_ADMIN_PORT);
    expect(WORKLOAD_PORTS.metrics).toBe(GATEWAY_ADMIN_PORT);
    expect(argsOf('EXPOSE')[0].split(/\s+/).map(Number)).toEqual([GATEWAY_TRAFFIC_PORT, GATEWAY_ADMIN_PORT]);
  });

  describe('the health check command', () => {
    let server: Server;
    let port: number;
    let status = 200;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/healthz' ? status : 404;
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const probeOn = (p: number) => {
      const [healthcheck] = argsOf('HEALTHCHECK');
      const script = (JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[])[2];
      return run(process.execPath, ['-e', script.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${p}`)]).then(
        () => 0,
        (e: { code?: number }) => e.code ?? -1,
      );
    };

    it('exits 0 when /healthz answers 200, 1 when it answers an error or nothing listens', async () => {
      status = 200;
      expect(await probeOn(port)).toBe(0);
      status = 503;
      expect(await probeOn(port)).toBe(1);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await probeOn(closedPort)).toBe(1);
    });
  });
});
