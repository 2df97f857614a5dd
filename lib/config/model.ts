/** The validated, normalised config that constructs and stacks consume. */
import type { ReservedCapacitySpec } from './reserved-capacity';
import type { Continent, ComplianceRegime, ParsedRegionsConfig, Service } from './schema';

/** One cloud region, with every default filled in. */
export interface RegionSpec {
  readonly id: string;
  readonly location: string;
  readonly continent: Continent;
  readonly primary: boolean;
  /** Services the region runs ("all" expanded). */
  readonly services: readonly Service[];
  readonly compliance: readonly ComplianceRegime[];
  readonly residencyZone: string;
  readonly availabilityZones: readonly string[];
  readonly cidr: string;
  readonly countries: readonly string[];
  readonly latencyThresholdMs: number;
  readonly capacity: number;
  /** Reserved capacity: declared, or derived from `capacity` for a compute region (see DEFAULT_RESERVED_CAPACITY); absent without compute. */
  readonly reservedCapacity?: ReservedCapacitySpec;
  /** The region's EKS cluster options (compute regions): its Kubernetes version. @default the Region construct's (KUBERNETES_VERSION.default) */
  readonly cluster?: { readonly kubernetesVersion?: string };
  /**
   * The region's declared departures with their written reasons, as the config holds them: the
   * Region construct checks an edited spec by the config's rules, and `unknownRegion` lets it take
   * a region id the AWS region table does not know. @default none
   */
  readonly overrides?: ParsedRegionsConfig['regions'][number]['overrides'];
}

/** A residency zone with its regions, in fallback order (primary regions first, then as declared). */
export interface ResidencyZoneSpec {
  readonly id: string;
  readonly description: string;
  readonly regions: readonly string[];
  /** Zones this zone's personal data may be copied to; always starts with the zone itself. */
  readonly allowedCopyTo: readonly string[];
}

/** A data shard, pinned to one residency zone. */
export interface ShardSpec {
  readonly id: string;
  readonly residencyZone: string;
  readonly weight: number;
  /** Region holding the shard's primary database. */
  readonly primaryRegion: string;
  /** Regions holding read replicas (the zone's other storage regions). */
  readonly replicaRegions: readonly string[];
}

/** A continent: one stack. */
export interface ContinentSpec {
  readonly id: Continent;
  readonly primaryRegion: string;
  readonly regions: readonly string[];
}

/** The whole validated config. */
export interface RegionsConfig extends Omit<ParsedRegionsConfig, 'regions' | 'residencyZones' | 'shards' | 'shardsPerZone'> {
  readonly regions: readonly RegionSpec[];
  readonly residencyZones: readonly ResidencyZoneSpec[];
  readonly shards: readonly ShardSpec[];
  readonly continents: readonly ContinentSpec[];
}
