/** The lint rule that keeps runtime/ free of cdktf and of everything above it (the layering of docs/ARCHITECTURE.md). */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** Lints `code` as if it were `file` (a real runtime file: runtime/clock.ts by default), with the project's own ESLint config. */
function lintAsRuntime(code: string, file = 'runtime/clock.ts'): { line: number; ruleId: string | null; message: string }[] {
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (!r.stdout) throw new Error(`eslint did not run: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { messages: { line: number; ruleId: string | null; message: string }[] }[])[0].messages;
}

describe('lint: runtime/ imports nothing above it', () => {
  const forbidden: [string, RegExp][] = [
    ["import { App } from 'cdktf';", /free of cdktf/],
    ["import { Construct } from 'constructs';", /free of cdktf/],
    ["import { Vpc } from '@cdktf/provider-aws/lib/vpc';", /free of cdktf/],
    ["import { Region } from '../lib/region';", /never imports upwards/],
    ["import { buildPlatform } from '../stacks/platform';", /never imports upwards/],
    ["import config from '../regions.config';", /never imports upwards/],
  ];
  const code = `${forbidden.map(([line]) => line).join('\n')}\nexport const used = [App, Construct, Vpc, Region, buildPlatform, config];\n`;
  const messages = lintAsRuntime(code).filter((m) => m.ruleId === 'no-restricted-imports');

  it.each(forbidden.map(([line, message], i) => [line, message, i + 1] as const))('refuses %s', (_line, message, lineNo) => {
    const hits = messages.filter((m) => m.line === lineNo);
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toMatch(message);
  });
  it('allows node built-ins and the runtime itself', () => {
    const ok = lintAsRuntime(
      "import { readFileSync } from 'node:fs';\nimport { systemClock } from './clock';\nexport const used = [readFileSync, systemClock];\n",
    );
    expect(ok.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('lint: runtime/ loads nothing above it by any other form or name', () => {
  const RULES = ['no-restricted-imports', 'no-restricted-syntax'];
  const absoluteLib = JSON.stringify(join(root, 'lib/limits'));
  // [what, code (one line), message]: each must be refused, as runtime/clock.ts.
  const forbidden: [string, string, RegExp][] = [
    ['require() into lib/', "export const limits = require('../lib/limits');", /never imports upwards/],
    ['import() of cdktf', "export const cdktf = import('cdktf');", /free of cdktf/],
    ['import() into lib/', "export const lib = import('../lib/limits');", /never imports upwards/],
    ['require() of constructs', "export const c = require('constructs');", /free of cdktf/],
    ['import = require() into lib/', "import limits = require('../lib/limits'); export const used = limits;", /never imports upwards/],
    ['the package root index', "export { REGION_ID } from '../index';", /package root/],
    ['the package root as ".."', "export { SHARD_ID } from '..';", /package root/],
    ['the package root as "../"', "export { ID_MAX_LENGTH } from '../';", /package root/],
    ['require() of the package root', "export const root = require('..');", /package root/],
    ['the package by its own name', "export { RESIDENCY_ZONE_ID } from '@taishanglaojun/infra';", /own name/],
    ['a subpath of the package by its own name', "export { parseRoutingTable } from '@taishanglaojun/infra/runtime';", /own name/],
    ['import() by the package name', "export const p = import('@taishanglaojun/infra');", /own name/],
    ['an absolute path into lib/', `export { AZ_COUNT } from ${absoluteLib};`, /absolute path/],
    ['require() of an absolute path into lib/', `export const l = require(${absoluteLib});`, /absolute path/],
  ];
  const compliant = [
    "export const fs = require('node:fs');",
    "export const geo = require('geoip-country');",
    "export const clock = require('./clock');",
    "export const events = import('./events');",
    "export const zod = import('zod');",
    "export { REGION_ID as ID } from './ids';",
    "export { systemClock } from './index';",
    "export const notAnImport = '../lib/limits';",
  ];
  // One lint run for every sample (a run takes seconds: the config is type-aware).
  const messages = lintAsRuntime([...forbidden.map(([, code]) => code), ...compliant].join('\n') + '\n').filter(
    (m) => m.ruleId !== null && RULES.includes(m.ruleId),
  );

  it.each(forbidden.map(([what, , message], i) => [what, message, i + 1] as const))('refuses %s', (_what, message, lineNo) => {
    const hits = messages.filter((m) => m.line === lineNo);
    expect(hits.length).toBeGreaterThanOrEqual(1);
    for (const hit of hits) expect(hit.message).toMatch(message);
  });

  it('allows the compliant forms: require() and import() of node built-ins, packages and runtime modules', () => {
    expect(messages.filter((m) => m.line > forbidden.length)).toEqual([]);
  });

  it('counts ".." by the depth of the file: from runtime/cli/ it is runtime/ itself (allowed), "../.." is the root', () => {
    const code = [
      "export { REGION_ID } from '..';",
      "export { formatValue } from '../index';",
      "export { SHARD_ID } from '../..';",
      "export const r = require('../../index');",
    ].join('\n');
    const hits = lintAsRuntime(`${code}\n`, 'runtime/cli/route.ts').filter((m) => m.ruleId !== null && RULES.includes(m.ruleId));
    expect(hits.map((m) => m.line)).toEqual([3, 4]);
    for (const m of hits) expect(m.message).toMatch(/package root/);
  });
});
