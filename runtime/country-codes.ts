/**
 * ISO 3166-1 alpha-2 country codes in use (from `countries-list`; Kosovo's XK included): the one
 * list the config validator, the routing table and the command line take, so a table key such as
 * "UK" (the code is GB) or "ZZ" is refused everywhere, not only by some of them.
 */

let codes: ReadonlySet<string> | undefined;

/** Whether `code` is a country code in use (upper case, e.g. "DE"). */
export function isCountryCode(code: string): boolean {
  codes ??= new Set(Object.keys(require('countries-list/minimal/countries.2to3.min.json') as Record<string, string>));
  return codes.has(code);
}

/** What a country field allows, for messages. */
export const COUNTRY_CODE_ALLOWED = 'an ISO 3166-1 alpha-2 country code in use such as "DE" (codes such as "UK" or "ZZ" are not countries)';
