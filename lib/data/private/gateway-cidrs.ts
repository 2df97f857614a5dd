import { parseCidr } from '../../private/cidr';
import { privateSubnetCidr, zonesByLetter } from '../../private/subnet-layout';

/**
 * CIDRs of a region's private subnets, where its gateways (EKS nodes) run, in zone-letter order:
 * RegionNetwork's layout (lib/private/subnet-layout.ts: each zone's subnet placed by its letter,
 * so the order of the zones does not matter; a test compares this with a synthesized
 * RegionNetwork). Security groups cannot reference groups across regions over peering, so the zone
 * network admits these.
 */
export function privateSubnetCidrs(cidr: string, availabilityZones: readonly string[]): string[] {
  const parsed = parseCidr(cidr);
  if ('error' in parsed) throw new Error(`cidr "${cidr}" ${parsed.error}`);
  return zonesByLetter(availabilityZones).map((az) => privateSubnetCidr(parsed, az));
}
