import { Testing } from 'cdktf';
import type { RegionsConfig } from '../../lib/config';
import { GlobalStack, type GlobalStackProps } from '../../stacks/global-stack';
import { validConfig } from './platform';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

/** Synthesizes the global stack alone (no AWS stacks) and returns its parsed JSON. */
export function synthGlobal(props: Partial<GlobalStackProps> = {}, config: RegionsConfig = validConfig) {
  const app = Testing.app();
  const stack = new GlobalStack(app, 'global', { config, ...props });
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as Tf, stack };
}

/** The one resource of a type whose construct path contains `idPart`. */
export function resourceNamed(tf: Tf, type: string, idPart: string): Tf {
  const hits = Object.entries(tf.resource?.[type] ?? {}).filter(([k]) => k.includes(idPart));
  if (hits.length !== 1) throw new Error(`expected one ${type} matching "${idPart}", found ${hits.map(([k]) => k).join(', ') || 'none'}`);
  return hits[0][1];
}

/** `${type.name.attr}` of a resource key. */
export const refTo = (type: string, key: string, attr = 'id') => `\${${type}.${key}.${attr}}`;
