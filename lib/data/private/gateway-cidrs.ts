import { formatCidr, parseCidr, subnetOf } from '../../private/cidr';

/**
 * CIDRs of a region's private subnets, where its gateways (EKS nodes) run: RegionNetwork's layout,
 * blocks 4.. of /(prefix+3) (a test compares this with a synthesized RegionNetwork). Security
 * groups cannot reference groups across regions over peering, so the zone network admits these.
 */
export function privateSubnetCidrs(cidr: string, availabilityZoneCount: number): string[] {
  const parsed = parseCidr(cidr);
  if ('error' in parsed) throw new Error(`cidr "${cidr}" ${parsed.error}`);
  return Array.from({ length: availabilityZoneCount }, (_, i) => formatCidr(subnetOf(parsed, parsed.prefix + 3, 4 + i)));
}
