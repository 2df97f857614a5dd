/**
 * The one wording for "this name is not one we know": `unknown <kind> "<value>"; allowed: a, b, c`.
 * Used by every runtime module that rejects a region, zone or similar name, so a reader meets the
 * same message shape everywhere.
 */

/** `unknown region "mars-1"; allowed: eu-west-1, us-east-1` (the value is omitted when undefined). */
export function unknownName(kind: string, value: string | undefined, allowed: Iterable<string>): string {
  const list = [...allowed];
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return `unknown ${kind}${shown}; allowed: ${list.length === 0 ? '(none)' : list.join(', ')}`;
}
