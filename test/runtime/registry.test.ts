/**
 * One contract, two implementations: MemoryRegistry (manual clock) and EtcdRegistry (a private etcd
 * started by the test). Without an etcd binary the etcd half FAILS when CI is set, and is skipped
 * with a loud warning otherwise.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { ManualClock } from '../../runtime/clock';
import {
  EtcdRegistry,
  MemoryRegistry,
  MemoryStore,
  type ServiceInstanceInput,
  type ServiceRegistry,
  type WatchEvent,
  parseServiceKey,
  serviceKey,
  watchPrefix,
} from '../../runtime/registry';
import { ETCD_INSTALL_HINT, EtcdServer, findEtcdBinary } from '../helpers/etcd-server';
import type { Watcher, WatchBuilder } from 'etcd3';

interface Fixture {
  /** A new client of the same backend (like another process). */
  client(extra?: { onRecovered?: (message: string) => void }): ServiceRegistry;
  /** Lets time pass (manual or real) until `check` holds, or throws after `maxMs`. */
  until(what: string, check: () => Promise<boolean> | boolean, maxMs: number): Promise<void>;
  /** Lets `ms` pass (manual clock: advanced; etcd: real time). */
  pass(ms: number): Promise<void>;
  /** Ends the lease `key` is bound to on the server side, as an expiry during a partition does. */
  expireLeaseOf(key: string): Promise<void>;
  teardown(): Promise<void>;
  etcd?: EtcdServer;
  errors: string[];
}

