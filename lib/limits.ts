/**
 * Limits that the config validator and the constructs both enforce, defined once. The config
 * validator reports a breach as a problem with its path; a construct throws with its node path.
 */

/** Availability zones a region network spans: at least two for resilience, at most four (the VPC's layout has room for six: lib/private/subnet-layout.ts). */
export const AZ_COUNT = { min: 2, max: 4 } as const;

/** Prefix lengths a region's VPC CIDR may have: a private subnet is 1/8 of the VPC and a public one 1/64, so /20 still gives /23 and /26 (an ALB needs a /27). */
export const VPC_CIDR_PREFIX = { min: 16, max: 20 } as const;

/** Project name: the prefix of every resource name (and of the bucket names, which S3 limits). */
export const PROJECT_NAME = {
  // Single "-" between letters and digits: ECR repository names (`<project>/<image>`) allow no "--"
  // and no trailing "-", and S3 refuses names starting with "xn--". Prefixes AWS reserves: an ALB
  // name may not start with "internal-", an S3 bucket not with "sthree-" or "amzn-s3-demo-"; names
  // append "-<region>" to the project, so the bare words are refused too.
  pattern: /^(?!(?:internal|sthree|amzn-s3-demo)(?:-|$))(?=.{2,21}$)[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/,
  allowed:
    '2-21 lower-case letters, digits and single "-" between them, starting with a letter; not "internal", "sthree" or "amzn-s3-demo", nor starting with one of them and "-" (prefixes AWS reserves; every name appends "-<region>")',
} as const;

/** A lower-case DNS name: labels of 1-63 letters, digits and "-" (not at either end), 253 characters at most. */
export const DNS_NAME = {
  // The top-level label: letters, or an internationalized one in its A-label form ("xn--55qx5d", .公司).
  pattern: /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9](?:[a-z0-9-]{0,57}[a-z0-9])?)$/,
  allowed: 'a lower-case DNS name (labels of letters, digits and "-", not starting or ending with "-", at most 63 characters each)',
} as const;

import { ROUTING_TABLE_LIMITS } from '../runtime/routing-table';

/** The id rules (region, residency zone, shard) are shared with the routing table, so they live in the runtime. */
export { ID_MAX_LENGTH, REGION_ID, RESIDENCY_ZONE_ID, SHARD_ID } from '../runtime/ids';

/**
 * Longest duration in seconds the config and the constructs take (a replica-lag threshold, the
 * failover rules' windows): the routing table's timer bound, 2^31-1 ms, in whole seconds. A larger
 * value, or Infinity, would be written into an alarm or a timer that cannot hold it.
 */
export const MAX_DURATION_SECONDS = Math.floor(ROUTING_TABLE_LIMITS.durationMs / 1000);

/** The design's services (服务发现: ai-service, user-service, knowledge-service) plus the gateway: each gets a mesh identity per compute region. */
export const DEFAULT_MESH_SERVICES = ['api-gateway', 'ai-service', 'user-service', 'knowledge-service'] as const;

/**
 * Longest common name of a mesh certificate, and of its CAs' subjects and organization: ACM writes a
 * certificate's first domain name into the subject's common name, which RFC 5280 (and ACM's
 * RequestCertificate) limit to 64 characters; the names themselves go into the subject alternative
 * names, which take a DNS name of up to 253.
 */
export const MESH_NAME_MAX_LENGTH = 64;

/**
 * Kubernetes version of a region cluster: a minor EKS runs. The EKS release calendar
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html, as tabled by
 * endoflife.date/amazon-eks; read 2026-11-28 from a January 2026 copy, no network here to re-check):
 * 1.31's extended support ended 2026-11-26, so 1.32 is the oldest EKS still runs (extended support,
 * at extra cost, until 2027-03-23); 1.35 is in standard support until 2027-03-27. Minors up to 1.39
 * are taken for releases after that calendar (AWS refuses one it does not offer yet, at apply).
 * Before: any "1.NN" (1.10, 1.99) passed synth (found by QA).
 */
export const KUBERNETES_VERSION = {
  pattern: /^1\.3[2-9]$/,
  allowed: '"1.32" to "1.39": a Kubernetes minor EKS supports (1.31 and older left EKS support on 2026-11-26)',
  default: '1.35',
} as const;

/**
 * Availability zone of a region network: a name, the region id followed by one letter a to f, such
 * as "eu-west-1a" (AWS's letters run to f: us-east-1 has six). RegionNetwork keys a zone's subnets
 * and lays out their CIDRs by that letter (lib/private/subnet-layout.ts), so a zone id such as
 * "euw1-az1", which has none, is refused. The config validator checks names against the AWS region
 * table (aws-regions.ts); a construct, which may get zones of a region that table does not list,
 * checks the shape.
 */
export const AVAILABILITY_ZONE = {
  pattern: /^[a-z]{2}(-[a-z]+)+-\d+[a-f]$/,
  allowed:
    'an availability zone name such as "eu-west-1a": the region id and one letter a to f (the subnets are keyed and laid out by the letter; a zone id such as "euw1-az1" is not taken)',
} as const;

/** The port the gateway serves traffic on in a cluster (the load balancer's target); its admin port must differ. */
export const GATEWAY_TRAFFIC_PORT = 8080;

/**
 * The gateway's admin port in a cluster (`/healthz`, `/readyz`, `/metrics`): the port the image
 * (gateway/Dockerfile) passes to `--admin-port`, the load balancer's health check and the Prometheus
 * agent reach. No Deployment is synthesized here that could pass the pod another one, so the config's
 * `alerts.metricsPort` may only name this one; a test ties it to the image.
 */
export const GATEWAY_ADMIN_PORT = 9090;

/** Paths the gateway answers itself with other meanings than readiness (liveness, metrics): not a health-check path. */
export const GATEWAY_OWN_PATHS = ['/healthz', '/metrics'] as const;

/** AWS's default quota of inbound rules per security group (VPC quotas; adjustable per account). */
export const SECURITY_GROUP_INBOUND_RULES = 60;
