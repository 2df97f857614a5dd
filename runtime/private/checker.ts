/**
 * A small structural checker that collects {@link Problem}s instead of stopping at the first: each
 * check returns the value when it is valid and `undefined` (after recording a problem) when not,
 * so a caller can keep checking everything else, including relations between the parts that are
 * valid. Messages are predicates on the value (`must be …`, `is missing; it must be …`).
 */
import { formatValue, type Problem } from '../problem';

/** Bounds of a number: inclusive `min`/`max`, exclusive `gt`/`lt`, `int` for integers. */
export interface NumberRule {
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
  readonly lt?: number;
  readonly int?: boolean;
}

/** What a string must look like: length bounds and an optional pattern with its description. */
export interface StringRule {
  readonly minLength?: number;
  readonly maxLength: number;
  readonly pattern?: RegExp;
  /** What the pattern allows, e.g. `a cloud region id such as "eu-west-1"`. */
  readonly allowed?: string;
}

function describeNumber(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return `${rule.int ? 'an integer' : 'a finite number'}${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}`;
}

function describeString(rule: StringRule): string {
  if (rule.allowed !== undefined) return `${rule.allowed} (at most ${rule.maxLength} characters)`;
  return rule.minLength !== undefined && rule.minLength > 0
    ? `a non-empty string of at most ${rule.maxLength} characters`
    : `a string of at most ${rule.maxLength} characters`;
}

export class Checker {
  readonly problems: Problem[] = [];

  add(path: string, value: unknown, message: string): undefined {
    this.problems.push({ path, value, message });
    return undefined;
  }

  /** Missing (undefined) or present but wrong: the message says which. */
  private wrong(path: string, value: unknown, expected: string): undefined {
    return value === undefined
      ? this.add(path, undefined, `is missing; it must be ${expected}`)
      : this.add(path, value, `must be ${expected}`);
  }

  /**
   * A plain object with only the `fields` named: every other key is reported as an unknown field.
   * Returns the object (fields are then checked one by one), or undefined when it is not an object.
   */
  object(value: unknown, path: string, fields: readonly string[], what = 'an object'): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.wrong(path, value, what);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!fields.includes(key))
        this.add(
          join(path, key),
          record[key],
          `is an unknown field (not in the routing table schema); allowed fields: ${fields.join(', ')}`,
        );
    }
    return record;
  }

  /** A plain object with any keys (a map such as country → region); returns it or undefined. */
  map(value: unknown, path: string, what: string): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.wrong(path, value, what);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string, rule: StringRule): string | undefined {
    if (typeof value !== 'string' || value.length > rule.maxLength || value.length < (rule.minLength ?? 0))
      return this.wrong(path, value, describeString(rule));
    if (rule.pattern !== undefined && !rule.pattern.test(value)) return this.wrong(path, value, describeString(rule));
    return value;
  }

  number(value: unknown, path: string, rule: NumberRule): number | undefined {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!rule.int || Number.isInteger(value)) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.gt === undefined || value > rule.gt) &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.lt === undefined || value < rule.lt);
    return ok ? (value as number) : this.wrong(path, value, describeNumber(rule));
  }

  boolean(value: unknown, path: string): boolean | undefined {
    return typeof value === 'boolean' ? value : this.wrong(path, value, 'true or false');
  }

  oneOf<T extends string | number>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if ((allowed as readonly unknown[]).includes(value)) return value as T;
    const list = allowed.map((a) => formatValue(a)).join(', ');
    return value === undefined
      ? this.add(path, undefined, `is missing; allowed: ${list}`)
      : this.add(path, value, `is not allowed; allowed: ${list}`);
  }

  /** An array of `min`..`max` items; returns it (items are then checked one by one) or undefined. */
  array(value: unknown, path: string, min: number, max: number, what: string): unknown[] | undefined {
    if (!Array.isArray(value)) return this.wrong(path, value, `a list of ${what}`);
    if (value.length < min || value.length > max)
      return this.add(path, value, `must hold ${min === max ? min : `${min} to ${max}`} ${what} (it holds ${value.length})`);
    return value;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `regions[3]` + `id` → `regions[3].id`; a key that is not an identifier is quoted. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = IDENTIFIER.test(key) ? key : `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key)}]`;
  if (path === '') return part;
  return part.startsWith('[') ? `${path}${part}` : `${path}.${part}`;
}
