#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx (a devDependency) in a source checkout; falls back to the
// compiled dist/runtime/cli.js (from `npm run build`) where tsx or the sources are not installed.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

function load() {
  const source = join(__dirname, '..', 'runtime', 'cli.ts');
  if (existsSync(source)) {
    try {
      require.resolve('tsx/cjs');
    } catch {
      return require(join(__dirname, '..', 'dist', 'runtime', 'cli.js'));
    }
    require('tsx/cjs');
    return require(source);
  }
  return require(join(__dirname, '..', 'dist', 'runtime', 'cli.js'));
}

process.exitCode = load().main(process.argv.slice(2));
