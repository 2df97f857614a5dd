import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EKS_MAX_NODES_PER_NODE_GROUP, INSTANCE_TYPE, type ReservedCapacityPlan } from '../config/schema';
import { eksAmiTypeOf, instanceTypeProblem, mixedArchitecture } from '../config/instance-types';
import { policyDocument } from '../private/policy';
import { propError, requireLiteral, checkRequiredProps, checkRegionLike } from '../private/prop-checks';
import type { IRegion } from '../region/interfaces';
import {
  clusterAutoscalerArgs,
  oversizedNodeGroups,
  sizeCapacity,
  type CapacitySizing,
  type NodeGroupSizing,
  type ScalingPolicy,
} from './sizing';
import { claimAppUnique } from '../private/app-unique';

/** The managed policies a worker node needs, and no more. */
export const NODE_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
] as const;

/**
 * Node label that says what a node runs on: `reserved`, `on-demand` or `spot`. The key is in this
 * library's own namespace (as `karpenter.sh/capacity-type` is Karpenter's), the same in every
 * project: the cluster autoscaler's arguments and your workloads' node selectors name it, not the
 * project's domain.
 */
export const CAPACITY_LABEL = 'taishanglaojun.com/capacity';

export interface ReservedCapacityProps {
  /** The region whose cluster gets the nodes: its provider, key, private subnets, gateway security group and cluster. */
  readonly region: IRegion;
  /** Scaling thresholds and spot share (the config's `autoScaling`). */
  readonly scaling: ScalingPolicy;
  /** Reserved capacity of the region. @default the region spec's `reservedCapacity` */
  readonly reservedCapacity?: ReservedCapacityPlan;
  /** Root volume size of a node in GiB. @default 50 */
  readonly rootVolumeGiB?: number;
}

/**
 * The worker capacity of a region's EKS cluster, sized from its reserved-instance plan:
 * one fixed on-demand managed node group per reserved instance type (the reservations' count, so
 * every reservation is used), and above it elastic capacity up to the baseline at the scale-out
 * threshold, split into a spot group (the design's share, over several instance types of the same
 * size class) and an on-demand group, both scaled by the Cluster Autoscaler from zero.
 *
 * Nodes: private subnets only, no public IP, the gateway-tier and cluster security groups, IMDSv2
 * required with a hop limit of 1 (pods cannot read the node's credentials), root volume encrypted
 * with the region key; the node role has only the EKS worker, CNI and ECR read-only policies.
 */
export class ReservedCapacity extends Construct {
  /** The sizes the node groups were built with. */
  readonly sizing: CapacitySizing;
  /** Role of every node. */
  readonly nodeRole: IamRole;
  /** Launch template shared by every node group. */
  readonly launchTemplate: LaunchTemplate;
  /** Fixed on-demand groups, one per reserved instance type, in plan order. */
  readonly reservedNodeGroups: EksNodeGroup[];
  /** Elastic spot group; undefined when the elastic capacity has no spot share. */
  readonly spotNodeGroup?: EksNodeGroup;
  /** Elastic on-demand group; undefined when all elastic capacity is spot. */
  readonly onDemandNodeGroup?: EksNodeGroup;
  /** Flags the region's Cluster Autoscaler must run with (Terraform cannot set them: see README). */
  readonly clusterAutoscalerArgs: string[];
  /** Target utilisation (%) for the workloads' HorizontalPodAutoscalers: the design's scale-out threshold. */
  readonly scaleOutTargetUtilizationPercent: number;

