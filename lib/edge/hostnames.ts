/**
 * The edge's host names, derived from the config in one place (pure: no cdktf, no provider), so the
 * AWS stacks (certificates), GlobalIngress (URL map, internet NEGs) and CdnZone (DNS, pools) agree.
 */
import { AWS_REGIONS } from '../config/aws-regions';
import type { RegionsConfig, RegionSpec } from '../config/model';

/** Regions that run the gateway (they serve compute) and so get a public entry at the edge. */
export function gatewayRegions(config: Pick<RegionsConfig, 'regions'>): RegionSpec[] {
  return config.regions.filter((r) => r.services.includes('compute'));
}

/**
 * Longest gateway host: it is the only name of the region's ACM certificate, which goes into the
 * certificate's common name, limited to 64 characters (RFC 5280 ub-common-name; ACM refuses more).
 */
export const GATEWAY_HOST_MAX_LENGTH = 64;

/** Public host of a region's gateway, i.e. of its load balancer: `edge.gatewayHosts[region]` or `<region>.gateway.<domain>`. */
export function gatewayHostOf(config: Pick<RegionsConfig, 'project' | 'edge'>, regionId: string): string {
  return config.edge.gatewayHosts[regionId] ?? `${regionId}.gateway.${config.project.domain}`;
}

/**
 * Region-pinned API host, `<region>.<apiHost>`: the global load balancer sends it to that region's
 * gateway only. Covered by the `*.<apiHost>` certificate.
 */
export function regionApiHostOf(config: Pick<RegionsConfig, 'project'>, regionId: string): string {
  return `${regionId}.${config.project.apiHost}`;
}

/**
 * Host the refusal pool sends to: no URL-map rule names it, so the global load balancer answers it
 * with its default route, a 503 refusal.
 */
export function refusalHostOf(config: Pick<RegionsConfig, 'project'>): string {
  return `refused.${config.project.apiHost}`;
}

/** Origin host of the design's origin rule (`/api/*`): `edge.apiOriginHost` or `origin.<apiHost>`. */
export function apiOriginHostOf(config: Pick<RegionsConfig, 'project' | 'edge'>): string {
  return config.edge.apiOriginHost ?? `origin.${config.project.apiHost}`;
}

/** True when `host` is `domain` or a name under it (a record the Cloudflare zone of `domain` can hold). */
export function isInDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * The AWS region a gateway host names when it is not `regionId`'s: a label that is another
 * region's id, in a host with no label naming `regionId` (`eu-west-1.gateway.<domain>` given to
 * us-east-1 would carry eu-west-1's users to the NA zone). A host naming its own region is taken
 * whatever else it holds (`us-east-1.gateway.eu-west-1.example.com`: the domain may contain an id).
 */
export function otherRegionNamedBy(host: string, regionId: string): string | undefined {
  const labels = host.split('.');
  if (labels.includes(regionId)) return undefined;
  return labels.find((label) => AWS_REGIONS.has(label));
}
