'use strict';
/*
 * Runs a TypeScript entry of this repository compiled (bin/compiled.js: an esbuild bundle cached in
 * .cache/bench), as the deployed gateway runs compiled JavaScript, never a TypeScript loader:
 *
 *   node bench/gateway/compiled.js bench/gateway/bare-proxy --upstream http://127.0.0.1:9101 --port 0
 *
 * The entry exports `main(argv)`.
 */
const { loadCompiled } = require('../../bin/compiled');

const [entry, ...argv] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write('usage: node bench/gateway/compiled.js ENTRY [args]  (ENTRY: a .ts path from the repository root, no extension)\n');
  process.exit(2);
}
loadCompiled(entry, { cache: 'bench', label: 'bench', what: entry }).main(argv);
