/**
 * Reserved capacity in the config: the defaults derived for compute regions that declare none, and
 * the checks that reject plans that cannot be met.
 */
import { DEFAULT_RESERVED_CAPACITY } from './defaults';
import { vcpusOf } from './prices';
import { instanceTypeProblem, mixedArchitecture } from './instance-types';
import type { PriceTable, ReservedCapacityPlan } from './schema';
import { PRIVATE_SUBNET_BITS } from '../private/subnet-layout';

/** A region's reserved capacity, with where it came from. */
export interface ReservedCapacitySpec extends ReservedCapacityPlan {
  /** True when derived from the region's capacity (see DEFAULT_RESERVED_CAPACITY), false when declared. */
  readonly derived: boolean;
}

/** Instances of the baseline to cover with reservations: ceil(baseline × reservedPercent / 100). */
export function reservedTarget(plan: Pick<ReservedCapacityPlan, 'baselineCapacity' | 'reservedPercent'>): number {
  return Math.max(0, Math.ceil((plan.baselineCapacity * plan.reservedPercent) / 100 - 1e-9));
}

/** The instance type of a region's elastic pool: that of its largest reservation (the default type when it reserves none). */
export function elasticAnchorType(plan: Pick<ReservedCapacityPlan, 'instanceTypes'>): string {
  return [...plan.instanceTypes].sort((a, b) => b.count - a.count)[0]?.type ?? DEFAULT_RESERVED_CAPACITY.instanceType;
}

/** Most nodes a region's pool may grow to: the baseline at the scale-out utilisation, ceil(baseline × 100 / scaleOut %). */
export function maxNodesOf(baselineCapacity: number, scaleOutThresholdPercent: number): number {
  return Math.ceil((baselineCapacity * 100) / scaleOutThresholdPercent - 1e-9);
}

/** Addresses per network interface of the burstable (t) family, by size (EC2 documentation). */
const BURSTABLE_PER_INTERFACE: Readonly<Record<string, number>> = {
  nano: 2,
  micro: 2,
  small: 4,
  medium: 6,
  large: 12,
  xlarge: 15,
  '2xlarge': 15,
};

/**
 * Private addresses a worker node of `instanceType` takes from its subnet with the Amazon VPC CNI's
 * defaults (WARM_ENI_TARGET=1): its primary network interface and one warm one, fully allocated,
 * before its pods need more. Addresses per interface by size (EC2 documentation; the c/m/r families
 * and their Graviton and newer generations): medium 4, large 10, xlarge and 2xlarge 15, 3xlarge to
 * 12xlarge 30, larger and metal (`metal`, `metal-48xl`) 50; the t family by its own table; an
 * unknown size counts as 15.
 */
export function addressesPerNode(instanceType: string): number {
  const [family = '', size = ''] = instanceType.split('.');
  if (/^t\d/.test(family)) return 2 * (BURSTABLE_PER_INTERFACE[size] ?? 15);
  const n = /^(\d*)xlarge$/.exec(size);
  const perInterface =
    size === 'medium'
      ? 4
      : size === 'large'
        ? 10
        : size === 'metal' || size.startsWith('metal-')
          ? 50
          : n === null
            ? 15
            : Number(n[1] || 1) <= 2
              ? 15
              : Number(n[1]) <= 12
                ? 30
                : 50;
  return 2 * perInterface;
}

/** Addresses AWS keeps in every subnet (network, router, DNS, future, broadcast). */
const AWS_RESERVED_PER_SUBNET = 5;

/**
 * Usable addresses of a region's private subnets: one per AZ, each 1/8 of the VPC CIDR
 * (RegionNetwork's layout, lib/private/subnet-layout.ts).
 */
export function privateSubnetAddresses(prefix: number, availabilityZones: number): number {
  return availabilityZones * (2 ** (32 - prefix - PRIVATE_SUBNET_BITS) - AWS_RESERVED_PER_SUBNET);
}

/** The documented default for a compute region that declares no reserved capacity. */
export function deriveReservedCapacity(capacity: number): ReservedCapacitySpec {
  const d = DEFAULT_RESERVED_CAPACITY;
  const baselineCapacity = Math.max(1, Math.ceil(capacity / d.requestsPerInstance));
  const plan = { baselineCapacity, reservedPercent: d.reservedPercent };
  const count = reservedTarget(plan);
  return { ...plan, instanceTypes: count > 0 ? [{ type: d.instanceType, count, term: d.term }] : [], derived: true };
}

