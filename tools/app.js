#!/usr/bin/env node
'use strict';
/*
 * The cdktf app as cdktf.json runs it (`cdktf synth|diff|deploy`): main.ts compiled by esbuild and
 * cached with V8's code cache of it (bin/compiled.js), never through a TypeScript loader. The CLI
 * passes the output directory in CDKTF_OUTDIR.
 */
const { loadCompiled } = require('../bin/compiled');

const app = loadCompiled('main', { cache: 'app', label: 'synth failed', what: 'the app', codeCache: true });
// Exit once the app has answered: nothing a config module scheduled for later runs after it.
app.runApp().then((code) => process.exit(code));
