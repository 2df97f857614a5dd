/**
 * One problem model for every document this package validates (the regions config at synth, the
 * routing table at run time): a problem names where (`path`), what was there (`value`) and what is
 * wrong and allowed (`message`), and one formatter prints a list of them.
 *
 * It lives in the runtime, the lowest layer: `lib/` may import the runtime, the runtime never
 * imports `lib/`. Nothing here throws while formatting, whatever the value: NaN, Infinity, BigInt,
 * Symbol, functions, promises, circular structures, proxies and getters that throw, huge strings
 * and huge lists are all printed safely and briefly.
 */

/** One thing wrong with a document. */
export interface Problem {
  /** Path into the document, e.g. `regions[3].cidr` or `countries.DE`; `''` for the document itself. */
  readonly path: string;
  /**
   * The value found at `path`; `undefined` when the field is missing or when the problem is about
   * a relation between several values (the message then names them).
   */
  readonly value?: unknown;
  /**
   * What is wrong and what is allowed, written as a predicate on the value: `is not allowed;
   * allowed: "a", "b"`, `must be a number`, `is missing; it must be a string`.
   */
  readonly message: string;
}

/** How many problems a report prints before summarising the rest. */
export const DEFAULT_PROBLEM_LIMIT = 50;
/** How many characters a value may take in a message. */
export const DEFAULT_VALUE_LENGTH = 80;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["regions", 3, "cidr"]` → `regions[3].cidr`; keys that are not identifiers are quoted: `a["b c"]`, invisible and control characters escaped as in {@link formatValue}. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'symbol') out += `[${safeSymbol(part)}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += `[${JSON.stringify(part.length > 40 ? `${part.slice(0, 37)}...` : part).replace(UNSAFE_CHARACTERS, escapeCharacter)}]`;
  }
  return out;
}

/**
 * The value at `path` inside `input`, or undefined where the path leads nowhere. Never throws:
 * a getter that throws or a proxy that refuses reads as undefined.
 */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || (typeof cur !== 'object' && typeof cur !== 'function')) return undefined;
    try {
      const desc = Object.getOwnPropertyDescriptor(cur, part);
      if (desc === undefined || !('value' in desc)) return undefined;
      cur = desc.value;
    } catch {
      return undefined;
    }
  }
  return cur;
}

function safeSymbol(symbol: symbol): string {
  try {
    return symbol.toString();
  } catch {
    return 'Symbol()';
  }
}

/** A budgeted writer: stops accepting text once the limit is passed. */
class Out {
  text = '';
  constructor(readonly limit: number) {}
  get full(): boolean {
    return this.text.length > this.limit;
  }
  /** Characters left before the limit. */
  get room(): number {
    return Math.max(0, this.limit - this.text.length);
  }
  put(s: string): void {
    if (!this.full) this.text += s.length > this.limit + 1 ? s.slice(0, this.limit + 1) : s;
  }
}

function quote(s: string, room: number): string {
  // Cut before quoting, so a 100 MB string is never copied whole.
  return JSON.stringify(s.length > room ? s.slice(0, room + 1) : s);
}

function write(value: unknown, out: Out, seen: Set<object>, depth: number): void {
  if (out.full) return;
  switch (typeof value) {
    case 'undefined':
      return out.put('undefined');
    case 'string':
      return out.put(quote(value, out.room));
    case 'number':
      return out.put(Object.is(value, -0) ? '-0' : String(value)); // NaN, Infinity as themselves
    case 'bigint':
      return out.put(`${value}n`);
    case 'boolean':
      return out.put(String(value));
    case 'symbol':
      return out.put(safeSymbol(value));
    case 'function': {
      let name = '';
      try {
        const n: unknown = (value as { name?: unknown }).name;
        name = typeof n === 'string' ? n : '';
      } catch {
        // a function whose name getter throws is still a function
      }
      return out.put(name ? `[function ${name}]` : '[function]');
    }
  }
  if (value === null) return out.put('null');
  const obj = value as object;
  if (seen.has(obj)) return out.put('[circular]');
  if (depth > 8) return out.put('[…]');
  seen.add(obj);
  try {
    if (obj instanceof Promise) return out.put('[Promise]');
    if (obj instanceof Date) return out.put(Number.isNaN(obj.getTime()) ? 'Invalid Date' : `Date(${obj.toISOString()})`);
    if (obj instanceof RegExp) return out.put(String(obj));
    if (obj instanceof Map || obj instanceof Set) return out.put(`${obj instanceof Map ? 'Map' : 'Set'}(${obj.size})`);
    if (Array.isArray(obj)) {
      const length = obj.length;
      out.put('[');
      for (let i = 0; i < length && !out.full; i++) {
        if (i > 0) out.put(',');
        writeProperty(obj, String(i), out, seen, depth);
      }
      out.put(']');
      return;
    }
    const keys = Reflect.ownKeys(obj).filter((k) => typeof k === 'string' || Object.getOwnPropertyDescriptor(obj, k)?.enumerable);
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== null && proto !== Object.prototype) {
      const ctor: unknown = (proto as { constructor?: unknown }).constructor;
      const name = typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
      if (name && name !== 'Object') out.put(`${name} `);
    }
    out.put('{');
    keys.forEach((key, i) => {
      if (out.full) return;
      if (i > 0) out.put(',');
      out.put(typeof key === 'symbol' ? `[${safeSymbol(key)}]` : IDENTIFIER.test(key) ? key : quote(key, 40));
      out.put(':');
      writeProperty(obj, key, out, seen, depth);
    });
    out.put('}');
  } catch {
    out.put('[unreadable object]');
  } finally {
    seen.delete(obj);
  }
}

