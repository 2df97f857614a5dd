/** The lint rule that keeps runtime/ free of cdktf and of everything above it (the layering of docs/ARCHITECTURE.md). */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** Lints `code` as if it were runtime/clock.ts (a real runtime file), with the project's own ESLint config. */
function lintAsRuntime(code: string): { line: number; ruleId: string | null; message: string }[] {
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'runtime/clock.ts', '--format', 'json'],
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
