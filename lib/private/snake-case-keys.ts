/**
 * Every resource's `toTerraform()` converts its meta-arguments' keys (and a remote state's config)
 * to snake_case with cdktf's `keysToSnakeCase`, which runs three regular-expression replacements
 * per key per call; the same few dozen keys are converted tens of thousands of times per synth.
 *
 * {@link withCachedSnakeCase} replaces cdktf's exported `keysToSnakeCase` (callers read it from the
 * module object at each call) for the duration of a function with the same conversion that
 * remembers each key's snake_case form. cdktf 0.21.0 is the final release, so the module is fixed;
 * if it ever differs, nothing is patched. test/stacks/synth-fast-paths.test.ts compares both on
 * generated objects and keys.
 */
type Util = { keysToSnakeCase?: (object: unknown) => unknown; snakeCase?: (s: string) => string };
type Tokens = { Tokenization: { isResolvable(x: unknown): boolean } };

/** Most distinct keys remembered; beyond it the memory starts over (a platform has a few hundred). */
const MAX_REMEMBERED = 10_000;

/** cdktf's `keysToSnakeCase` with a memory of converted keys (same result for every input). */
export function makeCachedKeysToSnakeCase(
  snakeCase: (s: string) => string,
  isResolvable: (x: unknown) => boolean,
): (object: unknown) => unknown {
  const remembered = new Map<string, string>();
  const snake = (key: string): string => {
    let s = remembered.get(key);
    if (s === undefined) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(key, (s = snakeCase(key)));
    }
    return s;
  };
  const inArray = (e: unknown) => (typeof e === 'object' ? convert(e) : e);
  function convert(object: unknown): unknown {
    if (isResolvable(object)) return object;
    if (Array.isArray(object)) return object.map(inArray);
    const source = object as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      if (key === 'tags' || key === 'environment') {
        out[key] = source[key];
        continue;
      }
      let value = source[key];
      if (typeof value === 'object') value = convert(value);
      if (Array.isArray(value)) value = value.map(inArray);
      out[snake(key)] = value;
    }
    return out;
  }
  return convert;
}

/** Runs `fn` with cdktf's keysToSnakeCase remembering converted keys, restoring cdktf's after. */
export function withCachedSnakeCase<T>(fn: () => T): T {
  let util: Util;
  let tokens: Tokens;
  try {
    util = require('cdktf/lib/util') as Util;
    tokens = require('cdktf/lib/tokens') as Tokens;
  } catch {
    return fn();
  }
  const original = util.keysToSnakeCase;
  if (typeof original !== 'function' || typeof util.snakeCase !== 'function') return fn();
  util.keysToSnakeCase = makeCachedKeysToSnakeCase(util.snakeCase, (x) => tokens.Tokenization.isResolvable(x));
  try {
    return fn();
  } finally {
    util.keysToSnakeCase = original;
  }
}
