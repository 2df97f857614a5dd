/**
 * Upstream instances from a service registry (`/services/<region>/<service>/<id>`): discovered at
 * start, then followed with a watch. When the registry is unreachable (etcd stopped) nothing is
 * removed: the gateway keeps the last known instances, and the watch resumes when it returns.
 */
import type { Logger } from 'pino';
import type { ServiceInstance, ServiceRegistry, WatchEvent, WatchHandle } from '../runtime/registry/types';

/** The origin an instance serves on: `metadata.scheme` (http or https, default http), address and port. */
export function instanceOrigin(instance: ServiceInstance): string | undefined {
  const scheme = instance.metadata.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const host = instance.address.includes(':') && !instance.address.startsWith('[') ? `[${instance.address}]` : instance.address;
  try {
    return new URL(`${scheme}://${host}:${instance.port}`).origin;
  } catch {
    return undefined;
  }
}

export class RegistryUpstreams {
  /** region → instance id → origin */
  readonly #instances = new Map<string, Map<string, string>>();
  #regions = new Set<string>();
  #watch: WatchHandle | undefined;
  /** Aborted by close(): a start still waiting for the registry gives up, and opens no watch after it. */
  readonly #stop = new AbortController();

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly service: string,
    private readonly logger: Logger,
    private readonly onChange: (region: string, origins: readonly string[]) => void,
  ) {}

  /**
   * Discovers every region's instances, then watches. Throws when the registry cannot be read at
   * start, and when {@link close} is called before the start is done (it then leaves nothing behind:
   * no retry pending in the registry, no watch, no instance reported).
   */
  async start(regions: readonly string[]): Promise<void> {
    this.#regions = new Set(regions);
    const stop = this.#stop.signal;
    const watch = await this.registry.watch({}, (event) => this.#onEvent(event), { signal: stop });
    if (stop.aborted) {
      // A registry that does not take the signal: its watch is closed here.
      await watch.close().catch(() => undefined);
      stop.throwIfAborted();
    }
    this.#watch = watch;
    for (const region of regions) {
      const found = await this.registry.discover(region, this.service);
      stop.throwIfAborted();
      const map = new Map<string, string>();
      for (const instance of found) {
        const origin = instanceOrigin(instance);
        if (origin !== undefined && instance.health !== 'critical') map.set(instance.id, origin);
      }
      this.#instances.set(region, map);
      this.onChange(region, this.origins(region));
    }
  }

  /** Regions of the table now serving (after a reload). */
  setRegions(regions: readonly string[]): void {
    this.#regions = new Set(regions);
    for (const region of regions) this.onChange(region, this.origins(region));
  }

  origins(region: string): string[] {
    return [...(this.#instances.get(region)?.values() ?? [])];
  }

  #onEvent(event: WatchEvent): void {
    if (event.name !== this.service || this.#stop.signal.aborted) return;
    let map = this.#instances.get(event.region);
    if (map === undefined) {
      map = new Map();
      this.#instances.set(event.region, map);
    }
    if (event.type === 'put') {
      const origin = instanceOrigin(event.instance);
      if (origin === undefined || event.instance.health === 'critical') map.delete(event.id);
      else map.set(event.id, origin);
    } else {
      map.delete(event.id);
    }
    this.logger.info({ event: 'registry', type: event.type, region: event.region, id: event.id }, 'registry change');
    if (this.#regions.has(event.region)) this.onChange(event.region, this.origins(event.region));
  }

  /** Stops following the registry; a start still in progress is given up. Idempotent. */
  async close(): Promise<void> {
    this.#stop.abort(new Error('the registry watch was closed before it started'));
    await this.#watch?.close().catch(() => undefined);
    this.#watch = undefined;
  }
}
