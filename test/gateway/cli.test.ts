/** `taishanglaojun gateway` flags: each bad value is a usage error naming the flag, the value and what is allowed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { gatewayFromFlags, parseGatewayFlags, repeatLimiter, UsageError, withLimitFlags } from '../../gateway/cli';
import { Gateway, MAX_REGISTRY_INSTANCES } from '../../gateway/gateway';
import { MemoryRegistry } from '../../runtime/registry/memory';
import type { ServiceRegistry } from '../../runtime/registry/types';
import { UpstreamConfigError, upstreamEnvName } from '../../gateway/upstreams';
import { eventually, tableOf } from '../helpers/gateway';

test.each([
  ['garbage', /--trusted-proxy: "garbage" is not allowed: "garbage" is not an IP address; allowed: an IPv4\/IPv6 address or CIDR/],
  ['10.0.0.0/33', /--trusted-proxy: "10.0.0.0\/33" is not allowed/],
  ['10.0.0.0/8,::1/129', /--trusted-proxy: "::1\/129" is not allowed/],
  [
    'fe80::1%eth0',
    /^--trusted-proxy: "fe80::1%eth0" is not allowed: a zone id .*; allowed: an IPv4\/IPv6 address or CIDR .*without a zone id/,
  ],
])('--trusted-proxy %s', (value, message) => {
  let error: unknown;
  try {
    parseGatewayFlags(['--trusted-proxy', value]);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(message);
});

test('a trusted-proxy range that is too wide says why and the widest allowed (before: only "an IPv4/IPv6 address or CIDR", which it is)', () => {
  for (const [value, why] of [
    ['0.0.0.0/0', 'a /0 range trusts every peer'],
    ['10.0.0.0/7', 'a /7 range trusts a slice of the internet'],
  ])
    expect(() => parseGatewayFlags(['--trusted-proxy', value])).toThrow(
      new RegExp(
        `^--trusted-proxy: "${value.replace(/[./]/g, '\\$&')}" is not allowed: ${why}, .*allowed: .*\\(IPv4 /8 or narrower, IPv6 /16 or narrower\\)`,
      ),
    );
});

test('--client-idle-timeout-ms says its real lower bound (above the upstream timeouts) up front (before: 1000 allowed, then refused)', () => {
  expect(() => parseGatewayFlags(['--client-idle-timeout-ms', '1000'])).toThrow(
    /^--client-idle-timeout-ms: "1000" is not allowed; allowed: an integer 34001\.\.3600000/,
  );
  expect(parseGatewayFlags(['--client-idle-timeout-ms', '34001']).limits.clientIdleTimeoutMs).toBe(34001);
});

test('a bad upstream template is one problem without its credentials; a variable a flag overrides is still checked', () => {
  const fixture = join(__dirname, '..', 'fixtures', 'routing-table.json');
  const build = (flags: string[], env: NodeJS.ProcessEnv) => () => gatewayFromFlags(parseGatewayFlags(['--table', fixture, ...flags]), env);
  // found by review: a template without {region} printed its credentials, and a second problem for every region
  expect(build(['--upstream-template', 'http://user:secret@x/?token=t'], {})).toThrow(
    /^upstreams are not valid \(1 problem\):\n {2}- upstream template: "http:\/\/<credentials>@x\/\?<query>" has no \{region\} placeholder/,
  );
  expect(build([], { TAISHANGLAOJUN_UPSTREAM_TEMPLATE: 'https://u:secret@gw.internal' })).toThrow(
    /- TAISHANGLAOJUN_UPSTREAM_TEMPLATE: "https:\/\/<credentials>@gw\.internal" has no \{region\} placeholder/,
  );
  expect(build(['--upstream-template', 'http://user:secret@{region}.x/p'], {})).toThrow(
    /^upstreams are not valid \(1 problem\):\n {2}- upstream template \(for ap-east-1 and the others it fills\): "http:\/\/<credentials>@ap-east-1\.x\/p" is not an origin/,
  );
  expect(
    build(['--upstream-template', 'http://{region}.x', '--upstream', 'eu-west-1=http://127.0.0.1:1', '--no-health-checks'], {
      TAISHANGLAOJUN_UPSTREAM_EU_WEST_1: 'garbage',
    }),
  ).toThrow(/TAISHANGLAOJUN_UPSTREAM_EU_WEST_1: "garbage" is not a URL/);
});

test('a port another process listens on is named by its flag', async () => {
  const { createServer } = await import('node:net');
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const port = (taken.address() as { port: number }).port;
  try {
    const r = runGatewayCommand(
      ['--upstream-template', 'http://{region}.internal:1', '--no-health-checks', '--port', String(port)],
      30_000,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `cannot start: --port ${port} \\(--host 127\\.0\\.0\\.1\\): listen EADDRINUSE.*; allowed: a port no other process listens on, or 0 for any free port`,
      ),
    );
  } finally {
    taken.close();
  }
});

test('good trusted proxies, comma-separated and repeated', () => {
  expect(parseGatewayFlags(['--trusted-proxy', '10.0.0.0/8, 192.168.1.1', '--trusted-proxy', '2001:db8::/32']).trustedProxies).toEqual([
    '10.0.0.0/8',
    '192.168.1.1',
    '2001:db8::/32',
  ]);
});

test('an unknown flag is named with every allowed flag, in the one unknown-name wording', () => {
  expect(() => parseGatewayFlags(['--portt', '1'])).toThrow(
    /^unknown flag "--portt"; allowed: --[a-z-]+(, --[a-z-]+)*, --no-health-checks, --log-client-address$/,
  );
});

test.each([
  [
    ['--log-client-address=false'],
    /^--log-client-address: takes no value \(given "false"\); allowed: --log-client-address alone, or leave it out$/,
  ],
  [['--no-health-checks=false'], /^--no-health-checks: takes no value \(given "false"\)/],
  [['--port', '8080', '--port', '0'], /^--port: given twice; allowed: once$/],
  [['--table', 'a.json', '--table=b.json'], /^--table: given twice; allowed: once$/],
  [['--registry-service', ''], /^--registry-service: an empty value is not allowed$/],
  [['--trusted-proxy', ' '], /^--trusted-proxy: an empty value is not allowed$/],
  [['--etcd', 'notaurl'], /^--etcd: "notaurl" is not allowed; allowed: etcd client URLs such as http:\/\/127.0.0.1:2379/],
  [['--etcd', 'http://127.0.0.1:2379,ftp://x:1'], /^--etcd: "ftp:\/\/x:1" is not allowed/],
  [['--etcd', 'http://127.0.0.1:2379/v3/kv'], /^--etcd: "http:\/\/127.0.0.1:2379\/v3\/kv" is not allowed/],
  [['--etcd', 'http://etcd.local'], /^--etcd: "http:\/\/etcd.local" is not allowed/],
  [['--etcd', 'http://user:pw@127.0.0.1:2379'], /^--etcd: "http:\/\/user:pw@127.0.0.1:2379" is not allowed/],
  [
    ['--upstream', 'eu-west-1=http://127.0.0.1:1', '--upstream', 'eu-west-1=http://127.0.0.1:2'],
    /^--upstream: region "eu-west-1" is given twice; allowed: one --upstream REGION=URL per region$/,
  ],
  [['--etcd', 'http://127.0.0.1:2379,'], /^--etcd: "" is not allowed/],
  [['--registry-service', 'a/b'], /^--registry-service: "a\/b"; allowed: non-empty, at most 128 characters/],
  [['--host', '999.1.1.1'], /^--host: "999.1.1.1" is not allowed; allowed: an IP address to listen on/],
  [['--host', 'bad host'], /^--host: "bad host" is not allowed/],
  [['--port', '9400', '--admin-port', '9400'], /^--admin-port: 9400 is not allowed; allowed: a port other than --port \(9400\)/],
])(
  '%j is a usage error (before: a switch with =false was turned on, a repeat won silently, an empty value or a bad etcd URL passed)',
  (argv, message) => {
    expect(() => parseGatewayFlags(argv)).toThrow(UsageError);
    expect(() => parseGatewayFlags(argv)).toThrow(message);
  },
);

test('--etcd URLs are kept as the URL parser reads them (an upper-case scheme never connected)', () => {
  expect(parseGatewayFlags(['--etcd', 'HTTP://127.0.0.1:2379/, https://Etcd.Internal:2379']).etcd).toEqual([
    'http://127.0.0.1:2379',
    'https://etcd.internal:2379',
  ]);
});

test('a binary --upstreams file is described, not echoed (before: its bytes reached the terminal)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-upstreams-bin-'));
  try {
    const binary = join(dir, 'upstreams.json');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x1b, 0x5b]));
    expect(() => parseGatewayFlags(['--upstreams', binary])).toThrow(
      /^--upstreams: cannot read ".*upstreams\.json" as JSON \(the file holds binary data, not UTF-8 JSON text\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--upstreams is read with a bound, a BOM is dropped and a region given twice is refused (before: /dev/zero read until the process died)', () => {
  expect(() => parseGatewayFlags(['--upstreams', '/dev/zero'])).toThrow(
    /^--upstreams: cannot read "\/dev\/zero" as JSON \(more than 1048576 bytes\)/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'gw-upstreams-'));
  try {
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, '{"eu-west-1": "http://127.0.0.1:1", "eu-west-1": "http://127.0.0.1:2"}');
    expect(() => parseGatewayFlags(['--upstreams', twice])).toThrow(
      /eu-west-1"?\]? appears 2 times in the same object; allowed: each region once/,
    );
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"eu-west-1": "http://127.0.0.1:1"}')]));
    expect(parseGatewayFlags(['--upstreams', bom]).upstreams).toEqual({ 'eu-west-1': 'http://127.0.0.1:1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the switches alone, repeatable flags repeated, etcd URLs comma-separated', () => {
  const flags = parseGatewayFlags([
    '--log-client-address',
    '--no-health-checks',
    '--upstream',
    'eu-west-1=http://127.0.0.1:1',
    '--upstream',
    'eu-west-2=http://127.0.0.1:2',
    '--etcd',
    'http://127.0.0.1:2379, https://etcd.internal:2379',
  ]);
  expect(flags.logClientAddress).toBe(true);
  expect(flags.healthChecks).toBe(false);
  expect(flags.upstreams).toEqual({ 'eu-west-1': 'http://127.0.0.1:1', 'eu-west-2': 'http://127.0.0.1:2' });
  expect(flags.etcd).toEqual(['http://127.0.0.1:2379', 'https://etcd.internal:2379']);
});

test('a registry that does not answer: listen fails with a message naming the registry within the start timeout (before: a silent hang)', async () => {
  // What an unreachable etcd looks like to the gateway: calls that never settle (etcd3 retries
  // without end). A stand-in registry, so no client keeps retrying after the test.
  const never = () => new Promise<never>(() => undefined);
  const registry: ServiceRegistry = { register: never, discover: never, watch: never, close: async () => undefined };
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
  const gateway = new Gateway({ table: tableOf(['eu-west-1']), registry, registryStartTimeoutMs: 300, activeHealthChecks: false, logger });
  try {
    const started = Date.now();
    await expect(gateway.listen(0)).rejects.toThrow(/the service registry did not list the regions' instances within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await gateway.shutdown();
  }
});

test('--host takes IP addresses and host names, a fully-qualified one with its trailing dot too (dropped: the resolver knows "localhost", not "localhost.")', () => {
  for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'gw.internal.example.com'])
    expect(parseGatewayFlags(['--host', host]).host).toBe(host);
  expect(parseGatewayFlags(['--host', 'localhost.']).host).toBe('localhost');
  expect(parseGatewayFlags(['--host', 'gw.internal.example.com.']).host).toBe('gw.internal.example.com');
});

test('registry errors: each message at most once a minute, alternating ones too; etcd back makes them news again', () => {
  const log = repeatLimiter(60_000);
  const unavailable = 'watch /services/: 14 UNAVAILABLE: No connection established';
  const ended = 'watch /services/: The etcd watch stream was unexpectedly ended';
  // Two errors alternating three times a second while etcd is down (before: every one logged).
  const down = Array.from({ length: 60 }, (_, i) => log(i % 2 === 0 ? unavailable : ended, i * 333));
  expect(down.filter(Boolean)).toHaveLength(2);
  expect(log(unavailable, 61_000)).toBe(true); // a minute later, once more
  // etcd back (logged apart, at info) and lost again within the minute: the loss is logged.
  log.reset();
  expect(log(unavailable, 62_000)).toBe(true);
  expect(log(unavailable, 63_000)).toBe(false);
});

/** Runs `taishanglaojun gateway --table <fixture> ...args` to its end. */
function runGatewayCommand(args: readonly string[], timeoutMs: number) {
  const bin = join(__dirname, '..', '..', 'bin', 'taishanglaojun.js');
  const table = join(__dirname, '..', 'fixtures', 'routing-table.json');
  return spawnSync(process.execPath, [bin, 'gateway', '--table', table, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

test('a limit error names the flags the operator typed (before: only limits.<field>)', () => {
  expect(withLimitFlags('gateway limits.headersTimeoutMs: 10000; allowed: at most limits.requestTimeoutMs (1000)')).toBe(
    'gateway --headers-timeout-ms (limits.headersTimeoutMs): 10000; allowed: at most --request-timeout-ms (limits.requestTimeoutMs) (1000)',
  );
  const r = runGatewayCommand(['--upstream-template', 'http://{region}.internal:1', '--request-timeout-ms', '1000'], 30_000);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--headers-timeout-ms (limits.headersTimeoutMs): 10000; allowed: at most --request-timeout-ms');
});

test('registry mode names at start the regions the registry lists no instance for (a misspelt service looked like a healthy start)', async () => {
  const registry = new MemoryRegistry();
  const handle = await registry.register({ id: 'a', name: 'api', region: 'eu-west-1', address: '127.0.0.1', port: 1 }, { ttlSeconds: 60 });
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  for (const [service, empty] of [
    ['api', ['eu-west-2']],
    ['nothere', ['eu-west-1', 'eu-west-2']],
  ] as const) {
    lines.length = 0;
    const gateway = new Gateway({
      table: tableOf(['eu-west-1', 'eu-west-2']),
      registry,
      registryService: service,
      activeHealthChecks: false,
      registryEmptyHoldMs: 300,
      logger,
    });
    try {
      await gateway.listen(0);
      const warned = lines.filter((l) => l.event === 'no-instances');
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ service, regions: empty });
      expect(warned[0].msg).toBe(
        `the service registry lists no instance of service "${service}" in ${empty.join(', ')}: no traffic goes there until one registers`,
      );
      if (service === 'api') {
        // Later, the region's last instance goes: a warning that it is held, then (the hold over) a
        // warning that it has none, not an info line.
        lines.length = 0;
        await handle.deregister();
        await eventually('the no-instances warning', () => (lines.some((l) => l.event === 'no-instances') ? true : undefined), 3000);
        expect(lines.find((l) => l.event === 'registry-empty')).toMatchObject({ level: 40, region: 'eu-west-1', holdMs: 300 });
        expect(lines.find((l) => l.event === 'no-instances')).toMatchObject({ level: 40, service: 'api', regions: ['eu-west-1'] });
        expect(lines.findIndex((l) => l.event === 'registry-empty')).toBeLessThan(lines.findIndex((l) => l.event === 'no-instances'));
      }
    } finally {
      await gateway.shutdown();
    }
  }
  await registry.close();
});

test('the command with an etcd that does not answer: exit 1 with the reason after the 10 s start timeout (before: a silent hang)', () => {
  const r = runGatewayCommand(['--etcd', 'http://127.0.0.1:1', '--port', '0'], 40_000);
  expect(r.signal).toBeNull(); // not killed by the timeout: it ended on its own
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(
    /cannot start: the service registry did not list the regions' instances within 10000 ms \(is etcd reachable at the --etcd URLs\?\)\n$/,
  );
}, 60_000);

describe('reload with --upstreams/--upstream overrides (before: a table without a region of the map was rejected)', () => {
  const EMEA = ['eu-west-1', 'eu-central-1', 'eu-west-2'];
  const ALL = [...EMEA, 'us-east-1'];
  let dir: string;
  const gateways: Gateway[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.shutdown()));
    rmSync(dir, { recursive: true, force: true });
  });

  function build(regions: readonly string[], upstreamRegions: readonly string[], extra: string[] = []) {
    const tableFile = join(dir, 'table.json');
    writeFileSync(tableFile, JSON.stringify(tableOf(regions)));
    const upstreamsFile = join(dir, 'upstreams.json');
    writeFileSync(upstreamsFile, JSON.stringify(Object.fromEntries(upstreamRegions.map((r, i) => [r, `http://127.0.0.1:${9101 + i}`]))));
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ base: undefined }, { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) });
    const flags = parseGatewayFlags(['--table', tableFile, '--upstreams', upstreamsFile, '--no-health-checks', ...extra]);
    const gw = gatewayFromFlags(flags, {}, { logger });
    gateways.push(gw);
    return { gw, logs, tableFile };
  }

  it('at start, a TAISHANGLAOJUN_UPSTREAM_<REGION> variable that names no region of the table is an error, as a --upstream flag is (before: ignored)', () => {
    const tableFile = join(dir, 'table.json');
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    const flags = parseGatewayFlags(['--table', tableFile, '--upstream-template', 'http://{region}.internal:8080', '--no-health-checks']);
    const env = { TAISHANGLAOJUN_UPSTREAM_EU_WEST_9: 'http://x:1', TAISHANGLAOJUN_UPSTREAM_TEMPLATE: 'http://{region}.internal:8080' };
    expect(() => gatewayFromFlags(flags, env)).toThrow(UpstreamConfigError);
    expect(() => gatewayFromFlags(flags, env)).toThrow(
      /TAISHANGLAOJUN_UPSTREAM_EU_WEST_9: names no region of the routing table; allowed: TAISHANGLAOJUN_UPSTREAM_EU_/,
    );
    const ok = gatewayFromFlags(flags, { TAISHANGLAOJUN_UPSTREAM_EU_WEST_1: 'http://127.0.0.1:9101' });
    gateways.push(ok);
  });

  it('an upstreams file or flag with the key "__proto__" is an unknown region like any other (before: dropped silently)', () => {
    const tableFile = join(dir, 'table.json');
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    const upstreamsFile = join(dir, 'proto.json');
    writeFileSync(upstreamsFile, '{"__proto__": "http://x:1", "eu-west-1": "http://127.0.0.1:9101"}');
    for (const source of [
      ['--upstreams', upstreamsFile],
      ['--upstream', '__proto__=http://x:1'],
    ]) {
      const flags = parseGatewayFlags([
        '--table',
        tableFile,
        '--upstream-template',
        'http://{region}.internal:8080',
        '--no-health-checks',
        ...source,
      ]);
      expect(Object.keys(flags.upstreams)).toContain('__proto__');
      expect(() => gatewayFromFlags(flags, {})).toThrow(/upstream: unknown region of the routing table "__proto__"/);
    }
  });

  it('ignores overrides for regions the new table no longer has, warns once, and accepts the reload', () => {
    const { gw, logs, tableFile } = build(ALL, ALL, ['--upstream', 'us-east-1=http://127.0.0.1:9200']);
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    const first = gw.reload('api');
    expect(first.ok).toBe(true);
    expect(gw.table.regions.map((r) => r.id).sort()).toEqual([...EMEA].sort());
    expect(gw.reload('api').ok).toBe(true); // the same table again: no second warning
    const warnings = logs.filter((l) => l.event === 'upstream-ignored');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, regions: ['us-east-1'] });
    expect(logs.filter((l) => l.event === 'reload' && l.result === 'rejected')).toHaveLength(0);
    // The region comes back: its override applies again.
    writeFileSync(tableFile, JSON.stringify(tableOf(ALL)));
    expect(gw.reload('api').ok).toBe(true);
    expect(gw.table.regions.map((r) => r.id)).toContain('us-east-1');
  });

  it('needs no upstream for a region without compute (it runs no gateway and takes no traffic)', async () => {
    const tableFile = join(dir, 'table.json');
    const table = tableOf(EMEA);
    const storage = table.regions.find((r) => r.id === 'eu-west-2')!;
    storage.services = ['storage'];
    for (const [country, region] of Object.entries(table.countries)) if (region === 'eu-west-2') table.countries[country] = 'eu-west-1';
    writeFileSync(tableFile, JSON.stringify(table));
    const upstreamsFile = join(dir, 'upstreams.json');
    writeFileSync(upstreamsFile, JSON.stringify({ 'eu-west-1': 'http://127.0.0.1:9101', 'eu-central-1': 'http://127.0.0.1:9102' }));
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ base: undefined }, { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) });
    const gw = gatewayFromFlags(
      parseGatewayFlags(['--table', tableFile, '--upstreams', upstreamsFile, '--no-health-checks']),
      {},
      { logger },
    );
    gateways.push(gw);
    expect(gw.table.regions.map((r) => r.id)).toContain('eu-west-2');
    expect(logs.filter((l) => l.event === 'no-instances')).toEqual([]);
    // Not reported as a region of traffic: no health or share gauge that an alert would read.
    const text = await gw.metrics.registry.metrics();
    expect(text).toMatch(/gateway_region_up\{region="eu-west-1"/);
    expect(text).not.toMatch(/region="eu-west-2"/);
    // An upstream for it (left over from when it had compute) is ignored with a warning, at start as on
    // a reload: a restart after the change starts (before: "unknown region of the routing table").
    const startLogs: Array<Record<string, unknown>> = [];
    const startLogger = pino({ base: undefined }, { write: (s: string) => startLogs.push(JSON.parse(s) as Record<string, unknown>) });
    const withOverride = parseGatewayFlags([
      '--table',
      tableFile,
      '--upstreams',
      upstreamsFile,
      '--upstream',
      'eu-west-2=http://127.0.0.1:9103',
      '--no-health-checks',
    ]);
    const started = gatewayFromFlags(withOverride, { TAISHANGLAOJUN_UPSTREAM_EU_WEST_2: 'http://127.0.0.1:9103' }, { logger: startLogger });
    gateways.push(started);
    expect(startLogs.filter((l) => l.event === 'upstream-ignored')).toEqual([
      expect.objectContaining({ level: 40, regions: ['eu-west-2'] }),
    ]);
    expect(await started.metrics.registry.metrics()).not.toMatch(/region="eu-west-2"/);
  });

  it('a reload that takes compute away from a region whose upstream came from the environment warns once, as the flag form does', () => {
    const tableFile = join(dir, 'table.json');
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    const env = Object.fromEntries(EMEA.map((r, i) => [upstreamEnvName(r), `http://127.0.0.1:${9101 + i}`]));
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ base: undefined }, { write: (s: string) => logs.push(JSON.parse(s) as Record<string, unknown>) });
    const gw = gatewayFromFlags(parseGatewayFlags(['--table', tableFile, '--no-health-checks']), env, { logger });
    gateways.push(gw);
    expect(logs.filter((l) => l.event === 'upstream-ignored')).toEqual([]);
    const table = tableOf(EMEA);
    table.regions.find((r) => r.id === 'eu-west-2')!.services = ['storage'];
    for (const [country, region] of Object.entries(table.countries)) if (region === 'eu-west-2') table.countries[country] = 'eu-west-1';
    writeFileSync(tableFile, JSON.stringify(table));
    expect(gw.reload('api').ok).toBe(true);
    expect(gw.reload('api').ok).toBe(true); // the same table again: no second warning
    expect(logs.filter((l) => l.event === 'upstream-ignored')).toEqual([expect.objectContaining({ level: 40, regions: ['eu-west-2'] })]);
  });

  it('a reload that takes compute away from a region drops its health checks and pool (they failed it, for nothing)', () => {
    const tableFile = join(dir, 'table.json');
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    const upstreamsFile = join(dir, 'upstreams.json');
    writeFileSync(upstreamsFile, JSON.stringify(Object.fromEntries(EMEA.map((r, i) => [r, `http://127.0.0.1:${9101 + i}`]))));
    const gw = gatewayFromFlags(
      parseGatewayFlags(['--table', tableFile, '--upstreams', upstreamsFile]),
      {},
      { logger: pino({ level: 'silent' }) },
    );
    gateways.push(gw);
    expect(gw.routing.current.health.targetUrl('eu-west-2')).toBeDefined();
    const table = tableOf(EMEA);
    table.regions.find((r) => r.id === 'eu-west-2')!.services = ['storage'];
    for (const [country, region] of Object.entries(table.countries)) if (region === 'eu-west-2') table.countries[country] = 'eu-west-1';
    writeFileSync(tableFile, JSON.stringify(table));
    expect(gw.reload('api').ok).toBe(true);
    expect(gw.routing.current.health.targetUrl('eu-west-2')).toBeUndefined();
    expect(gw.routing.current.health.targetUrl('eu-west-1')).toBeDefined();
    // And back: compute again, checked again.
    writeFileSync(tableFile, JSON.stringify(tableOf(EMEA)));
    expect(gw.reload('api').ok).toBe(true);
    expect(gw.routing.current.health.targetUrl('eu-west-2')).toBeDefined();
  });

  it('still rejects an override for a region the table does not have at start (a typo)', () => {
    expect(() => build(EMEA, EMEA, ['--upstream', 'eu-wset-1=http://127.0.0.1:9200'])).toThrow(UpstreamConfigError);
  });

  it('still rejects a reload whose new region has no upstream, and keeps serving the old table', () => {
    const { gw, logs, tableFile } = build(EMEA, EMEA);
    writeFileSync(tableFile, JSON.stringify(tableOf(ALL)));
    const result = gw.reload('api');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.message).join('\n')).toContain('no upstream for us-east-1');
    expect(gw.table.regions.map((r) => r.id)).not.toContain('us-east-1');
    expect(logs.filter((l) => l.event === 'upstream-ignored')).toHaveLength(0);
  });
});

