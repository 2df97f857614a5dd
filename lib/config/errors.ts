/** One thing wrong with the config: where, what was there, and what is allowed. */
export interface ConfigProblem {
  /** Dotted path into the config, e.g. `regions[3].cidr`. */
  readonly path: string;
  /** The value found there (undefined when missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Raised when `regions.config.ts` is invalid; lists every problem at once. */
export class ConfigValidationError extends Error {
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source = 'regions.config.ts',
  ) {
    super(
      `${source} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path || '(root)'}: ${show(p.value)} ${p.message}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}
