/**
 * The gateway's lifecycle (listen after or during shutdown, a listen that fails, a registry that
 * does not answer in time) and the props a JavaScript caller can get wrong.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Gateway, type GatewayProps } from '../../gateway/gateway';
import { EtcdRegistry } from '../../runtime/registry/etcd';
import { MemoryRegistry } from '../../runtime/registry/memory';
import type { ServiceRegistry, WatchHandle, WatchOptions } from '../../runtime/registry/types';
import { call, fastTable } from '../helpers/gateway';

const ORIGIN = 'http://127.0.0.1:9'; // never called: health checks are counted by a probe that answers itself
const table = fastTable({ intervalMs: 50, timeoutMs: 40 });
const statics = () => Object.fromEntries(table.regions.map((r) => [r.id, ORIGIN]));

function logger(lines: Array<Record<string, unknown>> = []) {
  return pino({ base: undefined }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
}

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.shutdown()));
});

/** A gateway whose active checks are counted (`probes()`), nothing started. */
function gateway(props: Partial<GatewayProps> = {}): { gw: Gateway; probes: () => number; lines: Array<Record<string, unknown>> } {
  let probes = 0;
  const lines: Array<Record<string, unknown>> = [];
  const gw = new Gateway({
    table,
    resolveUpstreams: statics,
    processMetrics: false,
    logger: logger(lines),
    probe: async () => {
      probes++;
      return 200;
    },
    ...props,
  });
  gateways.push(gw);
  return { gw, probes: () => probes, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, server };
}
const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/** A registry whose watch settles only when `release()` is called (an etcd that is down), ignoring any signal. */
function stalledRegistry(): ServiceRegistry & { release(): void; watchClosed: boolean; discovered: number; signal?: AbortSignal } {
  const memory = new MemoryRegistry();
  let release = () => undefined as void;
  const r = {
    watchClosed: false,
    discovered: 0,
    signal: undefined as AbortSignal | undefined,
    release: () => release(),
    register: memory.register.bind(memory),
    close: memory.close.bind(memory),
    discover: async (region: string, name: string) => {
      r.discovered++;
      return memory.discover(region, name);
    },
    watch: (_f: unknown, _l: unknown, options?: WatchOptions): Promise<WatchHandle> => {
      r.signal = options?.signal;
      return new Promise((resolve) => {
        release = () =>
          resolve({
            close: async () => {
              r.watchClosed = true;
            },
          });
      });
    },
  };
  return r;
}

