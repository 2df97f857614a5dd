/**
 * Service registry contract shared by the in-memory and etcd implementations.
 *
 * Key layout: `/services/<region>/<name>/<id>`; the value is the JSON of a {@link ServiceInstance}.
 */
import { isIP } from 'node:net';
import { formatValue } from '../problem';
import { z } from 'zod';

export const SERVICE_KEY_PREFIX = '/services/';

/** Health an instance reports about itself (the failover controller has its own view). */
export const instanceHealthSchema = z.enum(['passing', 'warning', 'critical']);
export type InstanceHealth = z.infer<typeof instanceHealthSchema>;

const SEGMENT = /^[A-Za-z0-9._:@-]+$/;
const SEGMENT_RULE = 'non-empty, at most 128 characters of A-Z a-z 0-9 . _ : @ - (no "/")';

/** Throws a clear error unless `value` can be one segment of a registry key. */
export function validateSegment(field: 'region' | 'name' | 'id', value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128 || !SEGMENT.test(value)) {
    throw new Error(`service registry: invalid ${field} ${formatValue(value)}; allowed: ${SEGMENT_RULE}`);
  }
  return value;
}

const segment = (field: 'region' | 'name' | 'id') =>
  z.string().refine((v) => SEGMENT.test(v) && v.length <= 128, { message: `${field}: ${SEGMENT_RULE}` });

/** A DNS host name: dot-separated labels of letters, digits and hyphens (RFC 1123), at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const ADDRESS_RULE =
  'a host name, an IPv4 address or an IPv6 address (bracketed or not), with no scheme, port or path: the port is its own field';

/** Where an instance listens: a host name or an IP address, nothing else (`127.0.0.1/foo` lost its port, `host:8080` was dropped silently). */
function isInstanceAddress(v: string): boolean {
  if (v.includes('%')) return false; // a zone id (fe80::1%eth0) makes no URL
  const bare = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  if (bare !== v) return isIP(bare) === 6;
  // A name whose last label is all digits is no host name (RFC 3696 §2) but an IP in another
  // spelling (1.2.3.4.5, 2130706433, 127.1, 0x7f.1): the URL parser reads or refuses it.
  return isIP(v) !== 0 || (HOST_NAME.test(v) && !/(?:^|\.)(?:\d+|0x[0-9a-f]+)\.?$/i.test(v));
}

export const serviceInstanceSchema = z
  .object({
    id: segment('id'),
    name: segment('name'),
    region: segment('region'),
    address: z.string().refine(isInstanceAddress, { message: ADDRESS_RULE }),
    port: z.number().int().min(1).max(65535),
    metadata: z
      .record(z.string(), z.string())
      .refine((m) => m.scheme === undefined || m.scheme === 'http' || m.scheme === 'https', {
        message: 'its "scheme" must be "http" or "https" (default "http")',
      })
      .default({}),
    health: instanceHealthSchema.default('passing'),
  })
  .strict();

export type ServiceInstance = z.infer<typeof serviceInstanceSchema>;
/** What `register` accepts: metadata and health may be omitted. */
export type ServiceInstanceInput = z.input<typeof serviceInstanceSchema>;

export interface RegisterOptions {
  /** Lease TTL in whole seconds (>= 1): the instance disappears this long after its owner stops keeping it alive. */
  ttlSeconds: number;
}

export interface RegistrationHandle {
  readonly key: string;
  readonly instance: ServiceInstance;
  /** Removes the instance now and stops keeping it alive. Idempotent. */
  deregister(): Promise<void>;
}

export interface WatchFilter {
  region?: string;
  /** Requires `region`. */
  name?: string;
}

export type WatchEvent =
  | { type: 'put'; key: string; region: string; name: string; id: string; instance: ServiceInstance }
  | { type: 'delete'; key: string; region: string; name: string; id: string };

export type WatchListener = (event: WatchEvent) => void;

export interface WatchHandle {
  close(): Promise<void>;
}

export interface WatchOptions {
  /**
   * Gives up a watch not yet established (a registry that retries until its store answers): the
   * promise rejects with the signal's reason, no retry is left pending, and no watch is opened.
   */
  signal?: AbortSignal;
}

export interface CloseOptions {
  /** true (default): remove this client's instances. false: just stop keeping them alive; they expire with their TTL. */
  deregister?: boolean;
}

export interface ServiceRegistry {
  register(instance: ServiceInstanceInput, options: RegisterOptions): Promise<RegistrationHandle>;
  discover(region: string, name: string): Promise<ServiceInstance[]>;
  /** Resolves once the watch is established: events after that are delivered. `signal` cancels a pending start. */
  watch(filter: WatchFilter, listener: WatchListener, options?: WatchOptions): Promise<WatchHandle>;
  close(options?: CloseOptions): Promise<void>;
}

/** `/services/<region>/<name>/<id>` after validating each segment. */
export function serviceKey(region: string, name: string, id: string): string {
  return `${SERVICE_KEY_PREFIX}${validateSegment('region', region)}/${validateSegment('name', name)}/${validateSegment('id', id)}`;
}

/** The key prefix a watch filter covers. */
export function watchPrefix(filter: WatchFilter): string {
  if (filter.name !== undefined && filter.region === undefined) {
    throw new Error(
      `service registry: watch filter name ${JSON.stringify(filter.name)} needs a region; allowed: {}, {region}, {region, name}`,
    );
  }
  if (filter.region === undefined) return SERVICE_KEY_PREFIX;
  const region = validateSegment('region', filter.region);
  if (filter.name === undefined) return `${SERVICE_KEY_PREFIX}${region}/`;
  return `${SERVICE_KEY_PREFIX}${region}/${validateSegment('name', filter.name)}/`;
}

/** Splits a key into its segments, or undefined if it is not a service key. */
export function parseServiceKey(key: string): { region: string; name: string; id: string } | undefined {
  if (!key.startsWith(SERVICE_KEY_PREFIX)) return undefined;
  const parts = key.slice(SERVICE_KEY_PREFIX.length).split('/');
  if (parts.length !== 3 || parts.some((p) => !SEGMENT.test(p))) return undefined;
  const [region, name, id] = parts;
  return { region, name, id };
}

/** Validates an instance for registration; errors name the field, the value and the rule. */
export function parseInstance(input: unknown): ServiceInstance {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    validateSegment('region', o.region);
    validateSegment('name', o.name);
    validateSegment('id', o.id);
  }
  const res = serviceInstanceSchema.safeParse(input);
  if (!res.success) {
    // The value cut short (a 1 MB value in etcd was logged whole, once per key, and kept by the log limiter).
    const issues = res.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message.slice(0, 200)}`)
      .join('; ');
    throw new Error(`service registry: invalid instance ${formatValue(input, 200)}: ${issues}`);
  }
  return res.data;
}

/** etcd's longest lease TTL (MaxLeaseTTL, 9e9 s); both registries take the same range. */
export const MAX_TTL_SECONDS = 9_000_000_000;

export function validateTtl(ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new Error(
      `service registry: invalid ttlSeconds ${formatValue(ttlSeconds)}; allowed: an integer from 1 to ${MAX_TTL_SECONDS} (etcd's longest lease)`,
    );
  }
  return ttlSeconds;
}
