/**
 * The cost planner's constants that the CLI needs before it runs a cost command (its help text),
 * apart from `cost.ts`, so that loading the CLI does not load zod (~40 ms bundled) for the other
 * commands.
 */

/** Where synth writes the price file, relative to the project. */
export const DEFAULT_PRICES_PATH = 'cdktf.out/reports/prices.json';
