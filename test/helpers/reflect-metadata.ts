/**
 * @peculiar/x509 resolves its services through tsyringe, which refuses to load without the Reflect
 * metadata API (normally the `reflect-metadata` package, which is not installed here). tsyringe uses
 * only defineMetadata / getMetadata / getOwnMetadata; this is that much of the API, for tests only.
 */
const store = new WeakMap<object, Map<unknown, unknown>>();
const r = Reflect as unknown as Record<string, unknown>;
if (typeof r.getMetadata !== 'function') {
  const own = (target: object, key: unknown) => store.get(target)?.get(key);
  r.defineMetadata = (key: unknown, value: unknown, target: object) => {
    if (!store.has(target)) store.set(target, new Map());
    store.get(target)!.set(key, value);
  };
  r.getOwnMetadata = own;
  r.getMetadata = (key: unknown, target: object) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const v = own(t, key);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}
export {};
