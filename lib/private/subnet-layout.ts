import { formatValue } from '../../runtime/problem';
import { AVAILABILITY_ZONE } from '../limits';
import { formatCidr, subnetOf, type Ipv4Cidr } from './cidr';

/**
 * RegionNetwork's subnet layout, defined once: the network, the data tier's security rules
 * (lib/data/private/gateway-cidrs.ts) and the config's capacity check all read it.
 *
 * Every per-zone subnet is placed by the zone's letter (eu-west-1b → b), never by its position in
 * the list: reordering the zones changes nothing, and adding or removing one touches only that
 * zone's subnets. AWS's letters run a to f (us-east-1 has six), so the VPC (/16 to /20) is cut into
 * eighths, /(prefix+3):
 *
 * - eighths 0–5: the private subnet of zone a–f (1/8 of the VPC: EKS nodes and pods, databases);
 * - eighth 6: spare;
 * - eighth 7: in 1/64ths of the VPC, /(prefix+6): 0–5 the public subnet of zone a–f (ALB and NAT:
 *   a /22 in a /16, a /26 in a /20, above the ALB's /27 minimum), 6–7 spare.
 */
export const ZONE_LETTERS = 'abcdef';

/** A private subnet is 1/2^3 of the VPC. */
export const PRIVATE_SUBNET_BITS = 3;

/** A public subnet is 1/2^6 of the VPC. */
export const PUBLIC_SUBNET_BITS = 6;

/** The eighth of the VPC the public subnets are carved from. */
const PUBLIC_EIGHTH = 7;

/** The zone's letter ("b" for "eu-west-1b"), or undefined for a value that is not a zone name {@link AVAILABILITY_ZONE} allows. */
export function zoneLetter(az: unknown): string | undefined {
  if (typeof az !== 'string' || !AVAILABILITY_ZONE.pattern.test(az)) return undefined;
  return az[az.length - 1];
}

/** The region part of a zone name ("eu-west-1" for "eu-west-1b"). */
export function zoneRegion(az: string): string {
  return az.slice(0, -1);
}

/** The zone's key in construct ids ("B" for "eu-west-1b"). Throws for a name {@link zoneLetter} refuses. */
export function zoneKey(az: string): string {
  return letterOf(az).toUpperCase();
}

/** The zones in letter order (the order of RegionNetwork's subnet lists), whatever order they are given in. */
export function zonesByLetter(azs: readonly string[]): string[] {
  return [...azs].sort((x, y) => (letterOf(x) < letterOf(y) ? -1 : letterOf(x) > letterOf(y) ? 1 : 0));
}

/** CIDR of the zone's private subnet in the VPC `vpc`. */
export function privateSubnetCidr(vpc: Ipv4Cidr, az: string): string {
  return formatCidr(subnetOf(vpc, vpc.prefix + PRIVATE_SUBNET_BITS, ZONE_LETTERS.indexOf(letterOf(az))));
}

/** CIDR of the zone's public subnet in the VPC `vpc`. */
export function publicSubnetCidr(vpc: Ipv4Cidr, az: string): string {
  const perEighth = 2 ** (PUBLIC_SUBNET_BITS - PRIVATE_SUBNET_BITS);
  return formatCidr(subnetOf(vpc, vpc.prefix + PUBLIC_SUBNET_BITS, PUBLIC_EIGHTH * perEighth + ZONE_LETTERS.indexOf(letterOf(az))));
}

function letterOf(az: string): string {
  const letter = zoneLetter(az);
  if (letter === undefined) throw new Error(`availability zone ${formatValue(az)} is not allowed; allowed: ${AVAILABILITY_ZONE.allowed}`);
  return letter;
}
