#!/usr/bin/env node
'use strict';
/*
 * The `taishanglaojun` command. Runs compiled JavaScript, never a TypeScript loader (bin/compiled.js):
 *
 * ENTRIES maps a command to the module that runs it (path from the package root, no extension); the
 * module exports `main(argv): number | Promise<number>` (the exit code). The runtime CLI handles
 * every command not listed.
 */
const { loadCompiled, fail } = require('./compiled');

const RUNTIME_ENTRY = 'runtime/cli/index';
/** Commands whose code lives outside runtime/ (e.g. a server), by command name. */
const ENTRIES = { gateway: 'gateway/cli', 'fake-upstreams': 'gateway/fake/upstreams' };
const argv = process.argv.slice(2);
// A reader that closed the pipe (`taishanglaojun help | head -1`) or a full disk (`> /dev/full`):
// no stack trace. A closed pipe ends the command quietly with its own exit code, as `head`
// expects of a writer; any other write error is named on stderr, exit 1.
for (const [stream, name] of [
  [process.stdout, 'standard output'],
  [process.stderr, 'standard error'],
]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) {
      try {
        process.stderr.write(`taishanglaojun: cannot write to ${name}: ${(err && (err.code || err.message)) || err}\n`);
      } catch {
        // stderr is gone as well: the exit code says it
      }
    }
    process.exit(1);
  });
}
const entry = Object.prototype.hasOwnProperty.call(ENTRIES, argv[0]) ? ENTRIES[argv[0]] : RUNTIME_ENTRY;
Promise.resolve(loadCompiled(entry, { cache: 'cli', label: 'taishanglaojun', what: 'the command' }).main(argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => fail('taishanglaojun', `internal error: ${err && err.message ? err.message : String(err)}`),
);
