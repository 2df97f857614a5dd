import { ProblemsError, type FormatProblemsOptions, type Problem } from '../../runtime/problem';

/** One thing wrong with the config: where, what was there, and what is allowed (the runtime's {@link Problem}). */
export type ConfigProblem = Problem;

/** Raised when `regions.config.ts` is invalid; carries every problem, its message lists the first 50. */
export class ConfigValidationError extends ProblemsError {
  constructor(
    problems: readonly ConfigProblem[],
    /** The config file (or other source) the problems were found in. */
    readonly source = 'regions.config.ts',
    options: FormatProblemsOptions = {},
  ) {
    super(source, problems, options);
    this.name = 'ConfigValidationError';
  }
}
