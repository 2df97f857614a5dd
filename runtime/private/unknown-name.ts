/**
 * The one wording for "this name is not one we know": `unknown <kind> "<value>"; allowed: a, b, c`,
 * and for "this name is known but not allowed here": `<reason>; allowed: a, b, c`. Used by every
 * runtime module (and the gateway) that rejects a region, zone or similar name, so a reader meets
 * the same message shape, and the same list format, everywhere.
 */

/** `allowed: eu-west-1, us-east-1`, or `allowed: (none)` for an empty list. */
export function allowedNames(allowed: Iterable<string>): string {
  const list = [...allowed];
  return `allowed: ${list.length === 0 ? '(none)' : list.join(', ')}`;
}

/** `unknown region "mars-1"; allowed: eu-west-1, us-east-1` (the value is omitted when undefined). */
export function unknownName(kind: string, value: string | undefined, allowed: Iterable<string>): string {
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return `unknown ${kind}${shown}; ${allowedNames(allowed)}`;
}

/**
 * A known name that is not allowed where it is used: `<reason>; allowed: a, b`, e.g.
 * `is in residency zone "na", not the workload's zone "emea"; allowed: eu-west-1, eu-west-2`.
 * The reason names the value (or the value is the problem's value).
 */
export function disallowedName(reason: string, allowed: Iterable<string>): string {
  return `${reason}; ${allowedNames(allowed)}`;
}
