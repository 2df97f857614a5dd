/**
 * In-process service registry with etcd-like semantics: every registration is bound to a lease
 * that expires `ttlSeconds` after its last keep-alive; the registering client keeps it alive every
 * ttl/3 until it deregisters or closes. Several `MemoryRegistry` clients can share one
 * {@link MemoryStore} (the "server"), which is how tests model a crashed client.
 */
import { type Clock, type TimerHandle, systemClock } from '../clock';
import { callListener } from '../events';
import {
  type CloseOptions,
  type RegisterOptions,
  type RegistrationHandle,
  type ServiceInstance,
  type ServiceInstanceInput,
  type ServiceRegistry,
  type WatchEvent,
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

interface StoredLease {
  id: number;
  ttlMs: number;
  keys: Set<string>;
  timer?: TimerHandle;
}

/** The shared state: keys, leases and watchers. Time comes from the injected clock. */
export class MemoryStore {
  private readonly entries = new Map<string, { instance: ServiceInstance; lease: number }>();
  private readonly leases = new Map<number, StoredLease>();
  private readonly watchers = new Set<{ prefix: string; listener: WatchListener }>();
  private nextLease = 1;

  constructor(readonly clock: Clock = systemClock) {}

  grant(ttlSeconds: number): number {
    const lease: StoredLease = { id: this.nextLease++, ttlMs: validateTtl(ttlSeconds) * 1000, keys: new Set() };
    this.leases.set(lease.id, lease);
    this.arm(lease);
    return lease.id;
  }

  /** The lease a key is bound to, as etcd's `get` tells (undefined for a key that is not there). */
  leaseOf(key: string): number | undefined {
    return this.entries.get(key)?.lease;
  }

  /** Returns false if the lease no longer exists (expired or revoked). */
  keepAlive(leaseId: number): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease) return false;
    this.arm(lease);
    return true;
  }

  revoke(leaseId: number): void {
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    if (lease.timer) this.clock.clearTimeout(lease.timer);
    this.leases.delete(leaseId);
    for (const key of lease.keys) this.delete(key);
  }

  put(key: string, instance: ServiceInstance, leaseId: number): void {
    const lease = this.leases.get(leaseId);
    if (!lease) throw new Error(`memory registry: lease ${leaseId} for key ${key} has expired or was revoked`);
    const previous = this.entries.get(key);
    if (previous && previous.lease !== leaseId) this.leases.get(previous.lease)?.keys.delete(key);
    lease.keys.add(key);
    this.entries.set(key, { instance, lease: leaseId });
    const parts = parseServiceKey(key);
    if (parts) this.notify(key, { type: 'put', key, ...parts, instance: structuredClone(instance) });
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.leases.get(entry.lease)?.keys.delete(key);
    const parts = parseServiceKey(key);
    if (parts) this.notify(key, { type: 'delete', key, ...parts });
  }

  list(prefix: string): ServiceInstance[] {
    const out: ServiceInstance[] = [];
    for (const [key, e] of this.entries) if (key.startsWith(prefix)) out.push(structuredClone(e.instance));
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  watch(prefix: string, listener: WatchListener): () => void {
    const w = { prefix, listener };
    this.watchers.add(w);
    return () => {
      this.watchers.delete(w);
    };
  }

  private arm(lease: StoredLease): void {
    if (lease.timer) this.clock.clearTimeout(lease.timer);
    lease.timer = this.clock.setTimeout(() => this.revoke(lease.id), lease.ttlMs);
  }

  private notify(key: string, event: WatchEvent): void {
    for (const w of [...this.watchers]) {
      if (!key.startsWith(w.prefix)) continue;
      // One listener failing must not hide the event from the others: the runtime's one policy.
      callListener(w.listener, event, 'watch', 'MemoryRegistry');
    }
  }
}

export interface MemoryRegistryOptions {
  clock?: Clock;
  /** Share a store between clients; default: a private one. */
  store?: MemoryStore;
}

/** The embedded default registry. */
export class MemoryRegistry implements ServiceRegistry {
  readonly store: MemoryStore;
  private readonly clock: Clock;
  private readonly registrations = new Set<{ lease: number; timer?: TimerHandle; stop(): void; deregister(): Promise<void> }>();
  private readonly watches = new Set<() => void>();
  private closed = false;

  constructor(options: MemoryRegistryOptions = {}) {
    this.clock = options.clock ?? options.store?.clock ?? systemClock;
    this.store = options.store ?? new MemoryStore(this.clock);
  }

  async register(input: ServiceInstanceInput, options: RegisterOptions): Promise<RegistrationHandle> {
    this.assertOpen('register');
    const instance = parseInstance(input);
    const ttl = validateTtl(options?.ttlSeconds);
    const key = serviceKey(instance.region, instance.name, instance.id);
    const lease = this.store.grant(ttl);
    this.store.put(key, instance, lease);
    const reg = {
      lease,
      timer: undefined as TimerHandle | undefined,
      stop: () => {
        if (reg.timer) this.clock.clearTimeout(reg.timer);
        reg.timer = undefined;
        this.registrations.delete(reg);
      },
      deregister: async () => {
        reg.stop();
        this.store.revoke(lease);
      },
    };
    const keepAlive = () => {
      reg.timer = this.clock.setTimeout(
        () => {
          if (this.store.keepAlive(lease)) keepAlive();
        },
        (ttl * 1000) / 3,
      );
    };
    keepAlive();
    this.registrations.add(reg);
    return { key, instance: structuredClone(instance), deregister: reg.deregister };
  }

  async discover(region: string, name: string): Promise<ServiceInstance[]> {
    this.assertOpen('discover');
    return this.store.list(`${SERVICE_KEY_PREFIX}${validateSegment('region', region)}/${validateSegment('name', name)}/`);
  }

  async watch(filter: WatchFilter, listener: WatchListener, options: WatchOptions = {}): Promise<WatchHandle> {
    this.assertOpen('watch');
    options.signal?.throwIfAborted();
    const unsubscribe = this.store.watch(watchPrefix(filter), listener);
    this.watches.add(unsubscribe);
    return {
      close: async () => {
        unsubscribe();
        this.watches.delete(unsubscribe);
      },
    };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const reg of [...this.registrations]) {
      if (options.deregister === false) reg.stop();
      else await reg.deregister();
    }
    for (const unsubscribe of this.watches) unsubscribe();
    this.watches.clear();
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new Error(`memory registry: ${op} after close()`);
  }
}