describe('Gateway lifecycle', () => {
  it('listen after shutdown rejects "the gateway is shut down" and serves nothing; reload throws the same', async () => {
    const { gw } = gateway();
    await gw.shutdown();
    const { port, server } = await busyPort();
    await closeServer(server); // a free port
    await expect(gw.listen(port)).rejects.toThrow('gateway: listen: the gateway is shut down');
    expect(gw.server.listening).toBe(false);
    await expect(call(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    expect(() => gw.reload()).toThrow('gateway: reload: the gateway is shut down');
    await expect(gw.shutdown()).resolves.toBeUndefined();
  });

  it('listen twice rejects, and the first listen keeps serving', async () => {
    const { gw } = gateway({ activeHealthChecks: false });
    const { port } = await gw.listen(0);
    await expect(gw.listen(0)).rejects.toThrow('gateway: listen called twice');
    expect((await call(port, '/healthz')).status).toBe(200);
  });

  it('a listen that fails (port in use) stops the health checks it started; listen can then be called again', async () => {
    const { gw, probes } = gateway();
    const blocker = await busyPort();
    try {
      await expect(gw.listen(blocker.port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await closeServer(blocker.server);
    }
    const after = probes();
    await sleep(300); // six check intervals
    expect(probes()).toBe(after);
    const { port } = await gw.listen(0);
    expect((await call(port, '/healthz')).status).toBe(200);
    await sleep(200);
    expect(probes()).toBeGreaterThan(after); // checks run again with the listen that worked
  });

  it('a listen whose admin port is in use closes the main port it had opened', async () => {
    const blocker = await busyPort();
    const free = await busyPort();
    await closeServer(free.server);
    const { gw, probes } = gateway({ adminPort: blocker.port });
    try {
      await expect(gw.listen(free.port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await closeServer(blocker.server);
    }
    expect(gw.server.listening).toBe(false);
    await expect(call(free.port, '/v1/x')).rejects.toThrow(/ECONNREFUSED/);
    const after = probes();
    await sleep(200);
    expect(probes()).toBe(after);
  });

  it('a listen that fails stops following the registry: a later instance changes nothing', async () => {
    const registry = new MemoryRegistry();
    const blocker = await busyPort();
    const { gw, lines } = gateway({ registry, resolveUpstreams: undefined, activeHealthChecks: false });
    try {
      await expect(gw.listen(blocker.port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await closeServer(blocker.server);
    }
    await registry.register({ id: 'late', name: 'api', region: 'eu-west-1', address: '127.0.0.1', port: 9 }, { ttlSeconds: 60 });
    await sleep(50);
    expect(lines.filter((l) => l.event === 'registry' || l.event === 'upstreams')).toEqual([]);
    await registry.close();
  });

  it('a registry that answers after the start timed out and the gateway shut down opens no watch and changes nothing', async () => {
    const registry = stalledRegistry();
    const { gw, lines } = gateway({ registry, resolveUpstreams: undefined, registryStartTimeoutMs: 100 });
    await expect(gw.listen(0)).rejects.toThrow(/did not list the regions' instances within 100 ms/);
    expect(registry.signal?.aborted).toBe(true); // the pending start was given up
    await gw.shutdown();
    registry.release(); // etcd is back
    await sleep(50);
    expect(registry.watchClosed).toBe(true);
    expect(registry.discovered).toBe(0);
    expect(lines.filter((l) => l.event === 'registry' || l.event === 'upstreams')).toEqual([]);
  });

  it('an EtcdRegistry that cannot reach etcd leaves no retry behind once the start timed out', async () => {
    const dead = await busyPort();
    await closeServer(dead.server);
    const registry = new EtcdRegistry({ hosts: `http://127.0.0.1:${dead.port}`, retryDelayMs: 60_000, onError: () => undefined });
    let watching: Promise<WatchHandle> | undefined;
    const watch = registry.watch.bind(registry);
    registry.watch = (filter, listener, options) => (watching = watch(filter, listener, options));
    try {
      const { gw } = gateway({ registry, resolveUpstreams: undefined, registryStartTimeoutMs: 200 });
      await expect(gw.listen(0)).rejects.toThrow(/within 200 ms/);
      // The retry waits 60 s: settled this soon only because the failed listen gave it up.
      await expect(watching).rejects.toThrow('the registry watch was closed before it started');
    } finally {
      await registry.close();
    }
  });

  it('shutdown during a listen waiting for the registry: the listen rejects "the gateway is shut down", nothing is left running', async () => {
    const registry = stalledRegistry();
    const { gw, probes } = gateway({ registry, resolveUpstreams: undefined, registryStartTimeoutMs: 60_000 });
    const listening = gw.listen(0);
    await sleep(20);
    const stopped = gw.shutdown();
    // The stalled registry ignores the signal: released once the shutdown gave the start up.
    await sleep(20);
    expect(registry.signal?.aborted).toBe(true);
    registry.release();
    await expect(listening).rejects.toThrow('gateway: listen: the gateway is shut down');
    await stopped;
    expect(gw.server.listening).toBe(false);
    expect(registry.watchClosed).toBe(true);
    const after = probes();
    await sleep(200);
    expect(probes()).toBe(after);
  });
});

describe('Gateway props of the wrong type or range (JavaScript callers)', () => {
  const base = { table, resolveUpstreams: statics, logger: logger(), processMetrics: false };
  it.each([
    ['no props', undefined, TypeError, 'gateway props: undefined; allowed: an object'],
    ['adminPort "9090"', { ...base, adminPort: '9090' }, TypeError, 'gateway adminPort: "9090"; allowed: an integer 0-65535'],
    ['adminPort 70000', { ...base, adminPort: 70000 }, RangeError, 'gateway adminPort: 70000; allowed: an integer 0-65535'],
    ['adminPort -1', { ...base, adminPort: -1 }, RangeError, 'gateway adminPort: -1; allowed: an integer 0-65535'],
    ['adminPort 1.5', { ...base, adminPort: 1.5 }, RangeError, 'gateway adminPort: 1.5; allowed: an integer 0-65535'],
    ['adminPort null', { ...base, adminPort: null }, TypeError, 'gateway adminPort: null; allowed: an integer 0-65535'],
    [
      'trustedProxies a string',
      { ...base, trustedProxies: '10.0.0.0/8' },
      TypeError,
      'gateway trustedProxies: "10.0.0.0/8"; allowed: a list',
    ],
    [
      'limits.maxBodyBytes "1"',
      { ...base, limits: { maxBodyBytes: '1' } },
      TypeError,
      'gateway limits.maxBodyBytes: "1"; allowed: an integer > 0',
    ],
    [
      'upstream.connections "8"',
      { ...base, upstream: { connections: '8' } },
      TypeError,
      'upstream connections: "8"; allowed: an integer > 0',
    ],
    [
      'registryStartTimeoutMs -1',
      { ...base, registryStartTimeoutMs: -1 },
      RangeError,
      'gateway registryStartTimeoutMs: -1; allowed: an integer > 0',
    ],
    ['logger {}', { ...base, logger: {} }, TypeError, 'gateway logger: {}; allowed: a pino logger'],
    ['resolveUpstreams an object', { ...base, resolveUpstreams: statics() }, TypeError, 'gateway resolveUpstreams: {'],
    [
      'activeHealthChecks "no"',
      { ...base, activeHealthChecks: 'no' },
      TypeError,
      'gateway activeHealthChecks: "no"; allowed: true or false',
    ],
    ['registry "etcd"', { ...base, registry: 'etcd' }, TypeError, 'gateway registry: "etcd"; allowed: a ServiceRegistry'],
    [
      'resolveUpstreams returning null',
      { ...base, resolveUpstreams: () => null },
      Error,
      'resolveUpstreams(table): null; allowed: an object of region id → upstream origin URL',
    ],
    [
      'resolveUpstreams returning a bad URL',
      { ...base, resolveUpstreams: () => ({ ...statics(), 'eu-west-1': 'not a url' }) },
      Error,
      'resolveUpstreams(table)["eu-west-1"]: "not a url" is not a URL; allowed: an absolute http:// or https:// origin',
    ],
    [
      'resolveUpstreams returning a URL with a path',
      { ...base, resolveUpstreams: () => ({ ...statics(), 'eu-west-1': 'http://127.0.0.1:9/api' }) },
      Error,
      'resolveUpstreams(table)["eu-west-1"]: "http://127.0.0.1:9/api" is not an origin',
    ],
  ])('%s: refused at construction, named with its value', (_name, props, type, message) => {
    expect(() => new Gateway(props as never)).toThrow(type);
    expect(() => new Gateway(props as never)).toThrow(message);
  });

  it('listen: a port of the wrong type or range rejects before anything starts', async () => {
    const { gw, probes } = gateway();
    await expect(gw.listen('8080' as never)).rejects.toThrow('gateway listen port: "8080"; allowed: an integer 0-65535');
    await expect(gw.listen(70000)).rejects.toThrow(RangeError);
    await sleep(150);
    expect(probes()).toBe(0);
    expect(gw.server.listening).toBe(false);
  });

  it('a reload whose resolveUpstreams answer is not valid is rejected, naming it; the table keeps serving', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'gw-lifecycle-'));
    try {
      const file = join(dir, 'table.json');
      writeFileSync(file, JSON.stringify(table));
      let bad = false;
      const { gw } = gateway({
        tableFile: file,
        watchTable: false,
        resolveUpstreams: () => (bad ? { ...statics(), 'eu-west-1': 'ftp://x' } : statics()),
      });
      bad = true;
      const result = gw.reload();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0].message).toContain('resolveUpstreams(table)["eu-west-1"]: "ftp://x" has protocol ftp:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
