/**
 * Service registry on etcd (v3 API, `etcd3` client).
 *
 * Each registration owns a lease of `ttlSeconds` kept alive by the client; the instance is `put`
 * with that lease at `/services/<region>/<name>/<id>`. When the keep-alive is lost (etcd down for
 * longer than the lease, or the lease expired server-side) the registration re-grants a lease and
 * re-puts its key — only if the key is gone or still carries its previous lease, never over a
 * replacement that registered the same id meanwhile — retrying with capped backoff until etcd
 * answers again. Watches use the client's
 * watcher, which reconnects and resumes from the last revision it saw.
 *
 * Nothing connects at import: the client is created by the constructor.
 */
import { Etcd3, type IOptions, type Lease, type Watcher } from 'etcd3';
import { type Clock, systemClock } from '../clock';
import { formatValue } from '../problem';
import { callListener } from '../events';
import {
  type CloseOptions,
  type RegisterOptions,
  type RegistrationHandle,
  type ServiceInstance,
  type ServiceInstanceInput,
  type ServiceRegistry,
  type WatchFilter,
  type WatchHandle,
  type WatchListener,
  type WatchOptions,
  SERVICE_KEY_PREFIX,
  parseInstance,
  parseServiceKey,
  serviceKey,
  validateSegment,
  validateTtl,
  watchPrefix,
} from './types';

export interface EtcdRegistryOptions {
  /** etcd client URLs, e.g. "http://127.0.0.1:2379". */
  hosts: string | string[];
  clock?: Clock;
  /** First delay before re-registering after a lost lease; doubles up to maxRetryDelayMs. Default 100. */
  retryDelayMs?: number;
  /** Default 2000. */
  maxRetryDelayMs?: number;
  /** Upper bound of the watcher's reconnect backoff. Default 2000. */
  maxWatchBackoffMs?: number;
  /** Extra etcd3 client options (credentials, auth, faultHandling...). */
  etcd?: Omit<IOptions, 'hosts'>;
  /** Told about values that are not valid instances, lost leases and watch errors. Default: console.warn. */
  onError?: (err: Error) => void;
  /** Told when a lost watch is connected again (not an error). Default: the error callback, as before. */
  onRecovered?: (message: string) => void;
}

type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

/** Exponential backoff starting at `initialMs`, doubling, capped at `maxMs` (cockatiel's IBackoff shape). */
function cappedBackoff(initialMs: number, maxMs: number): WatchBackoff {
  const at = (ms: number): WatchBackoff => ({ duration: ms, next: () => at(Math.min(maxMs, ms * 2)) });
  return at(initialMs);
}

interface Registration {
  key: string;
  value: string;
  ttl: number;
  lease?: Lease;
  /** The id of the lease the key was last put with by this registration. */
  leaseId?: string;
  establishing: boolean;
  closed: boolean;
}

export class EtcdRegistry implements ServiceRegistry {
  readonly client: Etcd3;
  private readonly clock: Clock;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly onError: (err: Error) => void;
  private readonly onRecovered: (message: string) => void;
  private readonly registrations = new Set<Registration>();
  private readonly watchers = new Set<Watcher>();
  private closed = false;

  constructor(options: EtcdRegistryOptions) {
    if (!options || (typeof options.hosts !== 'string' && !Array.isArray(options.hosts)) || options.hosts.length === 0) {
      throw new Error(
        `EtcdRegistry: hosts must be a non-empty string or array of etcd URLs such as "http://127.0.0.1:2379", got ${JSON.stringify(options?.hosts)}`,
      );
    }
    this.clock = options.clock ?? systemClock;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
    this.onError = options.onError ?? ((err) => console.warn(`[EtcdRegistry] ${err.message}`));
    this.onRecovered = options.onRecovered ?? ((message) => this.onError(new Error(message)));
    const maxWatch = options.maxWatchBackoffMs ?? 2000;
    this.client = new Etcd3({
      ...options.etcd,
      hosts: options.hosts,
      faultHandling: { watchBackoff: cappedBackoff(Math.min(100, maxWatch), maxWatch), ...options.etcd?.faultHandling },
    });
    guardWatchManager(this.client, (message) => this.onError(new Error(message)));
  }

