import { FAMILY_SIZES } from '../../config/instance-types';

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

/**
 * `c5.2xlarge` → `c5.2xlarge, c5d.2xlarge, c6i.2xlarge`; a sibling is added only where its family
 * offers that size (`c5.9xlarge` → c5, c5d: there is no c6i.9xlarge). Bare metal differs in size
 * between generations (c5.metal 96 vCPUs, c6i.metal 128): a pool of the one type.
 */
export function sameSizeClass(instanceType: string): string[] {
  const [family, size] = instanceType.split('.');
  const siblings = SIBLINGS[family];
  if (!siblings || !size || size === 'metal') return [instanceType];
  const pool = siblings.filter((f) => FAMILY_SIZES[f]?.includes(size) ?? false).map((f) => `${f}.${size}`);
  return pool.length > 0 ? pool : [instanceType];
}
