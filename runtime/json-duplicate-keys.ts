/**
 * Duplicate keys in a JSON text. `JSON.parse` keeps the last of two equal keys silently, so a
 * routing table with `"DE"` twice in `countries` would route Germany by whichever line came last.
 * This scanner walks a text that `JSON.parse` already accepted (so it only needs to track strings,
 * nesting and keys) and reports each repeated key with its path. Linear in the text.
 */
import { join } from './private/checker';

/** A key that appears more than once in the same object. */
export interface DuplicateKey {
  /** Path of the key, e.g. `countries.DE`. */
  readonly path: string;
  /** How many times it appears in that object. */
  readonly count: number;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly keys: Map<string, number> | undefined;
  /** Next array index, or the pending key of an object. */
  index: number;
  key: string | undefined;
  /** In an object: the next string is a key (true) or a value (false). */
  expectKey: boolean;
}

/** Every key that appears more than once in one object of `text` (valid JSON), in order of first repeat. */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const stack: Frame[] = [];
  const found = new Map<string, number>();
  const childPath = (frame: Frame | undefined): string =>
    frame === undefined ? '' : frame.kind === 'array' ? join(frame.path, frame.index) : join(frame.path, frame.key ?? '');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const cj = text.charCodeAt(j);
        if (cj === 0x5c /* \ */) {
          escaped = true;
          j++;
        } else if (cj === 0x22) break;
      }
      if (top?.kind === 'object' && top.expectKey) {
        const raw = text.slice(i, j + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const seen = (top.keys!.get(key) ?? 0) + 1;
        top.keys!.set(key, seen);
        if (seen > 1) found.set(join(top.path, key), seen);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      stack.push({
        kind: ch === 0x7b ? 'object' : 'array',
        path: childPath(top),
        keys: ch === 0x7b ? new Map() : undefined,
        index: 0,
        key: undefined,
        expectKey: true,
      });
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
    } else if (ch === 0x2c /* , */ && top !== undefined) {
      if (top.kind === 'array') top.index++;
      else top.expectKey = true;
    }
  }
  return [...found].map(([path, count]) => ({ path, count }));
}

/** Deepest nesting of arrays and objects a JSON file of this project may have (a routing table needs 5). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `text` nests arrays and objects deeper than `max`, found by one scan that skips strings
 * and allocates nothing: checked before JSON.parse, which took seconds and a gigabyte for a file of
 * four million `[`.
 */
export function jsonNestedDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const cj = text.charCodeAt(i);
        if (cj === 0x5c /* \ */) i++;
        else if (cj === 0x22) break;
      }
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
