#!/usr/bin/env node
'use strict';
/*
 * `npm run synth`: runs the cdktf app in this process — no cdktf CLI (it costs 3–4 s before any app
 * code runs) and no second process for the summary. Writes the same cdktf.out as `cdktf synth`
 * (test/stacks/synth-direct.test.ts compares them byte for byte) and prints what it wrote.
 *
 *   npm run synth                      # cdktf.out/
 *   npm run synth -- --output DIR      # another directory
 */
const { loadCompiled, fail } = require('../bin/compiled');

const args = process.argv.slice(2);
let outdir;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--output' || args[i] === '-o') {
    if (outdir !== undefined)
      fail('synth failed', `${args[i]} given twice ("${outdir}", "${args[i + 1] ?? ''}"); allowed: one --output DIR`);
    outdir = args[++i];
    if (!outdir || outdir.trim() === '' || outdir.startsWith('-'))
      fail('synth failed', `${args[i - 1]} needs a directory; allowed: --output DIR`);
  } else {
    fail('synth failed', `unknown argument "${args[i]}"; allowed: --output DIR`);
  }
}
// Exit once the app has answered: nothing a config module scheduled for later runs after it.
loadCompiled('main', { cache: 'app', label: 'synth failed', what: 'the app', codeCache: true })
  .runApp({ outdir, summary: true })
  .then((code) => process.exit(code));
