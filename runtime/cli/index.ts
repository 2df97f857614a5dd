/**
 * `taishanglaojun` command line: ask the runtime what it would do. A small dispatcher over the
 * commands of `commands.ts` (one file per command).
 *
 * Exit codes: 0 done, 2 bad arguments or routing table, 3 request refused, 1 internal error.
 * Errors never print a stack trace.
 */
import { RoutingTableError } from '../routing-table';
import { allowedNames, unknownName } from '../private/unknown-name';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './command';
import { COMMANDS } from './commands';

export * from './command';
export { COMMANDS } from './commands';

/**
 * Commands the bin (bin/taishanglaojun.js ENTRIES) runs from outside runtime/ (servers): named in
 * the help and the allowed list so that `help` lists every command, each says `--help` for its flags.
 */
export const SERVER_COMMANDS: readonly { readonly name: string; readonly usage: string }[] = [
  {
    name: 'gateway',
    usage: '  taishanglaojun gateway [flags]\n      Runs the API gateway (`taishanglaojun gateway --help` lists its flags).',
  },
  {
    name: 'fake-upstreams',
    usage: '  taishanglaojun fake-upstreams [flags]\n      Runs fake regional upstreams for local tests (`--help` lists its flags).',
  },
];

/** The full usage text: every command's synopsis and flags, then the exit codes. */
export function usage(commands: readonly CliCommand[] = COMMANDS): string {
  const all = commands === COMMANDS ? [...commands, ...SERVER_COMMANDS] : commands;
  return `Usage:
${all.map((c) => c.usage).join('\n\n')}

Exit codes: 0 ok, 2 bad arguments or table, 3 refused, 1 internal error.`;
}

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});

/** Runs the CLI; returns the exit code. Never throws. */
export function main(argv: string[], io: CliIo = defaultIo(), commands: readonly CliCommand[] = COMMANDS): number {
  const [name, ...rest] = argv;
  const servers = commands === COMMANDS ? SERVER_COMMANDS.map((c) => c.name) : [];
  const names = [...commands.map((c) => c.name), ...servers, 'help'];
  try {
    if (name === 'help' || name === '--help' || name === '-h') {
      if (rest.length === 0) {
        io.stdout(`${usage(commands)}\n`);
        return EXIT_OK;
      }
      // `help route`: that command's usage; anything else is not silently ignored.
      const all = commands === COMMANDS ? [...commands, ...SERVER_COMMANDS] : commands;
      const about = all.find((c) => c.name === rest[0]);
      if (rest.length > 1)
        throw new UsageError(name, rest.join(' '), `takes at most one command name; ${allowedNames(all.map((c) => c.name))}`);
      if (about === undefined)
        throw new UsageError(
          name,
          rest[0],
          unknownName(
            'command',
            undefined,
            all.map((c) => c.name),
          ),
        );
      io.stdout(`Usage:\n${about.usage}\n`);
      return EXIT_OK;
    }
    if (name === undefined) throw new UsageError('command', undefined, `missing; ${allowedNames(names)}`);
    const command = commands.find((c) => c.name === name);
    if (command === undefined) throw new UsageError('command', name, unknownName('command', undefined, names));
    return command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      const command = commands.find((c) => c.name === name);
      io.stderr(`taishanglaojun: ${err.message}\n\n${command === undefined ? usage(commands) : `Usage:\n${command.usage}`}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof RoutingTableError) {
      const hint = err.problems.some((p) => p.message.includes('file not found'))
        ? '\n(run `npm run synth` to generate it, or pass --table FILE)'
        : '';
      io.stderr(`taishanglaojun: ${err.message}${hint}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`taishanglaojun: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
