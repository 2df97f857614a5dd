/**
 * cdktf writes every stack and the manifest with json-stable-stringify 1.3.0 (`stringify(json,
 * { space: 2 })`: keys sorted, two-space indent, an empty object written as `{` newline `}`). That
 * package builds the indent string character by character for every value, searches the list of
 * open objects for cycles and calls through bound prototype methods; over this platform's 1.6 MB of
 * JSON it is about a tenth of the synth (bench/synth).
 *
 * The app's bundle (bin/compiled.js) resolves `json-stable-stringify` to this module: the same text
 * for the calls cdktf makes (an optional `space`, nothing else), written with precomputed indents
 * and native `JSON.stringify` for strings, numbers and keys; any other option goes to the package
 * itself. test/stacks/stable-json.test.ts compares both on generated values, and
 * test/stacks/synth-direct.test.ts the bundled app's files with plain cdktf's.
 */
type Options = { space?: string | number; [other: string]: unknown };
type StableStringify = (value: unknown, options?: Options | ((...args: unknown[]) => number)) => string | undefined;

let library: StableStringify | undefined;
/** The package itself, for the options this module does not implement. */
function packageStringify(): StableStringify {
  // cdktf's own copy (a dependency of cdktf, not of this project)
  library ??= require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf')] })) as StableStringify;
  return library;
}

/**
 * json-stable-stringify's text of `value`: keys sorted by code unit, `toJSON` honoured, undefined
 * and functions left out of objects and written as null in arrays, a cycle a TypeError.
 */
function stableStringify(value: unknown, options?: Options | ((...args: unknown[]) => number)): string | undefined {
  const plain =
    options === undefined ||
    (typeof options === 'object' &&
      options !== null &&
      Object.keys(options).every((k) => k === 'space') &&
      (options.space === undefined ||
        typeof options.space === 'string' ||
        (typeof options.space === 'number' && Number.isInteger(options.space) && options.space >= 0 && options.space <= 100)));
  if (!plain) return packageStringify()(value, options);
  const space = typeof options?.space === 'number' ? ' '.repeat(options.space) : (options?.space ?? '');
  const colon = space ? ': ' : ':';
  const indents: string[] = [];
  const indent = (level: number): string => (indents[level] ??= space ? `\n${space.repeat(level)}` : '');
  const open = new Set<object>();

  function write(node: unknown, level: number): string | undefined {
    if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON: () => unknown }).toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const inner = indent(level + 1);
    const close = indent(level);
    if (Array.isArray(node)) {
      let out = '[';
      for (let i = 0; i < node.length; i++) out += `${i ? ',' : ''}${inner}${write(node[i], level + 1) || 'null'}`;
      return `${out}${close}]`;
    }
    if (open.has(node)) throw new TypeError('Converting circular structure to JSON');
    open.add(node);
    const keys = Object.keys(node).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const text = write((node as Record<string, unknown>)[key], level + 1);
      if (!text) continue;
      out += `${first ? '' : ','}${inner}${JSON.stringify(key)}${colon}${text}`;
      first = false;
    }
    open.delete(node);
    return `${out}${close}}`;
  }

  return write(value, 0);
}

// the package's shape: the module is the function
export = stableStringify;