async function memoryFixture(): Promise<Fixture> {
  const clock = new ManualClock(1_700_000_000_000);
  const store = new MemoryStore(clock);
  const clients: ServiceRegistry[] = [];
  return {
    errors: [],
    client() {
      const c = new MemoryRegistry({ store });
      clients.push(c);
      return c;
    },
    async until(what, check, maxMs) {
      for (let t = 0; t <= maxMs; t += 100) {
        if (await check()) return;
        await clock.advanceAsync(100);
      }
      throw new Error(`memory: not within ${maxMs} ms: ${what}`);
    },
    pass: (ms) => clock.advanceAsync(ms),
    async expireLeaseOf(key) {
      const lease = store.leaseOf(key);
      if (lease === undefined) throw new Error(`memory: no key ${key}`);
      store.revoke(lease);
    },
    async teardown() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

const etcdBin = findEtcdBinary();
let sharedEtcd: EtcdServer | undefined;

async function etcdFixture(): Promise<Fixture> {
  if (!etcdBin) {
    throw new Error(`etcd not found and CI is set, so the EtcdRegistry contract tests cannot be skipped: ${ETCD_INSTALL_HINT}`);
  }
  sharedEtcd ??= await EtcdServer.create(etcdBin);
  const etcd = sharedEtcd;
  await etcd.start(); // no-op unless a previous test left it stopped
  const clients: EtcdRegistry[] = [];
  const errors: string[] = [];
  // Each test gets a clean keyspace.
  const admin = new EtcdRegistry({ hosts: etcd.url });
  await admin.client.delete().prefix('/services/');
  await admin.close();
  return {
    etcd,
    errors,
    client(extra: { onRecovered?: (message: string) => void } = {}) {
      const c = new EtcdRegistry({ hosts: etcd.url, onError: (e) => errors.push(e.message), ...extra });
      clients.push(c);
      return c;
    },
    async until(what, check, maxMs) {
      const deadline = Date.now() + maxMs;
      for (;;) {
        try {
          if (await check()) return;
        } catch {
          // e.g. etcd still restarting: try again
        }
        if (Date.now() > deadline) throw new Error(`etcd: not within ${maxMs} ms: ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    pass: (ms) => new Promise((r) => setTimeout(r, ms)),
    async expireLeaseOf(key) {
      const admin = new EtcdRegistry({ hosts: etcd.url });
      try {
        const kv = (await admin.client.get(key).exec()).kvs[0];
        if (kv === undefined) throw new Error(`etcd: no key ${key}`);
        // etcd3 exposes revoking a lease by id only through its lease client.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        await (admin.client as any).leaseClient.leaseRevoke({ ID: kv.lease });
      } finally {
        await admin.close({ deregister: false });
      }
    },
    async teardown() {
      await Promise.all(clients.map((c) => c.close({ deregister: false }).catch(() => undefined)));
    },
  };
}

afterAll(async () => {
  await sharedEtcd?.destroy();
});

type Impl = [string, () => Promise<Fixture>];
const impls: Impl[] = [['MemoryRegistry', memoryFixture]];
if (etcdBin || process.env.CI) impls.push(['EtcdRegistry', etcdFixture]);
else {
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPED: etcd not found (apt-get install etcd-server) — the EtcdRegistry\n!! contract and restart tests did NOT run. ${ETCD_INSTALL_HINT}\n${'!'.repeat(78)}\n`,
  );
}

const inst = (id: string, over: Partial<ServiceInstanceInput> = {}): ServiceInstanceInput => ({
  id,
  name: 'gateway',
  region: 'eu-west-1',
  address: `10.0.0.${id.length}`,
  port: 8443,
  metadata: { version: '1.2.3' },
  ...over,
});

describe.each(impls)('%s contract', (_name, makeFixture) => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await makeFixture();
  });
  afterEach(async () => {
    await fx?.teardown();
  });

  it('an old process that stops after its replacement registered the same id leaves the replacement registered', async () => {
    const old = fx.client();
    const replacement = fx.client();
    const before = await old.register(inst('gw-1', { address: '10.0.0.1' }), { ttlSeconds: 10 });
    await old.register(inst('gw-2', { address: '10.0.0.2' }), { ttlSeconds: 10 });
    await replacement.register(inst('gw-1', { address: '10.9.9.9' }), { ttlSeconds: 10 });
    await replacement.register(inst('gw-2', { address: '10.9.9.8' }), { ttlSeconds: 10 });
    await before.deregister(); // explicit deregistration of one
    await old.close(); // and close(), which deregisters the rest
    const found = await fx.client().discover('eu-west-1', 'gateway');
    expect(found.map((i) => [i.id, i.address])).toEqual([
      ['gw-1', '10.9.9.9'],
      ['gw-2', '10.9.9.8'],
    ]);
    // The replacement's own deregistration still removes its entries.
    await replacement.close();
    expect(await fx.client().discover('eu-west-1', 'gateway')).toEqual([]);
  });

  it('an old process whose lease was lost does not take the instance id back from its replacement', async () => {
    const old = fx.client();
    const replacement = fx.client();
    const observer = fx.client();
    const addresses = async () => (await observer.discover('eu-west-1', 'gateway')).map((i) => i.address);
    const stale = await old.register(inst('gw-1', { address: '10.0.0.1' }), { ttlSeconds: 2 });
    await fx.expireLeaseOf(stale.key); // a partition: the old process's lease expires server-side
    expect(await addresses()).toEqual([]);
    await replacement.register(inst('gw-1', { address: '10.9.9.9' }), { ttlSeconds: 2 });
    await fx.pass(5_000); // the old process notices its lost lease (and, on etcd, tries to re-register)
    expect(await addresses()).toEqual(['10.9.9.9']);
    await stale.deregister();
    await fx.pass(3_000);
    expect(await addresses()).toEqual(['10.9.9.9']);
    if (fx.etcd) expect(fx.errors.join('\n')).toMatch(/gw-1 was registered by another owner while this registration's lease was lost/);
  });

  it('register -> discover by region and name; deregister removes it', async () => {
    const a = fx.client();
    const h1 = await a.register(inst('gw-1'), { ttlSeconds: 10 });
    await a.register(inst('gw-2', { health: 'warning' }), { ttlSeconds: 10 });
    await a.register(inst('gw-3', { region: 'eu-central-1' }), { ttlSeconds: 10 });
    await a.register(inst('api-1', { name: 'api' }), { ttlSeconds: 10 });
    expect(h1.key).toBe('/services/eu-west-1/gateway/gw-1');
    const found = await fx.client().discover('eu-west-1', 'gateway');
    expect(found).toEqual([
      {
        id: 'gw-1',
        name: 'gateway',
        region: 'eu-west-1',
        address: '10.0.0.4',
        port: 8443,
        metadata: { version: '1.2.3' },
        health: 'passing',
      },
      {
        id: 'gw-2',
        name: 'gateway',
        region: 'eu-west-1',
        address: '10.0.0.4',
        port: 8443,
        metadata: { version: '1.2.3' },
        health: 'warning',
      },
    ]);
    await h1.deregister();
    await h1.deregister(); // idempotent
    expect((await a.discover('eu-west-1', 'gateway')).map((i) => i.id)).toEqual(['gw-2']);
    expect(await a.discover('ap-south-1', 'gateway')).toEqual([]);
  });

  it('watch sees registrations and deletions under its prefix only', async () => {
    const a = fx.client();
    const b = fx.client();
    const events: WatchEvent[] = [];
    const w = await b.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
    const h = await a.register(inst('gw-1'), { ttlSeconds: 10 });
    await a.register(inst('other', { name: 'api' }), { ttlSeconds: 10 });
    await h.deregister();
    await fx.until('put and delete of gw-1 seen', () => events.length >= 2, 5_000);
    expect(events.map((e) => `${e.type}:${e.key}`)).toEqual([
      'put:/services/eu-west-1/gateway/gw-1',
      'delete:/services/eu-west-1/gateway/gw-1',
    ]);
    expect(events[0]).toMatchObject({ region: 'eu-west-1', name: 'gateway', id: 'gw-1', instance: { address: '10.0.0.4', port: 8443 } });
    await w.close();
    await a.register(inst('gw-9'), { ttlSeconds: 10 });
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toHaveLength(2); // closed watch hears nothing
  });

  it('an instance whose owner stops keeping it alive disappears when its lease expires', async () => {
    const owner = fx.client();
    const observer = fx.client();
    const deletes: string[] = [];
    await observer.watch({ region: 'eu-west-1' }, (e) => {
      if (e.type === 'delete') deletes.push(e.id);
    });
    await owner.register(inst('gw-crash'), { ttlSeconds: 2 });
    await owner.register(inst('gw-kept', { region: 'eu-central-1' }), { ttlSeconds: 2 });
    const keeper = fx.client();
    await keeper.register(inst('gw-alive'), { ttlSeconds: 2 });
    await fx.pass(3_000); // past the TTL, both are kept alive
    expect((await observer.discover('eu-west-1', 'gateway')).map((i) => i.id)).toEqual(['gw-alive', 'gw-crash']);
    expect(deletes).toEqual([]);
    await owner.close({ deregister: false }); // like a crash: no revoke
    expect((await observer.discover('eu-west-1', 'gateway')).map((i) => i.id)).toContain('gw-crash');
    await fx.until(
      'gw-crash expired',
      async () => (await observer.discover('eu-west-1', 'gateway')).every((i) => i.id !== 'gw-crash'),
      10_000,
    );
    await fx.until('delete event for gw-crash', () => deletes.includes('gw-crash'), 5_000);
    expect((await observer.discover('eu-west-1', 'gateway')).map((i) => i.id)).toEqual(['gw-alive']);
    // gw-kept has its own lease, granted after gw-crash's: it may expire a moment later (a CI run
    // read it in that moment). Wait for it like for gw-crash, then check it is gone.
    await fx.until('gw-kept expired', async () => (await observer.discover('eu-central-1', 'gateway')).length === 0, 5_000);
    expect(await observer.discover('eu-central-1', 'gateway')).toEqual([]);
  });

  it('keeps a registration alive well past its TTL', async () => {
    const a = fx.client();
    await a.register(inst('gw-long'), { ttlSeconds: 1 });
    const b = fx.client();
    for (let i = 0; i < 7; i++) {
      await fx.pass(500);
      expect((await b.discover('eu-west-1', 'gateway')).map((x) => x.id)).toEqual(['gw-long']);
    }
  });

  it('rejects invalid keys, instances and TTLs with the field, the value and the rule', async () => {
    const a = fx.client();
    await expect(a.register(inst('a/b'), { ttlSeconds: 5 })).rejects.toThrow(/invalid id "a\/b"; allowed: non-empty.*\(no "\/"\)/);
    await expect(a.register(inst('x', { region: '' }), { ttlSeconds: 5 })).rejects.toThrow(/invalid region ""/);
    await expect(a.register(inst('x', { port: 70000 }), { ttlSeconds: 5 })).rejects.toThrow(/port: /);
    // before: "127.0.0.1/foo" served on port 80 (its port lost), "127.0.0.1:9101" and scheme "gopher" were dropped unreported
    for (const address of [
      '127.0.0.1/foo',
      'evil.example/x?',
      '127.0.0.1:9101',
      '[10.0.0.1]',
      'http://api.internal',
      // found by review: accepted, then the URL failed and the instance was dropped without a word
      '1.2.3.4.5',
      '999.999.999.999',
      'fe80::1%eth0',
      '2130706433',
      '127.1',
      '0x7f.1',
    ])
      await expect(a.register(inst('x', { address }), { ttlSeconds: 5 })).rejects.toThrow(
        /address: a host name, an IPv4 address or an IPv6 address \(bracketed or not\), with no scheme, port or path/,
      );
    await expect(a.register(inst('x', { metadata: { scheme: 'gopher' } }), { ttlSeconds: 5 })).rejects.toThrow(
      /metadata: its "scheme" must be "http" or "https"/,
    );
    for (const address of ['10.0.0.1', '::1', '[fd00::1]', 'api.eu-west-1.svc.cluster.local'])
      await a.register(inst(`ok-${address.replace(/[^a-z0-9]/gi, '')}`, { address }), { ttlSeconds: 5 });
    await expect(a.register(inst('x'), { ttlSeconds: 0.5 })).rejects.toThrow(
      /invalid ttlSeconds 0.5; allowed: an integer from 1 to 9000000000/,
    );
    await expect(a.register(inst('x'), { ttlSeconds: 2 ** 40 })).rejects.toThrow(
      /invalid ttlSeconds 1099511627776; allowed: an integer from 1 to/,
    );
    await expect(a.register(inst('x'), { ttlSeconds: NaN })).rejects.toThrow(/invalid ttlSeconds NaN;/);
    await a.register(inst('long'), { ttlSeconds: 9_000_000_000 }); // the longest lease etcd grants
    await expect(a.discover('eu-west-1', 'bad name')).rejects.toThrow(/invalid name "bad name"/);
    await expect(a.watch({ name: 'gateway' }, () => undefined)).rejects.toThrow(/needs a region/);
  });
});

describe('key layout helpers', () => {
  it('builds and parses /services/<region>/<name>/<id>', () => {
    expect(serviceKey('eu-west-1', 'gateway', 'i-1')).toBe('/services/eu-west-1/gateway/i-1');
    expect(parseServiceKey('/services/eu-west-1/gateway/i-1')).toEqual({ region: 'eu-west-1', name: 'gateway', id: 'i-1' });
    expect(parseServiceKey('/services/eu-west-1/gateway')).toBeUndefined();
    expect(parseServiceKey('/other/a/b/c')).toBeUndefined();
    expect(watchPrefix({})).toBe('/services/');
    expect(watchPrefix({ region: 'eu-west-1' })).toBe('/services/eu-west-1/');
    expect(watchPrefix({ region: 'eu-west-1', name: 'gateway' })).toBe('/services/eu-west-1/gateway/');
  });
});

(etcdBin || process.env.CI ? describe : describe.skip)('EtcdRegistry reads values written by hand by their key', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await etcdFixture();
  });
  afterEach(async () => {
    await fx?.teardown();
  });

  it('ignores a value that names another region, service or id than its key; a key whose value turns bad is a delete', async () => {
    const reader = fx.client() as EtcdRegistry;
    const key = '/services/eu-west-1/gateway/gw-a';
    const value = (over: Partial<ServiceInstanceInput>) => JSON.stringify({ ...inst('gw-a'), ...over });
    await reader.client.put(key).value(value({ id: 'other' }));
    await reader.client.put('/services/eu-west-1/gateway/gw-b').value(value({ id: 'gw-b', region: 'us-east-1' }));
    expect(await reader.discover('eu-west-1', 'gateway')).toEqual([]);
    expect(fx.errors).toEqual(
      expect.arrayContaining([
        `ignoring registry value at ${key}: its id "other" is not the key's "gw-a"`,
        'ignoring registry value at /services/eu-west-1/gateway/gw-b: its region "us-east-1" is not the key\'s "eu-west-1"',
      ]),
    );
    const events: WatchEvent[] = [];
    await reader.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
    await reader.client.put(key).value(value({}));
    await fx.until('the valid put seen', () => events.length === 1, 5_000);
    await reader.client.put(key).value(value({ name: 'api' }));
    await fx.until('the bad put seen as a delete', () => events.length === 2, 5_000);
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['put', 'gw-a'],
      ['delete', 'gw-a'],
    ]);
  });
});

