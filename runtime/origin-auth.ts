/**
 * The header that proves a request passed the global edge (origin authentication): Cloudflare's
 * zone sets it on every request, Cloud Armor and each region's load balancer refuse a request
 * without its value, and the gateway never forwards it (the secret stays out of the apps and their
 * logs). Shared by the stacks (lib/edge) and the gateway: one name.
 */
export const ORIGIN_AUTH_HEADER = 'x-edge-origin-auth';

/** The client-address header the edge sets (Cloudflare): what the gateway image believes from its load balancer. */
export const EDGE_CLIENT_ADDRESS_HEADER = 'cf-connecting-ip';
