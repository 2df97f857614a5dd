/**
 * The capacity model of a compute region, as pure arithmetic (no constructs): how many nodes run
 * on reservations, how far the pool may grow above them and how much of that growth is spot.
 *
 * - reserved groups: one on-demand node group per reserved instance type, fixed at the reserved
 *   count (min = desired = max), so every reservation is always used;
 * - maximum nodes: the baseline at the scale-out utilisation, ceil(baseline × 100 / scaleOut %):
 *   the pool that carries the baseline load while staying at the scale-out threshold;
 * - elastic capacity: maximum − reserved, split into a spot group of ceil(elastic × spot %) and an
 *   on-demand group with the rest; both start at 0 and are scaled by the Cluster Autoscaler.
 */
import { elasticAnchorType, maxNodesOf, reservedTarget } from '../config/reserved-capacity';
import { EKS_MAX_NODES_PER_NODE_GROUP, type ReservedCapacityPlan } from '../config/schema';
import { sameSizeClass } from './private/instance-families';

/** The design's scaling thresholds and spot share. */
export interface ScalingPolicy {
  /** Utilisation (%) at which to add capacity. */
  readonly scaleOutThresholdPercent: number;
  /** Utilisation (%) under which a node is removed. */
  readonly scaleInThresholdPercent: number;
  /** Share (%) of the capacity above the reservations that runs on spot. */
  readonly spotInstancePercent: number;
}

/** A node group's size and instance types. */
export interface NodeGroupSizing {
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

/** The sizes of a region's node groups. */
export interface CapacitySizing {
  /** ceil(baseline × reservedPercent / 100). */
  readonly reservedTarget: number;
  /** Instances the reservations cover (sum of the plan's counts). */
  readonly reservedInstances: number;
  /** ceil(baseline × 100 / scaleOutThresholdPercent). */
  readonly maxNodes: number;
  /** maxNodes − reservedInstances (never below 0). */
  readonly elasticNodes: number;
  /** One fixed on-demand group per reserved instance type. */
  readonly reserved: readonly (NodeGroupSizing & { readonly term: '1year' | '3year' })[];
  /** Spot group over several types of the same size class; undefined when it would be empty. */
  readonly spot?: NodeGroupSizing;
  /** On-demand group for the elastic capacity that is not spot; undefined when empty. */
  readonly onDemand?: NodeGroupSizing;
}

/** Sizes a region's node groups from its reserved capacity and the scaling policy. */
export function sizeCapacity(plan: ReservedCapacityPlan, policy: ScalingPolicy): CapacitySizing {
  const reservedInstances = plan.instanceTypes.reduce((n, r) => n + r.count, 0);
  const maxNodes = maxNodesOf(plan.baselineCapacity, policy.scaleOutThresholdPercent);
  const elasticNodes = Math.max(0, maxNodes - reservedInstances);
  const spotMax = Math.ceil((elasticNodes * policy.spotInstancePercent) / 100 - 1e-9);
  const onDemandMax = elasticNodes - spotMax;
  // The elastic pool has the size class of the largest reservation (the first type when none is larger).
  const anchor = elasticAnchorType(plan);
  const elasticTypes = sameSizeClass(anchor);
  const elastic = (maxSize: number): NodeGroupSizing | undefined =>
    maxSize > 0 ? { instanceTypes: elasticTypes, minSize: 0, desiredSize: 0, maxSize } : undefined;
  return {
    reservedTarget: reservedTarget(plan),
    reservedInstances,
    maxNodes,
    elasticNodes,
    reserved: plan.instanceTypes.map((r) => ({
      instanceTypes: [r.type],
      minSize: r.count,
      desiredSize: r.count,
      maxSize: r.count,
      term: r.term,
    })),
    spot: elastic(spotMax),
    onDemand: elastic(onDemandMax),
  };
}

/** A node group of a sizing above EKS's quota of nodes per managed node group. */
export interface OversizedNodeGroup {
  /** Which group: a reserved one (`index` into the plan's instance types), the spot or the on-demand elastic group. */
  readonly group: 'reserved' | 'spot' | 'onDemand';
  readonly index?: number;
  /** Its maximum size, in nodes. */
  readonly size: number;
}

/**
 * The node groups of `sizing` above EKS's quota of {@link EKS_MAX_NODES_PER_NODE_GROUP} nodes per
 * managed node group (not adjustable). The config validator and the ReservedCapacity construct
 * both ask this, so they cannot disagree.
 */
export function oversizedNodeGroups(sizing: CapacitySizing): OversizedNodeGroup[] {
  const over: OversizedNodeGroup[] = [];
  sizing.reserved.forEach((g, index) => {
    if (g.maxSize > EKS_MAX_NODES_PER_NODE_GROUP) over.push({ group: 'reserved', index, size: g.maxSize });
  });
  if ((sizing.spot?.maxSize ?? 0) > EKS_MAX_NODES_PER_NODE_GROUP) over.push({ group: 'spot', size: sizing.spot!.maxSize });
  if ((sizing.onDemand?.maxSize ?? 0) > EKS_MAX_NODES_PER_NODE_GROUP) over.push({ group: 'onDemand', size: sizing.onDemand!.maxSize });
  return over;
}

/**
 * Cluster Autoscaler flags that carry the policy where Terraform cannot: it scales nodes down when
 * their utilisation is under the scale-in threshold, and keeps the spot and on-demand elastic
 * groups the same size (balance-similar-node-groups, ignoring the capacity-type label) so the spot
 * share holds at every size when it is 50 %; at other shares the groups' maximum sizes bound it.
 * Scale-out is driven by pending pods, which the workloads' HorizontalPodAutoscalers create at
 * their target utilisation (`scaleOutThresholdPercent`).
 */
export function clusterAutoscalerArgs(clusterName: string, policy: ScalingPolicy): string[] {
  return [
    `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${clusterName}`,
    `--scale-down-utilization-threshold=${policy.scaleInThresholdPercent / 100}`,
    '--balance-similar-node-groups=true',
    '--balancing-ignore-label=eks.amazonaws.com/capacityType',
    '--balancing-ignore-label=eks.amazonaws.com/nodegroup',
    '--balancing-ignore-label=taishanglaojun.com/capacity',
    '--expander=least-waste',
  ];
}
