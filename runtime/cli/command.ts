/**
 * What every `taishanglaojun` command shares: the command shape, I/O, exit codes, the usage error
 * and strict flag parsing. A new command is one file exporting a {@link CliCommand}, listed in
 * `commands.ts`.
 */
import { parseArgs } from 'node:util';
import { formatValue } from '../problem';
import { unknownName } from '../private/unknown-name';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_REFUSED = 3;

/** Where a command writes and which directory relative paths start from (injectable for tests). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

/** One sub-command of `taishanglaojun`. */
export interface CliCommand {
  /** The word after `taishanglaojun`, e.g. `route`. */
  readonly name: string;
  /** Synopsis, one-line description and flags, shown by `help` and after a usage error. */
  readonly usage: string;
  /** Runs the command; returns the exit code. Throws {@link UsageError} for a bad command line. */
  run(args: string[], io: CliIo): number;
}

/** A bad command line: names the flag, the value and what is allowed. */
export class UsageError extends Error {
  constructor(
    readonly flag: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    // formatValue quotes and cuts a long value (a 5000-character flag is not echoed whole).
    super(value === undefined ? `${flag}: ${allowed}` : `${flag}: ${formatValue(value)} is not valid; ${allowed}`);
    this.name = 'UsageError';
  }
}

/** Flag specification as `node:util` `parseArgs` takes it (strings and booleans only). */
export type FlagSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

function flagNames(options: FlagSpec): string[] {
  return Object.keys(options).map((k) => `--${k}`);
}

/** The values of parsed flags: a string or boolean per flag given, undefined when absent. */
export type FlagValues<T extends FlagSpec> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** Parses `args` strictly against `options`; every failure becomes a {@link UsageError} naming the flag. */
export function parseFlags<T extends FlagSpec>(args: string[], options: T, command: string): FlagValues<T> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    const message = (err as Error).message;
    const code = (err as { code?: string }).code;
    const flag = /'(-{1,2}[^'\s<]+)/.exec(message)?.[1] ?? '(argument)';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(flag, undefined, unknownName(`flag for "${command}"`, undefined, flagNames(options)));
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const value = /'([^']*)'/.exec(message)?.[1];
      throw new UsageError(command, value, `unexpected argument; "${command}" takes only flags (${flagNames(options).join(', ')})`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const spec = options[flag.replace(/^-+/, '')];
      throw new UsageError(
        flag,
        undefined,
        spec?.type === 'boolean' ? 'takes no value' : 'missing value (use --flag VALUE; a value starting with "-" needs --flag=VALUE)',
      );
    }
    throw new UsageError(flag, undefined, message);
  }
  // parseArgs keeps the last of a repeated flag; `--country DE --country FR` would silently route FR.
  const seen = new Map<string, string | undefined>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) {
      const both = [seen.get(token.name), token.value].filter((v) => v !== undefined).map((v) => JSON.stringify(v));
      throw new UsageError(
        `--${token.name}`,
        undefined,
        `given twice${both.length ? ` (${both.join(', then ')})` : ''}; allowed: once (a list flag takes R1,R2 in one value)`,
      );
    }
    seen.set(token.name, token.value);
  }
  return parsed.values as FlagValues<T>;
}

/** Pretty JSON with a final newline: what commands print on stdout. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