interface RegionView {
  readonly id: string;
  readonly capacity: number;
  readonly services: string | readonly string[];
  readonly reservedCapacity?: ReservedCapacityPlan;
}

/**
 * Checks every region's reserved capacity (declared or derived) against its services, its
 * baseline and the price table; calls `add` once per problem.
 */
export function checkReservedCapacity(
  regions: readonly (RegionView | undefined)[],
  prices: PriceTable | undefined,
  add: (path: string, value: unknown, message: string) => void,
): void {
  regions.forEach((region, i) => {
    if (!region) return;
    const at = `regions[${i}].reservedCapacity`;
    const compute = region.services === 'all' || (Array.isArray(region.services) && region.services.includes('compute'));
    if (!compute) {
      if (region.reservedCapacity)
        add(at, region.reservedCapacity, `is set but ${region.id} does not serve "compute"; reserved instances need a compute region`);
      return;
    }
    // The cost planner (reports/prices.json) prices every compute region of a zone: one without a
    // price entry, or without an instance type of known size, would break it for the whole zone.
    const regionPrices = prices?.regions[region.id];
    if (prices && !regionPrices)
      add(
        'prices.regions',
        region.id,
        `has no entry for compute region ${region.id}; every compute region needs its prices (the reserved-instance plan and the cost planner read them): add prices.regions["${region.id}"] (a \`prices\` section replaces the default table whole: start from DEFAULT_PRICES and keep only the regions of this config)`,
      );
    else if (regionPrices && !Object.keys(regionPrices.instances).some((type) => vcpusOf(type) !== undefined))
      add(
        `prices.regions["${region.id}"].instances`,
        regionPrices.instances,
        `${Object.keys(regionPrices.instances).length ? 'has no instance type of known size' : 'prices no instance type'}; the cost planner derives the vCPU-hour price from one; allowed: prices of at least one instance type of known size, such as "m5.xlarge"`,
      );
    const plan = region.reservedCapacity ?? deriveReservedCapacity(region.capacity);
    const declared = region.reservedCapacity !== undefined;
    const total = plan.instanceTypes.reduce((n, r) => n + r.count, 0);
    if (total > plan.baselineCapacity)
      add(
        declared ? `${at}.instanceTypes` : at,
        plan.instanceTypes.map((r) => `${r.type} x ${r.count}`),
        `reserve ${total} instances in total, above the baseline of ${plan.baselineCapacity}; allowed: at most baselineCapacity instances in total`,
      );
    const mixed = mixedArchitecture(plan.instanceTypes.map((r) => r.type));
    if (mixed !== undefined)
      add(
        declared ? `${at}.instanceTypes[${mixed.index}].type` : at,
        plan.instanceTypes[mixed.index].type,
        `is ${mixed.architecture}, the plan's first type ${plan.instanceTypes[0].type} is ${mixed.expected}; allowed: one architecture per region (its node groups share one launch template and AMI type)`,
      );
    const seen = new Set<string>();
    plan.instanceTypes.forEach((r, j) => {
      const path = declared ? `${at}.instanceTypes[${j}].type` : `${at} (derived default)`;
      if (seen.has(r.type)) add(path, r.type, `is listed twice in ${region.id}; one entry per instance type`);
      seen.add(r.type);
      const problem = instanceTypeProblem(r.type);
      if (problem !== undefined) add(path, r.type, `is not allowed: ${problem}; allowed: an instance type EKS managed node groups run`);
      if (!regionPrices) return; // named once above
      if (!regionPrices.instances[r.type]) {
        const priced = Object.keys(regionPrices.instances).sort();
        add(
          path,
          r.type,
          `is not an instance type priced in ${region.id}; allowed: ${priced.length ? `${priced.join(', ')} (or add its price to prices.regions["${region.id}"].instances)` : `none is priced there yet: add its price to prices.regions["${region.id}"].instances`}`,
        );
      }
    });
  });
  if (!prices) return;
  for (const [regionId, p] of Object.entries(prices.regions))
    for (const [type, ip] of Object.entries(p.instances)) {
      const at = `prices.regions["${regionId}"].instances["${type}"]`;
      if (ip.reserved1YearHourly > ip.onDemandHourly)
        add(`${at}.reserved1YearHourly`, ip.reserved1YearHourly, `must not exceed the on-demand price ${ip.onDemandHourly}`);
      if (ip.reserved3YearHourly > ip.onDemandHourly)
        add(`${at}.reserved3YearHourly`, ip.reserved3YearHourly, `must not exceed the on-demand price ${ip.onDemandHourly}`);
    }
}
