/** Bad-config tests: a fresh copy of the shipped config to mutate, and the problems the validator reports for it. */
import config from '../../regions.config';
import { checkRegionsConfig, type ConfigProblem } from '../../lib/config';

export type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A deep copy of regions.config.ts, free to edit. */
export const fresh = (): Mutable => structuredClone(config) as Mutable;

/** The region `id` of a mutable config. */
export const region = (c: Mutable, id: string): Mutable => c.regions.find((r: Mutable) => r.id === id);

/** The problems of the shipped config with `mutate` applied; throws when it is accepted. */
export function problemsOf(mutate: (c: Mutable) => void): ConfigProblem[] {
  const c = fresh();
  mutate(c);
  const result = checkRegionsConfig(c);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.problems;
}