/** Writes one property without calling its getter (a getter may throw or have effects). */
function writeProperty(obj: object, key: PropertyKey, out: Out, seen: Set<object>, depth: number): void {
  let desc: PropertyDescriptor | undefined;
  try {
    desc = Object.getOwnPropertyDescriptor(obj, key);
  } catch {
    return out.put('[unreadable]');
  }
  if (desc === undefined) return out.put('undefined'); // array hole
  if (!('value' in desc)) return out.put('[getter]');
  write(desc.value, out, seen, depth + 1);
}

/**
 * Characters that act on a terminal or change what a reader sees without showing themselves: the
 * controls (C0, DEL, C1: a CSI is U+009B), the line and paragraph separators, the bidirectional
 * controls (marks, embeddings, overrides, isolates: U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069) and the other invisible characters (format characters and default-ignorable code
 * points: zero-width space, joiners, word joiner, byte order mark, soft hyphen, variation selectors,
 * tag characters, Hangul fillers).
 */
const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'gu');
const BIDI_CONTROL = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/u;

/** `U+200B`, `U+E0041`: how a message names a character. */
export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A character as an escape: `\u200b`, or `\u{e0041}` outside the basic plane. */
function escapeCharacter(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with its control, bidirectional and invisible characters escaped (`\u200b`), as {@link formatValue} prints them. */
export function escapeUnsafeCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, escapeCharacter);
}

/** The first control, bidirectional or invisible character of a text (see {@link formatValue}), or undefined. */
export function unsafeCharacter(
  text: string,
):
  | { readonly char: string; readonly index: number; readonly kind: 'control' | 'line separator' | 'bidirectional control' | 'invisible' }
  | undefined {
  const m = UNSAFE_CHARACTER.exec(text);
  if (m === null) return undefined;
  const char = m[0];
  const kind = /\p{Cc}/u.test(char)
    ? 'control'
    : /[\p{Zl}\p{Zp}]/u.test(char)
      ? 'line separator'
      : BIDI_CONTROL.test(char)
        ? 'bidirectional control'
        : 'invisible';
  return { char, index: m.index, kind };
}

/**
 * A short, single-line rendering of any value for a message: JSON-like, with `NaN`, `Infinity`,
 * `12n`, `Symbol(x)`, `[function f]`, `[Promise]`, `[circular]`, `[getter]` (never called), and
 * long strings and lists cut at `maxLength` characters (a list cut short says how many items it has).
 * Control, bidirectional and invisible characters are escaped (`\u200b`, `\u202e`). Never throws.
 */
export function formatValue(value: unknown, maxLength: number = DEFAULT_VALUE_LENGTH): string {
  const limit = Math.max(8, maxLength);
  const out = new Out(limit);
  try {
    write(value, out, new Set(), 0);
  } catch {
    return '[unprintable value]';
  }
  // JSON.stringify leaves DEL, the C1 controls (a CSI is U+009B), the bidirectional overrides and
  // the invisible characters as they are: escaped here, so that a printed value cannot drive or
  // reorder the terminal, and "eu-west-2\u200b" does not print as "eu-west-2".
  const text = out.text.replace(UNSAFE_CHARACTERS, escapeCharacter);
  if (text.length <= limit) return text;
  let items = '';
  try {
    if (Array.isArray(value)) items = ` (${value.length} items)`;
  } catch {
    // a revoked proxy: no count
  }
  return `${text.slice(0, limit - 3)}...${items}`;
}

/** One problem as one line: `path: value message` (`path: message` when there is no value). */
export function formatProblem(problem: Problem): string {
  const path = problem.path === '' ? '(root)' : problem.path;
  return problem.value === undefined ? `${path}: ${problem.message}` : `${path}: ${formatValue(problem.value)} ${problem.message}`;
}

/** Options of {@link formatProblems}. */
export interface FormatProblemsOptions {
  /** Problems printed before the rest are summarised as a count. @default 50 */
  readonly limit?: number;
}

/**
 * A report of every problem of a document, at most `limit` of them listed, the rest counted:
 *
 * ```
 * regions.config.ts is not valid (2 problems):
 *   - regions[6].cidr: "10.20.0.0/16" overlaps 10.20.0.0/16 of eu-west-1; …
 *   - regions[9].compliance[1]: "LGPD" is not allowed; allowed: "PDPO", …
 * ```
 */
export function formatProblems(subject: string, problems: readonly Problem[], options: FormatProblemsOptions = {}): string {
  const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_PROBLEM_LIMIT));
  const n = problems.length;
  const lines = [`${subject} is not valid (${n} problem${n === 1 ? '' : 's'}):`];
  for (const p of problems.slice(0, limit)) lines.push(`  - ${formatProblem(p)}`);
  if (n > limit) lines.push(`  … and ${n - limit} more problem${n - limit === 1 ? '' : 's'} (the first ${limit} are listed)`);
  return lines.join('\n');
}

/** An error that carries every problem of a document; its message is {@link formatProblems}'s report. */
export class ProblemsError extends Error {
  /** Every problem found (the message lists the first {@link DEFAULT_PROBLEM_LIMIT}). */
  readonly problems: readonly Problem[];
  /** What was validated, e.g. `regions.config.ts` or `routing table cdktf.out/routing-table.json`. */
  readonly subject: string;

  constructor(subject: string, problems: readonly Problem[], options: FormatProblemsOptions = {}) {
    super(formatProblems(subject, problems, options));
    this.name = 'ProblemsError';
    this.subject = subject;
    this.problems = problems;
  }
}
