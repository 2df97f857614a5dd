import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { ReservedCapacity, sizeCapacity, type ReservedCapacityProps, type ScalingPolicy } from '../../lib/capacity';
import { DEFAULT_AUTO_SCALING } from '../../lib/config';
import { Region } from '../../lib/region';
import { ContinentStack } from '../../stacks/continent-stack';
import { resourcesOf, specOf, validConfig, validRoutingTableJson } from '../helpers/platform';

const design: ScalingPolicy = DEFAULT_AUTO_SCALING;

function synthCapacity(regionId: string, extra: Partial<ReservedCapacityProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const region = new Region(stack, regionId, { spec: specOf(regionId), projectName: 'taishanglaojun', accountId: '111122223333' });
  const capacity = new ReservedCapacity(region, 'Capacity', { region, scaling: design, ...extra });
  const json = Testing.synth(stack);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { json, tf: JSON.parse(json) as any, capacity, region };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const groupNamed = (tf: any, suffix: string) => resourcesOf(tf, 'aws_eks_node_group').find((g) => g.node_group_name.endsWith(suffix));

describe('ReservedCapacity: node groups of ap-east-1 (design: baseline 100, 70 %, c5.2xlarge ×50 1y, m5.xlarge ×30 3y)', () => {
  const { json, tf } = synthCapacity('ap-east-1');

  it('runs each reservation as a fixed on-demand group of exactly the reserved count', () => {
    expect(groupNamed(tf, '-reserved-c5-2xlarge')).toMatchObject({
      capacity_type: 'ON_DEMAND',
      instance_types: ['c5.2xlarge'],
      scaling_config: { min_size: 50, desired_size: 50, max_size: 50 },
      labels: { 'taishanglaojun.com/capacity': 'reserved' },
    });
    expect(groupNamed(tf, '-reserved-m5-xlarge')).toMatchObject({
      capacity_type: 'ON_DEMAND',
      instance_types: ['m5.xlarge'],
      scaling_config: { min_size: 30, desired_size: 30, max_size: 30 },
    });
  });

  it('splits the capacity above the reservations 50 % spot over several types of one size class', () => {
    // max nodes = ceil(100 / 0.8) = 125; elastic = 125 − 80 = 45; spot = ceil(45 × 50 %) = 23; on-demand = 22
    const spot = groupNamed(tf, '-spot');
    expect(spot).toMatchObject({ capacity_type: 'SPOT', scaling_config: { min_size: 0, desired_size: 0, max_size: 23 } });
    expect(spot.instance_types).toEqual(['c5.2xlarge', 'c5d.2xlarge', 'c6i.2xlarge']);
    expect(groupNamed(tf, '-on-demand')).toMatchObject({
      capacity_type: 'ON_DEMAND',
      instance_types: ['c5.2xlarge', 'c5d.2xlarge', 'c6i.2xlarge'],
      scaling_config: { min_size: 0, desired_size: 0, max_size: 22 },
    });
    expect(resourcesOf(tf, 'aws_eks_node_group')).toHaveLength(4);
  });

  it('leaves the desired size of the elastic groups to the Cluster Autoscaler; the fixed reserved groups keep theirs', () => {
    // The autoscaler moves desired_size between min and max: a later apply must not reset it.
    for (const suffix of ['-spot', '-on-demand'])
      expect(groupNamed(tf, suffix).lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
    // min = desired = max: nothing moves it, and a drift there is worth seeing in the plan.
    for (const suffix of ['-reserved-c5-2xlarge', '-reserved-m5-xlarge']) expect(groupNamed(tf, suffix).lifecycle).toBeUndefined();
  });

  it('puts every group in the private subnets of the cluster with the shared launch template', () => {
    for (const g of resourcesOf(tf, 'aws_eks_node_group')) {
      expect(g.cluster_name).toMatch(/aws_eks_cluster\..*\.name/);
      expect(g.subnet_ids).toHaveLength(3);
      for (const s of g.subnet_ids) expect(s).toMatch(/aws_subnet\..*Private.*\.id/);
      expect(g.launch_template.id).toMatch(/aws_launch_template\..*\.id/);
      expect(g.ami_type).toBe('AL2023_x86_64_STANDARD');
    }
  });

  it('launch template: IMDSv2 required, hop limit 1, root volume encrypted with the region key, no public IP, gateway-tier SG', () => {
    expect(json).toHaveResource(LaunchTemplate);
    const lt = resourcesOf(tf, 'aws_launch_template')[0];
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3', volume_size: 50 });
    expect(lt.block_device_mappings[0].ebs.kms_key_id).toMatch(/aws_kms_key\..*\.arn/);
    expect(lt.network_interfaces[0].associate_public_ip_address).toBe('false');
    const sgs: string[] = lt.network_interfaces[0].security_groups;
    expect(sgs).toHaveLength(2);
    expect(sgs[0]).toMatch(/aws_security_group\..*Gateway.*\.id/);
    expect(sgs[1]).toMatch(/aws_eks_cluster\..*vpc_config\[0\]\.cluster_security_group_id/);
    expect(lt.instance_type).toBeUndefined();
  });

  it('node role: assumed by EC2 only, with exactly the worker, CNI and ECR read-only managed policies', () => {
    expect(json).toHaveResource(IamRole);
    // named after the cluster (a reference to it, so nodes come after the control plane)
    const role = resourcesOf(tf, 'aws_iam_role').find((r) => /^\$\{aws_eks_cluster\..*\.name\}-node$/.test(r.name));
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Sid: 'Ec2Assumes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.inline_policy).toBeUndefined();
    const nodePolicies = resourcesOf(tf, 'aws_iam_role_policy_attachment')
      .filter((a) => String(a.role).includes('NodeRole'))
      .map((a) => a.policy_arn)
      .sort();
    expect(nodePolicies).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
  });

  it('exposes the Cluster Autoscaler flags for the design thresholds (scale in under 30 %) and the HPA target (80 %)', () => {
    const { capacity } = synthCapacity('ap-east-1');
    expect(capacity.clusterAutoscalerArgs).toContain('--scale-down-utilization-threshold=0.3');
    expect(capacity.clusterAutoscalerArgs).toContain('--balance-similar-node-groups=true');
    expect(capacity.clusterAutoscalerArgs).toContain('--balancing-ignore-label=eks.amazonaws.com/capacityType');
    expect(capacity.scaleOutTargetUtilizationPercent).toBe(80);
  });
});

describe('ReservedCapacity: the other design regions and the derived defaults', () => {
  it('us-east-1: c5.4xlarge ×60 and m5.2xlarge ×30 fixed; 150 − 90 = 60 elastic, 30 spot in the c5.4xlarge class', () => {
    const { tf } = synthCapacity('us-east-1');
    expect(groupNamed(tf, '-reserved-c5-4xlarge').scaling_config).toEqual({ min_size: 60, desired_size: 60, max_size: 60 });
    expect(groupNamed(tf, '-reserved-m5-2xlarge').scaling_config).toEqual({ min_size: 30, desired_size: 30, max_size: 30 });
    expect(groupNamed(tf, '-spot')).toMatchObject({
      instance_types: ['c5.4xlarge', 'c5d.4xlarge', 'c6i.4xlarge'],
      scaling_config: { max_size: 30 },
    });
    expect(groupNamed(tf, '-on-demand').scaling_config.max_size).toBe(30);
  });

  it('eu-west-1: c5.2xlarge ×40; 100 − 40 = 60 elastic, 30 spot', () => {
    const { tf } = synthCapacity('eu-west-1');
    expect(groupNamed(tf, '-reserved-c5-2xlarge').scaling_config.max_size).toBe(40);
    expect(groupNamed(tf, '-spot').scaling_config.max_size).toBe(30);
    expect(groupNamed(tf, '-on-demand').scaling_config.max_size).toBe(30);
  });

  it('eu-central-1 (derived: capacity 10 000 → baseline 100, 60 reserved c5.2xlarge): 125 − 60 = 65 elastic, 33 spot, 32 on-demand', () => {
    const { tf } = synthCapacity('eu-central-1');
    expect(groupNamed(tf, '-reserved-c5-2xlarge').scaling_config.max_size).toBe(60);
    expect(groupNamed(tf, '-spot').scaling_config.max_size).toBe(33);
    expect(groupNamed(tf, '-on-demand').scaling_config.max_size).toBe(32);
  });

  it('sizes by the policy: no spot group at 0 % spot, no on-demand elastic group at 100 %', () => {
    const plan = specOf('eu-west-1').reservedCapacity!;
    expect(sizeCapacity(plan, { ...design, spotInstancePercent: 0 }).spot).toBeUndefined();
    expect(sizeCapacity(plan, { ...design, spotInstancePercent: 100 }).onDemand).toBeUndefined();
    expect(sizeCapacity(plan, { ...design, spotInstancePercent: 100 }).spot!.maxSize).toBe(60);
    // reservations that already fill the pool leave no elastic capacity
    const full = sizeCapacity(
      { baselineCapacity: 8, reservedPercent: 100, instanceTypes: [{ type: 'm5.xlarge', count: 8, term: '3year' }] },
      {
        ...design,
        scaleOutThresholdPercent: 100,
      },
    );
    expect([full.elasticNodes, full.spot, full.onDemand]).toEqual([0, undefined, undefined]);
  });

  it('a compute region that reserves nothing gets elastic groups only', () => {
    const { tf } = synthCapacity('eu-west-2', { reservedCapacity: { baselineCapacity: 40, reservedPercent: 0, instanceTypes: [] } });
    // max nodes = 40 / 0.8 = 50, all elastic: 25 spot, 25 on-demand
    expect(resourcesOf(tf, 'aws_eks_node_group').map((g) => [g.capacity_type, g.scaling_config.max_size])).toEqual([
      ['ON_DEMAND', 25],
      ['SPOT', 25],
    ]);
  });
});

describe('ReservedCapacity: bad input is refused with the path, the value and what is allowed', () => {
  const bad: [string, Partial<ReservedCapacityProps>, RegExp][] = [
    [
      'more reserved than the baseline',
      {
        reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'c5.2xlarge', count: 11, term: '1year' }] },
      },
      /reserved instance count 11 is not allowed; allowed: at most the baseline capacity \(10\)/,
    ],
    [
      'a zero count',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'c5.2xlarge', count: 0, term: '1year' }] } },
      /instanceTypes\[0\]\.count 0 is not allowed; allowed: a positive integer/,
    ],
    [
      'spot share above 100 %',
      { scaling: { ...design, spotInstancePercent: 150 } },
      /scaling.spotInstancePercent 150 is not allowed; allowed: a number from 0 to 100/,
    ],
    [
      'scale-in above scale-out',
      { scaling: { ...design, scaleInThresholdPercent: 90 } },
      /scaleInThresholdPercent 90 is not allowed; allowed: below scaleOutThresholdPercent \(80\)/,
    ],
    ['a tiny root volume', { rootVolumeGiB: 4 }, /rootVolumeGiB 4 is not allowed; allowed: an integer from 20 to 16384/],
    [
      'an instance type that is no EC2 type',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'huge', count: 5, term: '1year' }] } },
      /instanceTypes\[0\]\.type "huge" is not allowed; allowed: an EC2 instance type such as "m6i.xlarge"/,
    ],
    [
      'a baseline whose spot node group would exceed the EKS quota of 450 nodes (before: max_size 624999960 written)',
      { reservedCapacity: { baselineCapacity: 1000, reservedPercent: 0, instanceTypes: [] } },
      /reservedCapacity.baselineCapacity \(its spot node group\) 625 is not allowed; allowed: a node group of at most 450 nodes \(EKS quota/,
    ],
    [
      'a reservation of more than 450 instances of one type (one node group)',
      {
        reservedCapacity: {
          baselineCapacity: 500,
          reservedPercent: 100,
          instanceTypes: [{ type: 'c5.2xlarge', count: 451, term: '1year' }],
        },
      },
      /reservedCapacity.instanceTypes\[0\]\.count 451 is not allowed; allowed: a node group of at most 450 nodes/,
    ],
    ['a NaN threshold', { scaling: { ...design, scaleOutThresholdPercent: NaN } }, /scaleOutThresholdPercent NaN is not allowed/],
    // Shapes a JavaScript caller gets wrong: a TypeError from inside before.
    [
      'a plan without instanceTypes',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 60 } as never },
      /eu-west-1\/Capacity: reservedCapacity.instanceTypes undefined is not allowed; allowed: a list of reservations/,
    ],
    [
      'instanceTypes that is not a list',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 60, instanceTypes: 'c5.2xlarge' } as never },
      /reservedCapacity.instanceTypes "c5.2xlarge" is not allowed; allowed: a list of reservations/,
    ],
    // Found by QA: each passed synth, and EKS or EC2 refused the node group at apply.
    [
      'a size its family does not offer (c5.medium)',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'c5.medium', count: 5, term: '1year' }] } },
      /instanceTypes\[0\]\.type "c5.medium" is not allowed; allowed: an instance type EKS managed node groups run \(c5 offers no "medium"; its sizes: large, xlarge/,
    ],
    [
      'a Mac instance (dedicated hosts only)',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'mac1.metal', count: 5, term: '1year' }] } },
      /instanceTypes\[0\]\.type "mac1.metal" is not allowed; allowed: an instance type EKS managed node groups run \(a Mac instance/,
    ],
    [
      'x86_64 and Graviton types in one plan (one AMI type for every group)',
      {
        reservedCapacity: {
          baselineCapacity: 10,
          reservedPercent: 50,
          instanceTypes: [
            { type: 'c5.2xlarge', count: 3, term: '1year' },
            { type: 'm6g.2xlarge', count: 2, term: '1year' },
          ],
        },
      },
      /instanceTypes\[1\]\.type "m6g.2xlarge" is not allowed; allowed: an x86_64 type like the plan's first \(c5.2xlarge\); this one is arm64/,
    ],
    [
      'a boolean spot share (read as 1 % before)',
      { scaling: { ...design, spotInstancePercent: true as never } },
      /scaling.spotInstancePercent true is not allowed; allowed: a number from 0 to 100/,
    ],
    [
      'a list spot share (read as 50 before)',
      { scaling: { ...design, spotInstancePercent: [50] as never } },
      /scaling.spotInstancePercent \[50\] is not allowed/,
    ],
    [
      'a null scale-in threshold (written as 0 before)',
      { scaling: { ...design, scaleInThresholdPercent: null as never } },
      /scaling.scaleInThresholdPercent null is not allowed/,
    ],
    [
      'text thresholds (compared as text before: "30" < "100" was false)',
      { scaling: { ...design, scaleOutThresholdPercent: '100' as never, scaleInThresholdPercent: 30 } },
      /scaling.scaleOutThresholdPercent "100" is not allowed; allowed: a number from 1 to 100/,
    ],
    [
      'a reservation that is not an object',
      { reservedCapacity: { baselineCapacity: 10, reservedPercent: 60, instanceTypes: [null] } as never },
      /reservedCapacity.instanceTypes\[0\] null is not allowed; allowed: \{ type, count, term \}/,
    ],
  ];
  it.each(bad)('%s', (_name, extra, message) => {
    expect(() => synthCapacity('eu-west-1', extra)).toThrow(message);
    expect(() => synthCapacity('eu-west-1', extra)).not.toThrow(TypeError);
  });

  it('a token where the node groups are sized: refused by name, never compared as a number', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const region = new Region(stack, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
    const out = new TerraformVariable(stack, 'out', { type: 'number' }).numberValue;
    expect(() => new ReservedCapacity(region, 'A', { region, scaling: { ...design, scaleOutThresholdPercent: out } })).toThrow(
      /test\/eu-west-1\/A: scaling.scaleOutThresholdPercent is a token; allowed: a number from 1 to 100 \(the node groups are sized from it at synth\)/,
    );
    const both = { ...design, scaleOutThresholdPercent: out, scaleInThresholdPercent: out };
    expect(() => new ReservedCapacity(region, 'B', { region, scaling: both })).toThrow(/B: scaling.scaleOutThresholdPercent is a token/);
    const count = new TerraformVariable(stack, 'count', { type: 'number' }).numberValue;
    const plan = { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'c5.2xlarge', count, term: '1year' as const }] };
    expect(() => new ReservedCapacity(region, 'C', { region, scaling: design, reservedCapacity: plan })).toThrow(
      /C: reservedCapacity.instanceTypes\[0\].count is a token/,
    );
    // Found by QA: refused with the token's encoding (-8.1e+298) printed as the value.
    const share = new TerraformVariable(stack, 'share', { type: 'number' }).numberValue;
    expect(
      () =>
        new ReservedCapacity(region, 'E', {
          region,
          scaling: design,
          reservedCapacity: { baselineCapacity: 10, reservedPercent: share, instanceTypes: [] },
        }),
    ).toThrow(
      /^test\/eu-west-1\/E: reservedCapacity.reservedPercent is a token; allowed: a number from 0 to 100 \(the node groups are sized from it at synth\)$/,
    );
    // A token inside a wrongly shaped value is named, not printed by its encoding (found by QA).
    expect(() => new ReservedCapacity(region, 'F', { region, scaling: { ...design, spotInstancePercent: [share] as never } })).toThrow(
      /^test\/eu-west-1\/F: scaling.spotInstancePercent \["\(a token\)"\] is not allowed; allowed: a number from 0 to 100$/,
    );
    const volume = new TerraformVariable(stack, 'volume', { type: 'number' }).numberValue;
    expect(() => new ReservedCapacity(region, 'D', { region, scaling: design, rootVolumeGiB: volume })).not.toThrow();
  });

  it("Graviton plans get the ARM AMI type, GPU and Inferentia plans their drivers' AMI types; an elastic pool only holds sizes its families offer (no c6i.9xlarge)", () => {
    const arm = synthCapacity('eu-west-1', {
      reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'm6g.xlarge', count: 5, term: '1year' }] },
    }).tf;
    expect(resourcesOf(arm, 'aws_eks_node_group').map((g) => [g.instance_types, g.ami_type])).toEqual([
      [['m6g.xlarge'], 'AL2023_ARM_64_STANDARD'],
      [['m6g.xlarge'], 'AL2023_ARM_64_STANDARD'],
      [['m6g.xlarge'], 'AL2023_ARM_64_STANDARD'],
    ]);
    const big = synthCapacity('eu-west-1', {
      reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'c5.9xlarge', count: 5, term: '1year' }] },
    }).tf;
    expect(groupNamed(big, '-spot').instance_types).toEqual(['c5.9xlarge', 'c5d.9xlarge']);
    expect(groupNamed(big, '-spot').ami_type).toBe('AL2023_x86_64_STANDARD');
    const metal = synthCapacity('eu-west-1', {
      reservedCapacity: { baselineCapacity: 10, reservedPercent: 50, instanceTypes: [{ type: 'm5.metal', count: 5, term: '1year' }] },
    }).tf;
    expect(groupNamed(metal, '-spot').instance_types).toEqual(['m5.metal']);
    // GPU nodes need the NVIDIA AMI (the standard one has no driver), Inferentia the Neuron one.
    const gpu = synthCapacity('eu-west-1', {
      reservedCapacity: {
        baselineCapacity: 10,
        reservedPercent: 50,
        instanceTypes: [
          { type: 'g5.2xlarge', count: 3, term: '1year' },
          { type: 'inf2.xlarge', count: 2, term: '1year' },
        ],
      },
    }).tf;
    expect(groupNamed(gpu, '-reserved-g5-2xlarge').ami_type).toBe('AL2023_x86_64_NVIDIA');
    expect(groupNamed(gpu, '-reserved-inf2-xlarge').ami_type).toBe('AL2023_x86_64_NEURON');
    expect(groupNamed(gpu, '-spot').ami_type).toBe('AL2023_x86_64_NVIDIA');
  });

  it('a region without compute (no cluster)', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const spec = { ...specOf('eu-west-2'), services: ['storage' as const] };
    const region = new Region(stack, 'eu-west-2', { spec, projectName: 'taishanglaojun', accountId: '111122223333' });
    expect(() => new ReservedCapacity(region, 'Capacity', { region, scaling: design })).toThrow(
      /test\/eu-west-2\/Capacity: region "eu-west-2" is not allowed; allowed: a region that serves "compute"/,
    );
  });
});

