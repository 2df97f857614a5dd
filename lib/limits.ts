/**
 * Limits that the config validator and the constructs both enforce, defined once. The config
 * validator reports a breach as a problem with its path; a construct throws with its node path.
 */

/** Availability zones a region network spans: at least two for resilience, at most four (each AZ takes 1/8 of the VPC twice). */
export const AZ_COUNT = { min: 2, max: 4 } as const;

/** Prefix lengths a region's VPC CIDR may have: each subnet is 1/8 of the VPC, so /20 still gives /23 subnets. */
export const VPC_CIDR_PREFIX = { min: 16, max: 20 } as const;

/** Project name: the prefix of every resource name (and of the bucket names, which S3 limits). */
export const PROJECT_NAME = {
  pattern: /^[a-z][a-z0-9-]{1,20}$/,
  allowed: '2-21 lower-case letters, digits and "-", starting with a letter',
} as const;

/** Cloud region id such as "eu-west-1" or "us-gov-west-1". */
export const REGION_ID = { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, allowed: 'a cloud region id such as "eu-west-1"' } as const;

/** Kubernetes version of a region cluster, "1.<minor>". */
export const KUBERNETES_VERSION = { pattern: /^1\.\d{2}$/, allowed: '"1.<minor>", e.g. "1.31"' } as const;