  async register(input: ServiceInstanceInput, options: RegisterOptions): Promise<RegistrationHandle> {
    this.assertOpen('register');
    const instance = parseInstance(input);
    const ttl = validateTtl(options?.ttlSeconds);
    const key = serviceKey(instance.region, instance.name, instance.id);
    const reg: Registration = { key, value: JSON.stringify(instance), ttl, establishing: true, closed: false };
    try {
      await this.putWithNewLease(reg);
    } catch (err) {
      reg.closed = true;
      throw new Error(`EtcdRegistry.register: could not register ${key}: ${(err as Error).message}`, { cause: err });
    } finally {
      reg.establishing = false;
    }
    if (this.closed) {
      // close() ran while the put was on its way (a SIGTERM during start-up): it did not see this
      // registration, so it is taken back here instead of staying until its lease runs out.
      await this.deregister(reg).catch((err: Error) => this.onError(err));
      throw new Error(`EtcdRegistry.register: the registry was closed while ${key} was being registered; it is deregistered again`);
    }
    this.registrations.add(reg);
    return { key, instance: structuredClone(instance), deregister: () => this.deregister(reg) };
  }

  async discover(region: string, name: string): Promise<ServiceInstance[]> {
    this.assertOpen('discover');
    const prefix = `${SERVICE_KEY_PREFIX}${validateSegment('region', region)}/${validateSegment('name', name)}/`;
    const values = await this.client.getAll().prefix(prefix).strings();
    const out: ServiceInstance[] = [];
    for (const [key, value] of Object.entries(values)) {
      const instance = this.decode(key, value);
      if (instance) out.push(instance);
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async watch(filter: WatchFilter, listener: WatchListener, options: WatchOptions = {}): Promise<WatchHandle> {
    this.assertOpen('watch');
    const signal = options.signal;
    signal?.throwIfAborted();
    const prefix = watchPrefix(filter);
    // What the listener was told is listed (key → value text), to tell a re-listing what changed,
    // and the newest revision the watch has reached.
    // Starts as the listing the caller discovers for itself (no events for it), so that a re-listing
    // also removes instances listed before the watch began.
    // Retried until etcd answers, as creating the watch waits for it (a caller bounds the wait).
    let start: Awaited<ReturnType<ReturnType<Etcd3['getAll']>['exec']>> | undefined;
    for (let delay = this.retryDelayMs; start === undefined; delay = Math.min(delay * 2, this.maxRetryDelayMs)) {
      try {
        start = await this.client.getAll().prefix(prefix).exec();
      } catch {
        this.assertOpen('watch');
        await abortableDelay(delay, signal); // a caller that gives up leaves no retry behind
      }
      signal?.throwIfAborted();
    }
    const known = new Map<string, string>(start.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    let revision = Number(start.header.revision);
    let current: Watcher | undefined;
    let closed = false;
    const put = (key: string, value: string) => {
      const parts = parseServiceKey(key);
      if (!parts) return;
      const instance = this.decode(key, value);
      // A key whose new value is not a valid instance no longer lists one: as a delete.
      if (instance) {
        known.set(key, value);
        callListener(listener, { type: 'put', key, ...parts, instance }, 'watch', 'EtcdRegistry');
      } else if (known.delete(key)) {
        callListener(listener, { type: 'delete', key, ...parts }, 'watch', 'EtcdRegistry');
      }
    };
    const remove = (key: string) => {
      const parts = parseServiceKey(key);
      known.delete(key);
      if (parts) callListener(listener, { type: 'delete', key, ...parts }, 'watch', 'EtcdRegistry');
    };
    const seen = (kv: { mod_revision: string }) => {
      revision = Math.max(revision, Number(kv.mod_revision));
    };
    /**
     * After a reconnect: lists the prefix again and tells the listener what changed (a watch that
     * resumes at its old revision on a store that went back — wiped, restored from a snapshot —
     * waits for revisions the store has not reached, and misses everything meanwhile); when the
     * store's revision is below the watch's, the watch starts again from the store's.
     */
    const mine = new Set<Watcher>(); // every watcher this watch opened and has not cancelled
    const dropped = new WeakSet<Watcher>(); // cancelled by etcd: etcd3 no longer knows them
    const retire = async (w: Watcher | undefined) => {
      if (w === undefined) return;
      mine.delete(w);
      this.watchers.delete(w);
      // A dropped watcher's cancel asks etcd about a watch it no longer has and waits forever.
      if (!dropped.has(w)) await cancelWithin(w, CANCEL_WAIT_MS);
    };
    /**
     * After a reconnect: the old watch stops counting (its resume revision may be one the store never
     * reaches again — wiped, restored from a snapshot — or it may race the listing), the prefix is
     * listed, the listener is told what changed since, and a new watch starts right after the
     * listing's revision: nothing between the two is missed, nothing older comes back.
     */
    const relist = async (old: Watcher): Promise<boolean> => {
      if (current === old) current = undefined;
      try {
        const res = await this.client.getAll().prefix(prefix).exec();
        if (closed) return true; // close() cancelled every watcher of this watch
        const present = new Map(res.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
        for (const key of [...known.keys()]) if (!present.has(key)) remove(key);
        for (const [key, value] of present) if (known.get(key) !== value) put(key, value);
        const storeRevision = Number(res.header.revision);
        if (storeRevision < revision)
          this.onError(
            new Error(
              `watch ${prefix}: etcd's revision went back from ${revision} to ${storeRevision} (a wiped or restored store); instances listed again, watching from ${storeRevision + 1}`,
            ),
          );
        revision = storeRevision;
        await open(String(storeRevision + 1));
      } catch (err) {
        this.onError(new Error(`watch ${prefix}: listing again after the reconnect failed: ${(err as Error).message}`));
        if (!closed && current === undefined) current = old; // keep following with the old watch
        return false;
      }
      await retire(old);
      return true;
    };
    /**
     * A watch etcd cancelled (its revision compacted away while the gateway stalled or was cut off):
     * etcd3 drops the watcher, which never reconnects nor says so again. Listed again and watched
     * anew, retried until etcd answers or the watch is closed (QA, stop 30: the registry was no
     * longer followed at all, and a deregistered instance kept half the traffic).
     */
    const recover = async (dead: Watcher) => {
      for (let delay = this.retryDelayMs; !closed && !this.closed; delay = Math.min(delay * 2, this.maxRetryDelayMs)) {
        if (current !== dead && current !== undefined) return; // another recovery took over
        if (await relist(dead)) return;
        await abortableDelay(delay, undefined);
      }
    };
    const open = async (startRevision?: string) => {
      const builder = this.client.watch().prefix(prefix);
      const watcher = await (startRevision === undefined ? builder : builder.startRevision(startRevision)).create();
      if (closed) {
        await watcher.cancel().catch(() => undefined);
        return;
      }
      let lost = false;
      mine.add(watcher);
      this.watchers.add(watcher);
      current = watcher;
      watcher.on('put', (kv) => {
        if (watcher !== current || closed) return;
        seen(kv);
        put(kv.key.toString(), kv.value.toString());
      });
      watcher.on('delete', (kv) => {
        if (watcher !== current || closed) return;
        seen(kv);
        remove(kv.key.toString());
      });
      // Without an 'error' listener an EventEmitter error would crash the process. etcd3 emits it
      // on a watcher etcd cancelled, which it has dropped: this watch is lost until it is opened again.
      watcher.on('error', (err) => {
        dropped.add(watcher);
        this.onError(
          new Error(`watch ${prefix}: ${err.message}${watcher === current && !closed ? ' (listing again and watching anew)' : ''}`),
        );
        if (watcher === current && !closed) void recover(watcher);
      });
      // The loss is reported so that an operator sees the registry is not being followed meanwhile;
      // on the return the prefix is listed again and a new watch follows from there.
      watcher.on('connected', () => {
        if (lost && watcher === current && !closed) {
          this.onRecovered(`watch ${prefix}: connected to etcd again (the instances are listed again)`);
          void relist(watcher);
        }
        lost = false;
      });
      watcher.on('disconnected', (err: Error | undefined) => {
        lost = true;
        if (watcher !== current || closed) return;
        this.onError(
          new Error(
            `watch ${prefix}: disconnected from etcd (the last known instances stay in use until it is back)${err?.message ? `: ${err.message}` : ''}`,
          ),
        );
      });
    };
    const handle: WatchHandle = {
      close: async () => {
        closed = true;
        current = undefined;
        await Promise.all([...mine].map(retire));
      },
    };
    await open(String(revision + 1));
    if (signal?.aborted) {
      await handle.close();
      signal.throwIfAborted();
    }
    return handle;
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const regs = [...this.registrations];
    if (options.deregister === false) {
      for (const reg of regs) this.stop(reg);
    } else {
      await Promise.all(regs.map((reg) => this.deregister(reg).catch((err: Error) => this.onError(err))));
    }
    // Bounded: with etcd hung (SIGSTOP, a partition that drops packets) a cancel waits for an answer
    // that never comes, and the gateway's shutdown waited with it past its drain deadline.
    await Promise.all([...this.watchers].map((w) => cancelWithin(w, CANCEL_WAIT_MS)));
    this.watchers.clear();
    this.client.close();
  }

  private stop(reg: Registration): Lease | undefined {
    reg.closed = true;
    this.registrations.delete(reg);
    const lease = reg.lease;
    reg.lease = undefined;
    lease?.release();
    return lease;
  }

  /**
   * Deletes the key only if it still carries this registration's lease (one transaction), then
   * revokes the lease. A replacement process that registered the same instance id since then put
   * the key under its own lease: the comparison fails and its entry stays, as in MemoryRegistry.
   * Without a lease (lost and not yet re-granted) nothing is deleted: the key, if it is still ours,
   * expires with its old lease within the TTL.
   */
  private async deregister(reg: Registration): Promise<void> {
    if (reg.closed) return;
    const lease = this.stop(reg);
    if (lease === undefined) return;
    try {
      const leaseId = await lease.grant();
      await this.client.if(reg.key, 'Lease', '==', leaseId).then(this.client.delete().key(reg.key)).commit();
      await lease.revoke();
    } catch (err) {
      throw new Error(`EtcdRegistry: deregistering ${reg.key} failed (${(err as Error).message}); it expires within ${reg.ttl} s`, {
        cause: err,
      });
    }
  }

  /**
   * Grants a lease and puts the key with it. A first registration overwrites whatever is there (the
   * newest registration of an instance id wins). A re-registration after a lost lease puts only
   * if the key is absent or still carries this registration's previous lease (one transaction
   * each): a replacement that registered the same instance id meanwhile owns the key, and an old
   * process coming back from a partition must not overwrite it (and later delete it). Answers
   * false when the key belongs to another owner; the new lease is then revoked.
   */
  private async putWithNewLease(reg: Registration, onlyIfOurs = false): Promise<boolean> {
    const lease = this.client.lease(reg.ttl);
    reg.lease = lease;
    lease.on('lost', (err) => this.onLost(reg, lease, err));
    try {
      const leaseId = await lease.grant();
      const put = () => this.client.put(reg.key).value(reg.value).lease(leaseId);
      let written = true;
      if (!onlyIfOurs) await put();
      else {
        written = (await this.client.if(reg.key, 'Create', '==', 0).then(put()).commit()).succeeded;
        if (!written && reg.leaseId !== undefined)
          written = (await this.client.if(reg.key, 'Lease', '==', reg.leaseId).then(put()).commit()).succeeded;
      }
      if (!written) {
        if (reg.lease === lease) reg.lease = undefined;
        lease.release();
        await lease.revoke().catch(() => undefined);
        return false;
      }
      reg.leaseId = leaseId;
      return true;
    } catch (err) {
      if (reg.lease === lease) reg.lease = undefined;
      lease.release();
      throw err;
    }
  }

  private onLost(reg: Registration, lease: Lease, err: Error): void {
    if (reg.closed || this.closed || reg.establishing || reg.lease !== lease) return;
    this.onError(new Error(`lease for ${reg.key} lost (${err.message}); re-registering`));
    void this.reestablish(reg);
  }

  /** Re-grants a lease and re-puts the key until it works or the registration is closed. */
  private async reestablish(reg: Registration): Promise<void> {
    reg.establishing = true;
    reg.lease?.release();
    reg.lease = undefined;
    let delay = this.retryDelayMs;
    try {
      while (!reg.closed && !this.closed) {
        try {
          if (!(await this.putWithNewLease(reg, true))) {
            // Another owner registered this instance id while the lease was lost: it keeps the key;
            // this registration ends (its deregister() then deletes nothing).
            this.stop(reg);
            this.onError(
              new Error(`${reg.key} was registered by another owner while this registration's lease was lost; this registration stops`),
            );
            return;
          }
          // Closed while re-registering: stop keeping the fresh lease alive.
          if (reg.closed || this.closed) (reg.lease as Lease | undefined)?.release();
          return;
        } catch {
          await new Promise<void>((resolve) => this.clock.setTimeout(resolve, delay));
          delay = Math.min(this.maxRetryDelayMs, delay * 2);
        }
      }
    } finally {
      reg.establishing = false;
    }
  }

  private decode(key: string, value: string): ServiceInstance | undefined {
    let instance: ServiceInstance;
    try {
      instance = parseInstance(JSON.parse(value));
    } catch (err) {
      this.onError(new Error(`ignoring invalid registry value at ${key}: ${(err as Error).message}`));
      return undefined;
    }
    // The key says where the instance is listed (and what a delete of the key removes): a value that
    // names another region, service or id is not that key's instance.
    const parts = parseServiceKey(key);
    const wrong = parts && (['region', 'name', 'id'] as const).find((f) => instance[f] !== parts[f]);
    if (wrong) {
      this.onError(
        new Error(
          `ignoring registry value at ${key}: its ${wrong} ${formatValue(instance[wrong])} is not the key's ${JSON.stringify(parts[wrong])}`,
        ),
      );
      return undefined;
    }
    return instance;
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new Error(`EtcdRegistry: ${op} after close()`);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (its timer then cleared). */
/**
 * etcd3 1.1 throws from its watch stream's data handler when etcd answers for a watch it no longer
 * knows — its own cancel of a watch etcd had cancelled meanwhile, after a reconnect with compacted
 * history — and nothing catches it: the process ended (QA, stop 30, a race seen once in nine runs).
 * Such an answer concerns no watch anyone follows: reported and dropped. Anything else still throws.
 */
function guardWatchManager(client: Etcd3, report: (message: string) => void): void {
  type Handler = (res: unknown) => void;
  const manager = (client as unknown as { watchManager?: Record<string, unknown> }).watchManager;
  if (manager === undefined) return; // another etcd3 layout: nothing to guard
  for (const name of ['handleResponse', 'handleCreatedResponse']) {
    const original = manager[name];
    if (typeof original !== 'function') continue;
    manager[name] = (res: unknown) => {
      try {
        (original as Handler).call(manager, res);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!/Failed to find watcher|found no pending watchers/.test(message)) throw err;
        report(`watch: etcd answered for a watch this client no longer has (dropped): ${message}`);
      }
    };
  }
}

/** Longest wait for etcd to confirm a watch's cancel (on close, or for a watch replaced after a reconnect). */
const CANCEL_WAIT_MS = 2_000;

/** Cancels a watcher, waiting at most `ms` for etcd's answer (never rejects). */
function cancelWithin(w: Watcher, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    w.cancel().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