test('registry bursts are applied together, capped per region, and a region emptied for a moment keeps its instances (QA, stop 30: 1,000 registrations failed every region)', async () => {
  const registry = new MemoryRegistry();
  const first = await registry.register({ id: 'a', name: 'api', region: 'eu-west-1', address: '127.0.0.1', port: 1 }, { ttlSeconds: 60 });
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const dir = mkdtempSync(join(tmpdir(), 'gw-burst-'));
  const tableFile = join(dir, 'table.json');
  writeFileSync(tableFile, JSON.stringify(tableOf(['eu-west-1', 'eu-west-2'])));
  const gateway = new Gateway({
    table: tableOf(['eu-west-1', 'eu-west-2']),
    tableFile,
    watchTable: false,
    registry,
    activeHealthChecks: false,
    registryEmptyHoldMs: 1000,
    logger,
  });
  try {
    await gateway.listen(0);
    expect(gateway.upstreamOrigins('eu-west-1')).toEqual(['http://127.0.0.1:1']);
    lines.length = 0;
    const handles = [];
    for (let i = 0; i < 300; i++)
      handles.push(
        await registry.register(
          { id: `b${i}`, name: 'api', region: 'eu-west-1', address: '127.0.0.1', port: 2000 + i },
          { ttlSeconds: 60 },
        ),
      );
    await eventually(
      'the burst applied',
      () => (gateway.upstreamOrigins('eu-west-1').length === MAX_REGISTRY_INSTANCES ? true : undefined),
      3000,
    );
    const changes = lines.filter((l) => l.event === 'upstreams');
    expect(changes.length).toBeLessThan(10); // before: one pool rebuild (and one log line with every origin) per registration
    expect(changes.every((l) => l.origins === undefined && typeof l.instances === 'number')).toBe(true);
    expect(lines.some((l) => l.event === 'registry-instances-capped' && l.listed === 301)).toBe(true);
    // A reload takes the registry's instances capped too (verification pass: a SIGHUP installed all of them).
    expect(gateway.reload('sighup').ok).toBe(true);
    expect(gateway.upstreamOrigins('eu-west-1')).toHaveLength(MAX_REGISTRY_INSTANCES);
    // Every instance goes (a lease expiry en masse), then comes back within the hold: the pool never empties.
    await first.deregister();
    for (const h of handles) await h.deregister();
    await new Promise((r) => setTimeout(r, 300));
    expect(gateway.upstreamOrigins('eu-west-1').length).toBe(MAX_REGISTRY_INSTANCES);
    // ... through a reload during the hold as well (verification pass: a SIGHUP emptied it at once).
    expect(gateway.reload('sighup').ok).toBe(true);
    expect(gateway.upstreamOrigins('eu-west-1').length).toBe(MAX_REGISTRY_INSTANCES);
    await registry.register({ id: 'a', name: 'api', region: 'eu-west-1', address: '127.0.0.1', port: 1 }, { ttlSeconds: 60 });
    await eventually(
      'the returned instance in use',
      () => (gateway.upstreamOrigins('eu-west-1').join() === 'http://127.0.0.1:1' ? true : undefined),
      3000,
    );
    await new Promise((r) => setTimeout(r, 1200));
    expect(lines.some((l) => l.event === 'no-instances')).toBe(false);
    expect(gateway.upstreamOrigins('eu-west-1')).toEqual(['http://127.0.0.1:1']);
  } finally {
    await gateway.shutdown();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--keep-alive-timeout-ms sets the keep-alive; at or above --client-idle-timeout-ms it is refused, both flags named (QA, stop 31)', () => {
  const fixture = join(__dirname, '..', 'fixtures', 'routing-table.json');
  const flags = parseGatewayFlags(['--table', fixture, '--keep-alive-timeout-ms', '65000', '--client-idle-timeout-ms', '75000']);
  expect(flags.limits.keepAliveTimeoutMs).toBe(65000);
  expect(() => parseGatewayFlags(['--keep-alive-timeout-ms', '0'])).toThrow(
    /^--keep-alive-timeout-ms: "0" is not allowed; allowed: an integer 1\.\.3600000/,
  );
  const env = { TAISHANGLAOJUN_UPSTREAM_TEMPLATE: 'http://{region}.internal:1' };
  const gw = gatewayFromFlags(flags, env);
  expect(gw.limits.keepAliveTimeoutMs).toBe(65000);
  expect(gw.server.keepAliveTimeout).toBe(65000);
  void gw.shutdown();
  let message = '';
  try {
    gatewayFromFlags(parseGatewayFlags(['--table', fixture, '--keep-alive-timeout-ms', '65000']), env); // idle sweep at its default 60 s
  } catch (err) {
    message = withLimitFlags((err as Error).message);
  }
  expect(message).toBe(
    'gateway --keep-alive-timeout-ms (limits.keepAliveTimeoutMs): 65000; allowed: less than --client-idle-timeout-ms (limits.clientIdleTimeoutMs) (60000): the idle sweep would close a kept-alive connection first',
  );
});

test('--client-address-header: a header name, lower-cased, believed only with a trusted proxy', () => {
  expect(parseGatewayFlags(['--trusted-proxy', '10.0.0.0/8', '--client-address-header', 'CF-Connecting-IP']).clientAddressHeader).toBe(
    'cf-connecting-ip',
  );
  expect(() => parseGatewayFlags(['--client-address-header', 'cf-connecting-ip'])).toThrow(
    /^--client-address-header: cf-connecting-ip would never be believed; allowed: together with --trusted-proxy/,
  );
  for (const bad of ['x-forwarded-for', 'cf connecting ip', 'a'.repeat(65)]) {
    expect(() => parseGatewayFlags(['--trusted-proxy', '10.0.0.0/8', '--client-address-header', bad])).toThrow(
      /^--client-address-header: .* is not allowed; allowed: an HTTP header name/,
    );
  }
});
