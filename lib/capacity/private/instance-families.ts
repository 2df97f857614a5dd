/**
 * Instance types of the same size class (same vCPU and memory) in sibling families, so a spot pool
 * can draw on several capacity pools and one interruption wave does not empty it.
 * Intel families only (c5/c5d/c6i …), the ones offered in every region of the shipped config
 * (the AMD `a` variants are missing in some). Families not listed here get a pool of the one type.
 */
const SIBLINGS: Readonly<Record<string, readonly string[]>> = {
  c5: ['c5', 'c5d', 'c6i'],
  m5: ['m5', 'm5d', 'm6i'],
  r5: ['r5', 'r5d', 'r6i'],
};

/** `c5.2xlarge` → `c5.2xlarge, c5d.2xlarge, c6i.2xlarge`. */
export function sameSizeClass(instanceType: string): string[] {
  const [family, size] = instanceType.split('.');
  const siblings = SIBLINGS[family];
  return siblings && size ? siblings.map((f) => `${f}.${size}`) : [instanceType];
}
