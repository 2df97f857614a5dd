/**
 * The id rules the config (`lib/config/schema.ts`), the constructs (`lib/limits.ts`) and the
 * routing table (`routing-table.ts`) share, defined once here, in the lowest layer all of them use:
 * an id the config accepts is an id the routing table accepts, and the other way round.
 */

/** Characters of any id (region, zone, shard, AZ name) in the config and the routing table. */
export const ID_MAX_LENGTH = 64;

/** Cloud region id such as "eu-west-1" or "us-gov-west-1". */
export const REGION_ID = {
  pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/,
  maxLength: ID_MAX_LENGTH,
  allowed: 'a cloud region id such as "eu-west-1"',
} as const;

/**
 * Label values the gateway's metrics reserve (`METRIC_UNKNOWN`, `METRIC_NONE` of `metric-names.ts`):
 * zone="unknown" is a client no zone could be found for (the UnlocatedClients alert counts it), and
 * region="none" a refusal or gateway error. A zone of that name would be counted as either.
 */
export const RESERVED_LABEL_VALUES = ['unknown', 'none'] as const;

/** Residency zone id such as "emea": 1-31 characters, not a reserved label value. */
export const RESIDENCY_ZONE_ID = {
  // It becomes a DNS label in the database endpoints: it may not end in "-" (na- was refused only by the routing table).
  pattern: /^(?!(?:unknown|none)$)[a-z](?:[a-z0-9-]{0,29}[a-z0-9])?$/,
  maxLength: 31,
  allowed:
    'a residency zone id such as "emea": 1-31 lower-case letters, digits and "-", starting with a letter and not ending in "-", ' +
    'and not "unknown" or "none" (the metrics and alerts reserve them for unlocated clients and refusals)',
} as const;

/** Shard id such as "emea-01": 1-63 characters. */
export const SHARD_ID = {
  pattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
  maxLength: 63,
  allowed: 'a shard id such as "emea-01": 1-63 lower-case letters, digits and "-", starting with a letter or digit',
} as const;
