'use strict';
/*
 * Runs a TypeScript entry of this repository compiled (bin/compiled.js: an esbuild bundle cached in
 * .cache/entries), never through a TypeScript loader: the fake upstreams, the gateway and the bare
 * proxy that the fault tests and the benchmark start as processes.
 *
 *   node bin/run-entry.js bench/gateway/bare-proxy --upstream http://127.0.0.1:9101 --port 0
 *
 * The entry exports `main(argv)`; a number it returns (or resolves to) is the exit code, nothing
 * (a server) keeps the process running.
 */
const { loadCompiled, fail } = require('./compiled');

const [entry, ...argv] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write('usage: node bin/run-entry.js ENTRY [args]  (ENTRY: a .ts path from the repository root, no extension)\n');
  process.exit(2);
}
Promise.resolve(loadCompiled(entry, { cache: 'entries', label: entry, what: entry }).main(argv)).then(
  (code) => {
    if (typeof code === 'number') process.exit(code);
  },
  (err) => fail(entry, `internal error: ${err && err.message ? err.message : String(err)}`),
);
