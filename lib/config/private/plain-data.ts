/**
 * Copies what a config module exported into plain data (objects, lists, strings, numbers,
 * booleans, null) before the schema sees it, so that nothing a module can export makes the
 * validator crash or run out of memory: every value that is not plain data becomes a problem at
 * its path, and the copy leaves it out.
 */
import { formatPath, formatValue, type Problem } from '../../../runtime/problem';

/** Bounds on what a config may contain (far above any real config; they keep a mistake from exhausting memory). */
export interface PlainDataLimits {
  /** Items in one list. */
  readonly maxItems: number;
  /** Characters in one string. */
  readonly maxStringLength: number;
  /** Nesting depth. */
  readonly maxDepth: number;
  /** Values in the whole document. */
  readonly maxValues: number;
}

export const DEFAULT_PLAIN_DATA_LIMITS: PlainDataLimits = {
  maxItems: 10_000,
  maxStringLength: 10_000,
  maxDepth: 16,
  maxValues: 200_000,
};

/** The message of something thrown: an Error's message, a thrown string as itself, anything else formatted. */
export function describeThrown(thrown: unknown): string {
  try {
    // Duck-typed, not instanceof: an Error from another realm (a vm context) is still an Error.
    if (Object.prototype.toString.call(thrown) === '[object Error]') {
      const { name, message } = thrown as { name: unknown; message: unknown };
      return `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message.split('\n')[0] : ''}`;
    }
    if (typeof thrown === 'string') return JSON.stringify(thrown.length > 200 ? `${thrown.slice(0, 197)}...` : thrown);
  } catch {
    // fall through
  }
  return formatValue(thrown);
}

const PLAIN_DATA = 'allowed: plain data (objects, lists, strings, numbers, booleans, null)';

/** The copy and the problems met on the way (each left its value out of the copy). */
export interface PlainDataResult {
  readonly data: unknown;
  readonly problems: Problem[];
  /** False when the document passed `maxValues` and was not read to the end. */
  readonly complete: boolean;
}

export function toPlainData(input: unknown, limits: PlainDataLimits = DEFAULT_PLAIN_DATA_LIMITS): PlainDataResult {
  const problems: Problem[] = [];
  const ancestors = new Map<object, readonly PropertyKey[]>();
  let values = 0;
  let exhausted = false;

  const fail = (path: readonly PropertyKey[], value: unknown, message: string): undefined => {
    problems.push({ path: formatPath(path), value, message });
    return undefined;
  };

  const copy = (value: unknown, path: PropertyKey[]): unknown => {
    if (exhausted) return undefined;
    if (++values > limits.maxValues) {
      exhausted = true;
      return fail(path, undefined, `is where the config passes ${limits.maxValues} values; the rest was not read`);
    }
    switch (typeof value) {
      case 'undefined':
      case 'boolean':
      case 'number': // NaN and Infinity are left to the schema, which names what is allowed there
        return value;
      case 'string':
        return value.length > limits.maxStringLength
          ? fail(path, value, `is ${value.length} characters long; allowed: at most ${limits.maxStringLength}`)
          : value;
      case 'bigint':
        return fail(path, value, `is a BigInt; write a plain number (${PLAIN_DATA})`);
      case 'symbol':
        return fail(path, value, `is a Symbol; ${PLAIN_DATA}`);
      case 'function':
        return fail(path, value, `is a function; ${PLAIN_DATA} (call it and put its result here)`);
    }
    if (value === null) return null;
    const obj = value as object;
    try {
      if (obj instanceof Promise || typeof (obj as { then?: unknown }).then === 'function')
        return fail(path, value, `is a Promise; the config must be the value itself, not a promise of it (no async config)`);
      const seenAt = ancestors.get(obj);
      if (seenAt) return fail(path, undefined, `refers back to ${formatPath(seenAt) || '(root)'}; the config must not contain cycles`);
      if (path.length > limits.maxDepth) return fail(path, value, `is nested deeper than ${limits.maxDepth} levels`);
      const isArray = Array.isArray(obj);
      const proto: unknown = Object.getPrototypeOf(obj);
      // Object.prototype of any realm (a module evaluated in a vm context, structuredClone) has a null prototype.
      if (!isArray && proto !== null && Object.getPrototypeOf(proto) !== null) {
        const ctor: unknown = (proto as { constructor?: unknown } | null)?.constructor;
        const name = typeof ctor === 'function' && ctor.name ? ctor.name : 'object with a prototype';
        return fail(path, value, `is a ${name}; ${PLAIN_DATA}`);
      }
      ancestors.set(obj, [...path]);
      try {
        if (isArray) {
          const list = obj as unknown[];
          if (list.length > limits.maxItems) return fail(path, value, `has ${list.length} items; allowed: at most ${limits.maxItems}`);
          const out: unknown[] = new Array<unknown>(list.length);
          for (let i = 0; i < list.length && !exhausted; i++) out[i] = read(obj, i, path);
          return out;
        }
        const out: Record<string, unknown> = {};
        const keys = Object.keys(obj);
        if (keys.length > limits.maxItems) return fail(path, value, `has ${keys.length} fields; allowed: at most ${limits.maxItems}`);
        for (const key of keys) {
          if (exhausted) break;
          // An own "__proto__" (JSON.parse makes one): copying it by assignment would set the
          // copy's prototype, and its fields would pass for the config's own.
          if (key === '__proto__') {
            fail([...path, key], undefined, 'is not allowed: "__proto__" is not a config field (it would set the object\'s prototype)');
            continue;
          }
          const v = read(obj, key, path);
          if (v !== undefined) out[key] = v;
        }
        return out;
      } finally {
        ancestors.delete(obj);
      }
    } catch (e) {
      return fail(path, undefined, `cannot be read: ${describeThrown(e)}`);
    }
  };

  /** Reads one property, calling a getter inside a guard. */
  const read = (obj: object, key: string | number, parent: PropertyKey[]): unknown => {
    const path = [...parent, key];
    let v: unknown;
    try {
      v = (obj as Record<string | number, unknown>)[key];
    } catch (e) {
      return fail(path, undefined, `cannot be read: its getter threw ${describeThrown(e)}`);
    }
    return copy(v, path);
  };

  const data = copy(input, []);
  return { data, problems, complete: !exhausted };
}
