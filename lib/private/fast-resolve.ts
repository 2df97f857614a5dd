/**
 * cdktf resolves every element of every stack three times at synth (preparing the stacks, the
 * compliance view, writing them), and its resolver allocates two contexts with closures, a prefix
 * array and a path string for every key and value it visits, token or not. Over a synth of this
 * platform that is about a third of the CPU time (bench/synth).
 *
 * {@link withFastResolve} replaces cdktf's entry point (`Tokenization.resolve` calls the exported
 * `resolve` of `cdktf/lib/tokens/private/resolve`) for the duration of a function with a walk that
 * copies plain data itself — strings without a token marker, numbers that are not encoded tokens,
 * booleans, `null`, arrays and objects of those — and hands every other value (a token, an encoded
 * string/list/map/number token, a function, a construct, a string the number-token pattern
 * matches, a too deep structure) to cdktf's own resolver with the same options and the same path.
 * Each check is a superset of cdktf's (it may hand over a value cdktf would have copied, never the
 * reverse), so the result, the errors and their paths are cdktf's. cdktf 0.21.0 is the final
 * release, so the private module path is fixed; if it ever differs, nothing is patched.
 * test/stacks/synth-fast-paths.test.ts compares both resolvers on tricky values and on the whole synth.
 */
type ResolveOptions = { prefix?: string[]; previousContext?: unknown; [key: string]: unknown };
type Resolve = (obj: unknown, options: ResolveOptions) => unknown;
type ResolveModule = { resolve?: Resolve };

/** cdktf's NUMBER_TOKEN_REGEX (tokens/private/encoding.js), without the global flag. */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/** In every string, list and map token marker (`${TfToken[`, `#{TfToken[`, `&{TfToken[`). */
const TOKEN_MARKER = 'TfToken[';
const LIST_TOKEN_MARKER = '#{TfToken[';
const MAP_TOKEN_MARKER = '&{TfToken[';
/**
 * An encoded number token is a double with the top 16 bits 0xfdff (string token) or 0xfbff (list
 * token): magnitude above 1e288. Anything smaller (and NaN) is a plain number.
 */
const PLAIN_NUMBER_LIMIT = 1e250;
/** cdktf's recursion limit (a deeper path is a circular reference, reported by cdktf). */
const MAX_DEPTH = 200;

function resolveModule(): ResolveModule | undefined {
  try {
    return require('cdktf/lib/tokens/private/resolve') as ResolveModule;
  } catch {
    return undefined;
  }
}

function mapTokenValues(): { strings: string[]; number: number } | undefined {
  try {
    const { Token } = require('cdktf/lib/tokens/token') as {
      Token: { STRING_MAP_TOKEN_VALUE: string; ANY_MAP_TOKEN_VALUE: string; NUMBER_MAP_TOKEN_VALUE: number };
    };
    return { strings: [Token.STRING_MAP_TOKEN_VALUE, Token.ANY_MAP_TOKEN_VALUE], number: Token.NUMBER_MAP_TOKEN_VALUE };
  } catch {
    return undefined;
  }
}

/** A resolver with the same results as `original` (cdktf's), faster on plain data. */
export function makeFastResolve(original: Resolve, mapTokens: { strings: string[]; number: number }): Resolve {
  const plainString = (s: string) => !s.includes(TOKEN_MARKER) && !mapTokens.strings.includes(s) && !NUMBER_TOKEN.test(s);
  const plainNumber = (n: number) => !(Math.abs(n) >= PLAIN_NUMBER_LIMIT) && n !== mapTokens.number;

  return function fastResolve(obj: unknown, options: ResolveOptions): unknown {
    const path: string[] = options.prefix ? [...options.prefix] : [];
    const handOver = (x: unknown) => original(x, { ...options, prefix: [...path] });

    function walk(x: unknown): unknown {
      if (path.length > MAX_DEPTH) return handOver(x);
      switch (typeof x) {
        case 'undefined':
          return undefined;
        case 'string':
          return plainString(x) ? x : handOver(x);
        case 'number':
          return plainNumber(x) ? x : handOver(x);
        case 'object':
          break;
        case 'function':
          return handOver(x);
        default:
          return x; // boolean, bigint, symbol: as is
      }
      if (x === null || x instanceof Date) return x;
      if (Array.isArray(x)) {
        for (const e of x as unknown[])
          if ((typeof e === 'string' && e.includes(LIST_TOKEN_MARKER)) || (typeof e === 'number' && Math.abs(e) >= PLAIN_NUMBER_LIMIT))
            return handOver(x);
        const out: unknown[] = [];
        for (let i = 0; i < x.length; i++) {
          path.push(`${i}`);
          const v = walk(x[i]);
          path.pop();
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      const o = x as Record<string, unknown> & { resolve?: unknown; _children?: unknown; _metadata?: unknown };
      // a token (IResolvable), a construct (cdktf refuses it), a map token or a key that is not plain text
      if (typeof o.resolve === 'function' || (o._children !== undefined && o._metadata !== undefined)) return handOver(x);
      const keys = Object.keys(o);
      for (const k of keys) if (k.includes(MAP_TOKEN_MARKER) || !plainString(k)) return handOver(x);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        path.push(k);
        const v = walk(o[k]);
        path.pop();
        if (v !== undefined) out[k] = v;
      }
      return out;
    }

    return walk(obj);
  };
}

/** Runs `fn` with cdktf's resolver replaced by {@link makeFastResolve} (unless `keep`), restoring it afterwards. */
export function withFastResolve<T>(fn: () => T, keep = false): T {
  const mod = keep ? undefined : resolveModule();
  const original = mod?.resolve;
  const mapTokens = mapTokenValues();
  if (!mod || typeof original !== 'function' || !mapTokens) return fn();
  mod.resolve = makeFastResolve(original, mapTokens);
  try {
    return fn();
  } finally {
    mod.resolve = original;
  }
}
