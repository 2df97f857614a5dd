/**
 * What the platform knows about EC2 instance types beyond their name's shape: the CPU architecture
 * (which EKS AMI type a node group needs), the sizes of the families the elastic pools draw on, and
 * the types EKS managed node groups do not run. Pure: the config validator and the ReservedCapacity
 * construct ask the same functions, so a config the validator accepts never fails at synth.
 *
 * Source: the AWS EC2 instance-type documentation (docs.aws.amazon.com/ec2/latest/instancetypes/),
 * as known in 2025 — not re-verified online from this machine (no network). A family not listed in
 * {@link FAMILY_SIZES} is taken on trust (AWS refuses an unknown type at apply).
 */

/** CPU architecture of an instance type. */
export type CpuArchitecture = 'x86_64' | 'arm64';

/** The EKS managed node group AMI type (Amazon Linux 2023) for each architecture, without accelerator drivers. */
export const EKS_AMI_TYPE: Readonly<Record<CpuArchitecture, string>> = {
  x86_64: 'AL2023_x86_64_STANDARD',
  arm64: 'AL2023_ARM_64_STANDARD',
};

/**
 * NVIDIA GPU families: every `g<n>…`, `gr<n>…` and `p<n>…` family (g5, g6e, g7e, gr6, p5en, p6-b300,
 * p6e-gb200 …), so that a family newer than this file still gets its driver; except g4ad, whose GPU
 * is AMD's (the standard AMI).
 */
const NVIDIA_FAMILIES = /^(?!g4ad$)(?:gr?|p)\d/;
/** AWS Inferentia and Trainium families (the Neuron driver). */
const NEURON_FAMILIES = /^(?:inf[12]|trn1n?|trn2u?)$/;

/**
 * The AL2023 AMI type a node group of `instanceType` needs: the NVIDIA variant for NVIDIA GPUs and
 * the Neuron variant for Inferentia/Trainium (the standard AMI has neither driver: the nodes came up
 * with unusable accelerators), else the standard one of its architecture. All five exist in the AWS
 * provider the stacks pin (hashicorp/aws 5.100.0).
 */
export function eksAmiTypeOf(instanceType: string): string {
  const family = instanceType.split('.')[0];
  const arch = architectureOf(instanceType);
  if (NVIDIA_FAMILIES.test(family)) return arch === 'arm64' ? 'AL2023_ARM_64_NVIDIA' : 'AL2023_x86_64_NVIDIA';
  if (NEURON_FAMILIES.test(family)) return 'AL2023_x86_64_NEURON';
  return EKS_AMI_TYPE[arch];
}

/**
 * Graviton (arm64) families: `a1`, and every family whose generation digit is followed by "g"
 * (m6g, c7gn, r8g, t4g, x2gd, im4gn, is4gen, g5g, hpc7g), and the Grace Blackwell `p6e-gb200`.
 * `g4dn`, `g6`, `p4d`, `inf2` are x86_64.
 */
export function architectureOf(instanceType: string): CpuArchitecture {
  const family = instanceType.split('.')[0];
  // "-gb200"/"-gb300": NVIDIA Grace Blackwell superchips, whose CPU is the arm64 Grace.
  return family === 'a1' || /^[a-z]+\d+g/.test(family) || /-gb\d/.test(family) ? 'arm64' : 'x86_64';
}

const C5_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '12xlarge', '18xlarge', '24xlarge', 'metal'];
const M5_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', 'metal'];
const GEN6_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', 'metal'];

/** Sizes each family the elastic pools use offers (c6i has no 9xlarge or 18xlarge; c5 no 8xlarge). */
export const FAMILY_SIZES: Readonly<Record<string, readonly string[]>> = {
  c5: C5_SIZES,
  c5d: C5_SIZES,
  c6i: GEN6_SIZES,
  m5: M5_SIZES,
  m5d: M5_SIZES,
  m6i: GEN6_SIZES,
  r5: M5_SIZES,
  r5d: M5_SIZES,
  r6i: GEN6_SIZES,
};

/**
 * Why a (well-formed) instance type cannot be a node of the platform's managed node groups, or
 * undefined: Mac instances (dedicated hosts; EKS managed node groups do not run them), and a size
 * a known family does not offer ("c5.medium").
 */
export function instanceTypeProblem(instanceType: string): string | undefined {
  const [family, size] = instanceType.split('.');
  if (family.startsWith('mac')) return 'a Mac instance runs on a dedicated host, which EKS managed node groups do not use';
  const sizes = FAMILY_SIZES[family];
  if (sizes !== undefined && !sizes.includes(size)) return `${family} offers no "${size}"; its sizes: ${sizes.join(', ')}`;
  return undefined;
}

/**
 * The index of the first type whose architecture differs from the first type's, with both
 * architectures, or undefined: all node groups of a plan share one launch template and AMI family.
 */
export function mixedArchitecture(
  instanceTypes: readonly string[],
): { readonly index: number; readonly architecture: CpuArchitecture; readonly expected: CpuArchitecture } | undefined {
  if (instanceTypes.length === 0) return undefined;
  const expected = architectureOf(instanceTypes[0]);
  const index = instanceTypes.findIndex((t) => architectureOf(t) !== expected);
  return index < 0 ? undefined : { index, architecture: architectureOf(instanceTypes[index]), expected };
}