(etcdBin || process.env.CI ? describe : describe.skip)('EtcdRegistry survives an etcd restart', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await etcdFixture();
  });
  afterEach(async () => {
    await fx?.teardown();
  });

  it('after a wiped store comes back: vanished instances are deleted and the watch follows the new store (before: it waited for the old revisions)', async () => {
    const etcd = fx.etcd!;
    const writer = fx.client() as EtcdRegistry;
    const observer = fx.client();
    await writer.client.put('/services/eu-west-1/gateway/gw-old').value(JSON.stringify(inst('gw-old')));
    const events: WatchEvent[] = [];
    await observer.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
    // The old store's revision, well above what the new one reaches in this test, moved by keys
    // the watch does not follow (it saw none of those revisions itself).
    for (let i = 0; i < 30; i++) await writer.client.put('/other/revision').value(String(i));
    await etcd.stop();
    rmSync(etcd.dataDir, { recursive: true, force: true });
    mkdirSync(etcd.dataDir, { mode: 0o700 });
    await etcd.start();
    await fx.until('the vanished instance deleted', () => events.some((e) => e.type === 'delete' && e.id === 'gw-old'), 30_000);
    await writer.client.put('/services/eu-west-1/gateway/gw-new').value(JSON.stringify(inst('gw-new')));
    await fx.until('a put on the new store seen', () => events.some((e) => e.type === 'put' && e.id === 'gw-new'), 15_000);
    await writer.client.delete().key('/services/eu-west-1/gateway/gw-new');
    await fx.until('a delete on the new store seen', () => events.some((e) => e.type === 'delete' && e.id === 'gw-new'), 15_000);
  }, 90_000);

  it('a watch etcd cancels under it (etcd3 drops the watcher and emits "error") is listed again and watched anew (QA, stop 30: no longer followed at all)', async () => {
    const observer = fx.client() as EtcdRegistry;
    const writer = fx.client() as EtcdRegistry;
    // Every watcher the observer creates, to cancel one as etcd does when its history is compacted
    // away under a stalled process (reproduced with SIGSTOP and 40 MB of writes; too slow for a test).
    const created: Watcher[] = [];
    const realWatch = observer.client.watch.bind(observer.client);
    (observer.client as { watch: () => WatchBuilder }).watch = () => {
      const builder = realWatch();
      const create = builder.create.bind(builder);
      builder.create = async () => {
        const w = await create();
        created.push(w);
        return w;
      };
      return builder;
    };
    const events: WatchEvent[] = [];
    await observer.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
    expect(created).toHaveLength(1);
    await writer.client.put('/services/eu-west-1/gateway/gw-a').value(JSON.stringify(inst('gw-a')));
    await fx.until('the first put seen', () => events.some((e) => e.type === 'put' && e.id === 'gw-a'), 10_000);
    // What etcd3 does on a server-side cancel: the watcher leaves its manager, then "error".
    await created[0].cancel();
    created[0].emit('error', new Error('Watcher canceled: mvcc: required revision has been compacted'));
    await writer.client.put('/services/eu-west-1/gateway/gw-b').value(JSON.stringify(inst('gw-b')));
    await writer.client.delete().key('/services/eu-west-1/gateway/gw-a');
    await fx.until('changes after the cancel seen', () => events.some((e) => e.type === 'put' && e.id === 'gw-b'), 10_000);
    await fx.until('a delete after the cancel seen', () => events.some((e) => e.type === 'delete' && e.id === 'gw-a'), 10_000);
    // Those two came from listing again; then a new watch follows what comes after.
    await fx.until('watched anew', () => created.length >= 2, 10_000);
    await writer.client.put('/services/eu-west-1/gateway/gw-c').value(JSON.stringify(inst('gw-c')));
    await fx.until('a put on the new watch seen', () => events.some((e) => e.type === 'put' && e.id === 'gw-c'), 10_000);
    expect(fx.errors.some((m) => /Watcher canceled: .* \(listing again and watching anew\)$/.test(m))).toBe(true);
  }, 60_000);

  it('an answer for a watch the client no longer has is reported and dropped, not thrown from the stream (verification pass: the gateway process died)', async () => {
    const reader = fx.client() as EtcdRegistry;
    await reader.watch({ region: 'eu-west-1' }, () => undefined);
    const manager = (reader.client as unknown as { watchManager: { handleResponse(res: unknown): void } }).watchManager;
    expect(() => manager.handleResponse({ watch_id: '424242', canceled: true, events: [] })).not.toThrow();
    expect(
      fx.errors.some((m) => /^watch: etcd answered for a watch this client no longer has \(dropped\): .*Failed to find watcher/.test(m)),
    ).toBe(true);
  });

  it('a put made while a watcher was cut off, its history compacted, is listed on reconnect and the watch follows afterwards', async () => {
    const target = new URL(fx.etcd!.url);
    // A TCP proxy the test can cut: the observer reaches etcd only through it.
    const sockets = new Set<Socket>();
    let open = true;
    const proxy = createServer((client) => {
      if (!open) return void client.destroy();
      const upstream = connect(Number(target.port), target.hostname);
      const kill = () => {
        client.destroy();
        upstream.destroy();
      };
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', kill);
        s.on('close', kill);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const errors: string[] = [];
    const observer = new EtcdRegistry({
      hosts: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      onError: (e) => errors.push(e.message),
      retryDelayMs: 50,
      maxRetryDelayMs: 200,
    });
    const writer = fx.client() as EtcdRegistry;
    try {
      const events: WatchEvent[] = [];
      await observer.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
      open = false;
      for (const s of sockets) s.destroy();
      await writer.client.put('/services/eu-west-1/gateway/gw-a').value(JSON.stringify(inst('gw-a')));
      for (let i = 0; i < 20; i++) await writer.client.put('/other/revision').value(String(i));
      const revision = (await writer.client.get('/other/revision').exec()).header.revision;
      await writer.client.kv.compact({ revision, physical: true });
      open = true;
      await fx.until('the put made while cut off listed', () => events.some((e) => e.type === 'put' && e.id === 'gw-a'), 30_000);
      // Followed afterwards: a later delete and put arrive (before: the cancelled watch saw nothing more).
      await writer.client.delete().key('/services/eu-west-1/gateway/gw-a');
      await fx.until('a later delete seen', () => events.some((e) => e.type === 'delete' && e.id === 'gw-a'), 15_000);
      await writer.client.put('/services/eu-west-1/gateway/gw-b').value(JSON.stringify(inst('gw-b')));
      await fx.until('a later put seen', () => events.some((e) => e.type === 'put' && e.id === 'gw-b'), 15_000);
    } finally {
      await observer.close({ deregister: false });
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  }, 90_000);

  it('re-grants its lease, re-puts its instance, and the watch resumes', async () => {
    const etcd = fx.etcd!;
    const owner = fx.client();
    const observer = fx.client();
    const events: WatchEvent[] = [];
    await observer.watch({ region: 'eu-west-1', name: 'gateway' }, (e) => events.push(e));
    // A watcher told of the return apart from its errors (the gateway logs it at info).
    const recovered: string[] = [];
    await fx.client({ onRecovered: (m) => recovered.push(m) }).watch({ region: 'eu-west-2' }, () => undefined);
    await owner.register(inst('gw-survivor'), { ttlSeconds: 2 });
    await fx.until('initial put seen', () => events.length === 1, 5_000);

    await etcd.stop();
    // Down for longer than 2 x TTL: the client declares the lease lost and must re-register.
    await new Promise((r) => setTimeout(r, 5_000));
    await etcd.start();

    // The re-put shows up as a new put on the resumed watch.
    await fx.until('re-put seen by the resumed watch', () => events.filter((e) => e.type === 'put').length >= 2, 30_000);
    expect(fx.errors.some((m) => /lease for \/services\/eu-west-1\/gateway\/gw-survivor lost/.test(m))).toBe(true);
    // The watch's loss of etcd was reported, not only the lease's.
    expect(fx.errors.some((m) => /^watch \/services\/eu-west-1\/gateway\/: disconnected from etcd/.test(m))).toBe(true);
    expect(fx.errors.some((m) => /^watch \/services\/eu-west-1\/gateway\/: connected to etcd again/.test(m))).toBe(true);
    await fx.until('the return told apart', () => recovered.length > 0, 10_000);
    expect(recovered).toEqual(['watch /services/eu-west-2/: connected to etcd again (the instances are listed again)']);
    expect(fx.errors.some((m) => /^watch \/services\/eu-west-2\/: connected/.test(m))).toBe(false);
    expect(fx.errors.some((m) => /^watch \/services\/eu-west-2\/: disconnected from etcd/.test(m))).toBe(true);
    // Well past the old lease's TTL the instance is still there: the new lease is kept alive.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await observer.discover('eu-west-1', 'gateway')).map((i) => i.id)).toEqual(['gw-survivor']);
    // New changes after the restart reach the watch too.
    const h = await owner.register(inst('gw-new'), { ttlSeconds: 2 });
    await h.deregister();
    await fx.until('post-restart put/delete seen', () => events.some((e) => e.type === 'delete' && e.id === 'gw-new'), 10_000);
    // The old lease may expire on the restarted etcd before the re-put lands (a delete then a put:
    // see docs/runtime-failover.md); what must hold is that the last word is a put.
    const survivor = events.filter((e) => e.id === 'gw-survivor');
    expect(survivor[survivor.length - 1].type).toBe('put');
  });
});
