import { architectureOf, eksAmiTypeOf, instanceTypeProblem, mixedArchitecture } from '../../lib/config/instance-types';
import { INSTANCE_TYPE } from '../../lib/config/schema';
import { sameSizeClass } from '../../lib/capacity/private/instance-families';

describe('instance types: architecture, sizes, what EKS managed node groups run', () => {
  it.each([
    ['m6g.xlarge', 'arm64'],
    ['c7gn.2xlarge', 'arm64'],
    ['r8g.large', 'arm64'],
    ['t4g.medium', 'arm64'],
    ['x2gd.xlarge', 'arm64'],
    ['im4gn.large', 'arm64'],
    ['g5g.xlarge', 'arm64'],
    ['a1.large', 'arm64'],
    ['c5.2xlarge', 'x86_64'],
    ['g4dn.xlarge', 'x86_64'],
    ['g6.xlarge', 'x86_64'],
    ['p4d.24xlarge', 'x86_64'],
    ['inf2.xlarge', 'x86_64'],
    ['m7i-flex.large', 'x86_64'],
  ])('%s is %s', (type, arch) => {
    expect(architectureOf(type)).toBe(arch);
  });

  it('names sizes a known family lacks and Mac instances; takes the rest', () => {
    expect(instanceTypeProblem('c6i.9xlarge')).toMatch(/^c6i offers no "9xlarge"/);
    expect(instanceTypeProblem('c5.8xlarge')).toMatch(/^c5 offers no "8xlarge"/);
    expect(instanceTypeProblem('mac1.metal')).toMatch(/Mac instance/);
    for (const ok of ['c5.9xlarge', 'c6i.32xlarge', 'm5.metal', 'x9z.large', 'm6g.xlarge']) expect(instanceTypeProblem(ok)).toBeUndefined();
  });

  it('takes the bare-metal sizes of the 7th generation as instance types (found by QA: c7i.metal-24xl was refused)', () => {
    for (const t of ['c7i.metal-24xl', 'm7i.metal-48xl', 'r7iz.metal-16xl', 'c5.metal', 'u-6tb1.112xlarge'])
      expect(INSTANCE_TYPE.test(t)).toBe(true);
    for (const t of ['c7i.metal-24', 'c7i.metal-xl', 'c5.huge', 'c5']) expect(INSTANCE_TYPE.test(t)).toBe(false);
  });

  it.each([
    ['g5.2xlarge', 'AL2023_x86_64_NVIDIA'],
    ['p5.48xlarge', 'AL2023_x86_64_NVIDIA'],
    ['g4dn.xlarge', 'AL2023_x86_64_NVIDIA'],
    ['g5g.xlarge', 'AL2023_ARM_64_NVIDIA'],
    ['inf2.xlarge', 'AL2023_x86_64_NEURON'],
    ['trn1.32xlarge', 'AL2023_x86_64_NEURON'],
    ['g4ad.xlarge', 'AL2023_x86_64_STANDARD'],
    // Found by a second QA pass: families newer than the first list (AWS's accelerated-AMI page).
    ['g7e.2xlarge', 'AL2023_x86_64_NVIDIA'],
    ['p6-b300.48xlarge', 'AL2023_x86_64_NVIDIA'],
    ['p6e-gb200.36xlarge', 'AL2023_ARM_64_NVIDIA'],
    ['gr6f.4xlarge', 'AL2023_x86_64_NVIDIA'],
    ['dl1.24xlarge', 'AL2023_x86_64_STANDARD'],
    ['c5.2xlarge', 'AL2023_x86_64_STANDARD'],
    ['m6g.xlarge', 'AL2023_ARM_64_STANDARD'],
  ])('%s runs the %s AMI (found by QA: GPU and Inferentia nodes got the standard AMI, without drivers)', (type, ami) => {
    expect(eksAmiTypeOf(type)).toBe(ami);
  });

  it('finds the first type of another architecture than the first', () => {
    expect(mixedArchitecture(['c5.2xlarge', 'm5.xlarge'])).toBeUndefined();
    expect(mixedArchitecture([])).toBeUndefined();
    expect(mixedArchitecture(['m6g.large', 'm6g.xlarge', 'c5.large'])).toEqual({ index: 2, architecture: 'x86_64', expected: 'arm64' });
  });

  it('draws a size class only from sibling families that offer the size (found by QA: c6i.9xlarge does not exist)', () => {
    expect(sameSizeClass('c5.2xlarge')).toEqual(['c5.2xlarge', 'c5d.2xlarge', 'c6i.2xlarge']);
    expect(sameSizeClass('c5.18xlarge')).toEqual(['c5.18xlarge', 'c5d.18xlarge']);
    expect(sameSizeClass('m5.8xlarge')).toEqual(['m5.8xlarge', 'm5d.8xlarge', 'm6i.8xlarge']);
    expect(sameSizeClass('r5.metal')).toEqual(['r5.metal']);
    expect(sameSizeClass('m6g.xlarge')).toEqual(['m6g.xlarge']);
  });
});