  constructor(scope: Construct, id: string, props: ReservedCapacityProps) {
    super(scope, id);
    checkRequiredProps<ReservedCapacityProps>(this.node.path, props, {
      region: 'a Region of the config (an IRegion: new Region(...) or one of a continent stack\'s regions) that serves "compute"',
      scaling: 'the auto-scaling thresholds: validateRegionsConfig(...).autoScaling',
    });
    checkRegionLike(this, 'region', props.region);
    const { region, scaling } = props;
    const fail: (what: string, value: unknown, allowed: string) => never = (what, value, allowed) => propError(this, what, value, allowed);
    const cluster = region.cluster;
    if (!cluster) fail('region', region.regionId, 'a region that serves "compute" (it has no cluster)');
    const plan = props.reservedCapacity ?? region.spec.reservedCapacity;
    if (!plan) fail('reservedCapacity of region', region.regionId, 'a reserved-capacity plan (config or props)');
    // The node groups' sizes are computed here from the thresholds and the plan: literals only.
    const SIZED = 'the node groups are sized from it at synth';
    const percent = (name: string, v: number, min: number) => {
      requireLiteral(this, name, v, `a number from ${min} to 100`, SIZED);
      // A number, not anything `>=` coerces: true was 1 %, null 0 %, and "9" < "10" compared as text.
      if (typeof v !== 'number' || !(v >= min && v <= 100)) fail(name, v, `a number from ${min} to 100`);
    };
    percent('scaling.scaleOutThresholdPercent', scaling.scaleOutThresholdPercent, 1);
    percent('scaling.scaleInThresholdPercent', scaling.scaleInThresholdPercent, 0);
    percent('scaling.spotInstancePercent', scaling.spotInstancePercent, 0);
    if (scaling.scaleInThresholdPercent >= scaling.scaleOutThresholdPercent)
      fail(
        'scaling.scaleInThresholdPercent',
        scaling.scaleInThresholdPercent,
        `below scaleOutThresholdPercent (${scaling.scaleOutThresholdPercent})`,
      );
    requireLiteral(this, 'reservedCapacity.baselineCapacity', plan.baselineCapacity, 'a positive integer', SIZED);
    if (!Number.isInteger(plan.baselineCapacity) || plan.baselineCapacity < 1)
      fail('reservedCapacity.baselineCapacity', plan.baselineCapacity, 'a positive integer');
    requireLiteral(this, 'reservedCapacity.reservedPercent', plan.reservedPercent, 'a number from 0 to 100', SIZED);
    if (!Number.isFinite(plan.reservedPercent) || plan.reservedPercent < 0 || plan.reservedPercent > 100)
      fail('reservedCapacity.reservedPercent', plan.reservedPercent, 'a number from 0 to 100');
    requireLiteral(this, 'reservedCapacity.instanceTypes', plan.instanceTypes, 'a literal list of reserved instance types', SIZED);
    // Missing or not a list (a JavaScript caller, a cast): named here, not a TypeError from inside.
    if (!Array.isArray(plan.instanceTypes))
      fail(
        'reservedCapacity.instanceTypes',
        plan.instanceTypes,
        'a list of reservations such as [{ type: "c5.2xlarge", count: 40, term: "1year" }] (an empty list for none)',
      );
    plan.instanceTypes.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r))
        fail(`reservedCapacity.instanceTypes[${i}]`, r, '{ type, count, term }, such as { type: "c5.2xlarge", count: 40, term: "1year" }');
      requireLiteral(this, `reservedCapacity.instanceTypes[${i}].count`, r.count, 'a positive integer', SIZED);
      requireLiteral(
        this,
        `reservedCapacity.instanceTypes[${i}].type`,
        r.type,
        'an EC2 instance type such as "m6i.xlarge"',
        'it names a node group',
      );
      if (!Number.isInteger(r.count) || r.count < 1) fail(`reservedCapacity.instanceTypes[${i}].count`, r.count, 'a positive integer');
      if (r.term !== '1year' && r.term !== '3year')
        fail(`reservedCapacity.instanceTypes[${i}].term`, r.term, '"1year" or "3year" (the reserved-instance terms AWS sells)');
      if (plan.instanceTypes.findIndex((x) => x.type === r.type) !== i)
        fail(`reservedCapacity.instanceTypes[${i}].type`, r.type, 'each instance type once (it names a node group)');
      if (typeof r.type !== 'string' || !INSTANCE_TYPE.test(r.type))
        fail(`reservedCapacity.instanceTypes[${i}].type`, r.type, 'an EC2 instance type such as "m6i.xlarge"');
      const problem = instanceTypeProblem(r.type);
      if (problem !== undefined)
        fail(`reservedCapacity.instanceTypes[${i}].type`, r.type, `an instance type EKS managed node groups run (${problem})`);
    });
    // One launch template and one AMI type for every group: x86_64 and Graviton types cannot mix.
    const mixed = mixedArchitecture(plan.instanceTypes.map((r) => r.type));
    if (mixed !== undefined)
      fail(
        `reservedCapacity.instanceTypes[${mixed.index}].type`,
        plan.instanceTypes[mixed.index].type,
        `an ${mixed.expected} type like the plan's first (${plan.instanceTypes[0].type}); this one is ${mixed.architecture}, and a plan's node groups share one AMI type`,
      );
    const reserved = plan.instanceTypes.reduce((n, r) => n + r.count, 0);
    if (reserved > plan.baselineCapacity)
      fail('reserved instance count', reserved, `at most the baseline capacity (${plan.baselineCapacity})`);
    const rootVolumeGiB = props.rootVolumeGiB ?? 50;
    if (!Token.isUnresolved(rootVolumeGiB) && !(Number.isInteger(rootVolumeGiB) && rootVolumeGiB >= 20 && rootVolumeGiB <= 16384))
      fail('rootVolumeGiB', rootVolumeGiB, 'an integer from 20 to 16384');

    const { provider } = region;
    const clusterName = cluster.clusterName;
    this.sizing = sizeCapacity(plan, scaling);
    // Every node group must fit EKS's quota of nodes per managed node group (not adjustable); the
    // config validator asks the same function, so a config it accepts never fails here.
    for (const { group, index, size } of oversizedNodeGroups(this.sizing))
      fail(
        group === 'reserved'
          ? `reservedCapacity.instanceTypes[${index}].count`
          : `reservedCapacity.baselineCapacity (its ${group === 'spot' ? 'spot' : 'on-demand'} node group)`,
        size,
        `a node group of at most ${EKS_MAX_NODES_PER_NODE_GROUP} nodes (EKS quota per managed node group); lower the baseline or split the region's capacity`,
      );
    this.clusterAutoscalerArgs = clusterAutoscalerArgs(clusterName, scaling);
    this.scaleOutTargetUtilizationPercent = scaling.scaleOutThresholdPercent;

    // Node role, launch template and node groups are named after the cluster: one ReservedCapacity per cluster.
    claimAppUnique(
      this,
      'ReservedCapacity',
      [clusterName],
      `the node role, launch template and node groups of the cluster of ${region.regionId}`,
      'one ReservedCapacity per cluster',
    );
    this.nodeRole = new IamRole(this, 'NodeRole', {
      provider,
      name: `${clusterName}-node`,
      assumeRolePolicy: policyDocument([
        { Sid: 'Ec2Assumes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    });
    const attachments = NODE_MANAGED_POLICIES.map(
      (policyArn) =>
        new IamRolePolicyAttachment(this, `NodePolicy${policyArn.split('/').pop()}`, { provider, role: this.nodeRole.name, policyArn }),
    );

    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      provider,
      name: `${clusterName}-nodes`,
      description: `Worker nodes of ${clusterName}: IMDSv2, encrypted root volume, no public IP`,
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            encrypted: 'true',
            kmsKeyId: region.key.keyArn,
            volumeSize: rootVolumeGiB,
            volumeType: 'gp3',
            deleteOnTermination: 'true',
          },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: 'false',
          deleteOnTermination: 'true',
          securityGroups: [region.securityGroups.gatewaySecurityGroupId, cluster.clusterSecurityGroupId],
        },
      ],
      tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
        resourceType,
        tags: { Name: `${clusterName}-node` },
      })),
    });

    const group = (groupId: string, name: string, capacity: 'reserved' | 'on-demand' | 'spot', sizing: NodeGroupSizing) =>
      new EksNodeGroup(this, groupId, {
        provider,
        clusterName,
        nodeGroupName: `${clusterName}-${name}`,
        nodeRoleArn: this.nodeRole.arn,
        subnetIds: region.network.privateSubnetIds,
        capacityType: capacity === 'spot' ? 'SPOT' : 'ON_DEMAND',
        amiType: eksAmiTypeOf(sizing.instanceTypes[0]),
        instanceTypes: [...sizing.instanceTypes],
        scalingConfig: { minSize: sizing.minSize, desiredSize: sizing.desiredSize, maxSize: sizing.maxSize },
        launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
        labels: { [CAPACITY_LABEL]: capacity },
        updateConfig: { maxUnavailablePercentage: 25 },
        tags: { Capacity: capacity },
        dependsOn: attachments,
        // The Cluster Autoscaler moves the desired size of a group whose min and max differ (the
        // elastic spot and on-demand groups): Terraform would reset it at every apply. A fixed
        // group (min = desired = max, the reservations) keeps its size managed here.
        ...(sizing.minSize < sizing.maxSize ? { lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] } } : {}),
      });
    this.reservedNodeGroups = this.sizing.reserved.map((s) =>
      group(`Reserved-${s.instanceTypes[0]}`, `reserved-${s.instanceTypes[0].replace('.', '-')}`, 'reserved', s),
    );
    if (this.sizing.spot) this.spotNodeGroup = group('Spot', 'spot', 'spot', this.sizing.spot);
    if (this.sizing.onDemand) this.onDemandNodeGroup = group('OnDemand', 'on-demand', 'on-demand', this.sizing.onDemand);
  }
}
