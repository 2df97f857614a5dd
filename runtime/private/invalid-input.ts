/**
 * The one wording for an argument or option of the wrong type or range, as a JavaScript caller
 * (no type checker) can pass it: `<where>: <value>; allowed: <what>`, the value printed by
 * {@link formatValue} (strings quoted, so `"1"` is told from `1`). Thrown at the call, before any
 * work starts, instead of a TypeError from deep inside (`x.trim is not a function`).
 */
import { formatValue } from '../problem';

/** `RegionRouter trustedProxies: "10.0.0.0/8"; allowed: a list of …` as a TypeError (RangeError with `range`). */
export function invalidInput(where: string, value: unknown, allowed: string, range = false): TypeError | RangeError {
  const message = `${where}: ${formatValue(value)}; allowed: ${allowed}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/** A plain object (not null, not an array), as options and requests are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What {@link checkPort} allows. */
export const PORT_ALLOWED = 'an integer 0-65535 (0: any free port)';

/** A TCP port: an integer 0-65535 (a string would be taken by Node as a Unix socket path). */
export function checkPort(where: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidInput(where, value, PORT_ALLOWED);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw invalidInput(where, value, PORT_ALLOWED, true);
  return value;
}
