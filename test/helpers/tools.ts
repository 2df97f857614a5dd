import { spawnSync } from 'node:child_process';

/**
 * Decides what a test does when a tool it needs is absent: in CI (env CI set) the suite must fail,
 * because CI installs every tool; elsewhere it prints a loud SKIPPED line and skips.
 */
export function requireTool(name: string, available: boolean, why: string): boolean {
  if (available) return true;
  const line = `SKIPPED: ${name} tests — ${why}`;
  if (process.env.CI) throw new Error(`${line}. CI must provide it (see .ci/run).`);
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
  return false;
}

export function hasCommand(cmd: string, args = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}