describe('ContinentStack wires ReservedCapacity into every compute region', () => {
  it('emea: three regions, each with its reserved, spot and on-demand groups', () => {
    const app = Testing.app();
    const stack = new ContinentStack(app, 'emea', { config: validConfig, continent: 'EMEA', routingTableJson: validRoutingTableJson });
    expect(stack.capacities).toHaveLength(3);
    const tf = JSON.parse(Testing.synth(stack));
    expect(resourcesOf(tf, 'aws_eks_node_group')).toHaveLength(9);
    expect(Testing.synth(stack)).toHaveResource(EksNodeGroup);
    expect(tf.output['eu-west-1-cluster-autoscaler-args'].value).toContain('--scale-down-utilization-threshold=0.3');
    expect(tf.output['eu-west-1-pod-scale-out-target-percent'].value).toBe(80);
    const app75 = Testing.app();
    const scaling = { ...validConfig.autoScaling, scaleOutThresholdPercent: 75 };
    const at75 = new ContinentStack(app75, 'emea', {
      config: { ...validConfig, autoScaling: scaling },
      continent: 'EMEA',
      routingTableJson: validRoutingTableJson,
    });
    expect(JSON.parse(Testing.synth(at75)).output['eu-west-1-pod-scale-out-target-percent'].value).toBe(75);
  });
});
