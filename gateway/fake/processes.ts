/**
 * Child processes for fake upstreams, the gateway under test and the benchmark: spawned as
 * compiled JavaScript (bin/run-entry.js), ready when a JSON line on stdout says so, stopped by pid. Every process started here
 * is killed when the parent exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The package root: two levels above this file in the sources (gateway/fake/), in dist/ (where the
 * compiled `.js` files sit) and in the CLI's esbuild bundle (.cache/cli/).
 */
export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * In a source checkout, `node bin/run-entry.js x` (x.ts compiled by esbuild, cached; starts in
 * ~0.2 s instead of 4-10 s through a TypeScript loader); in a build, `node x.js`. A plain `.js`
 * script runs as it is. `script` has no extension.
 */
function nodeArgs(script: string): string[] {
  if (existsSync(join(REPO_ROOT, `${script}.ts`))) return [join(REPO_ROOT, 'bin', 'run-entry.js'), script];
  for (const base of [REPO_ROOT, join(REPO_ROOT, 'dist')]) if (existsSync(join(base, `${script}.js`))) return [join(base, `${script}.js`)];
  throw new Error(`cannot find ${script}.ts or ${script}.js under ${REPO_ROOT}`);
}

export interface NodeProcess {
  readonly proc: ChildProcess;
  /** The JSON line that said the process is ready. */
  readonly ready: Record<string, unknown>;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
  /** Every JSON line printed on stdout so far. */
  lines(): Array<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit code (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

const live = new Set<ChildProcess>();
let hooked = false;
function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

/** Starts `<script>` (path from the package root, no extension) with Node in the repo root; resolves when `isReady(line)` holds for a stdout JSON line. */
export function spawnNode(
  script: string,
  args: readonly string[],
  options: {
    isReady: (line: Record<string, unknown>) => boolean;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /** Keep stdout after the ready line (off for a benchmarked gateway's access logs). @default true */
    keepOutput?: boolean;
    /** Write stdout to this file instead of a pipe; readiness is then read from the file. @default a pipe */
    stdoutFile?: string;
  },
): Promise<NodeProcess> {
  killAllOnExit();
  const fd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const proc = spawn(process.execPath, [...nodeArgs(script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== undefined) closeSync(fd); // the child has its own copy
  let tail: NodeJS.Timeout | undefined;
  live.add(proc);
  let out = '';
  let pending = '';
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      live.delete(proc);
      resolve(code);
    }),
  );
  const handle: Omit<NodeProcess, 'ready'> = {
    proc,
    output: () => out,
    lines: () => lines,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      proc.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')}: not ready within ${options.timeoutMs ?? 20_000} ms\n${out}`));
    }, options.timeoutMs ?? 20_000);
    const onText = (text: string) => {
      out += text;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        lines.push(json);
        if (!settled && options.isReady(json)) {
          settled = true;
          clearTimeout(timer);
          resolve({ ...handle, ready: json });
        }
      }
    };
    if (options.stdoutFile === undefined) {
      proc.stdout!.on('data', (chunk: Buffer) => {
        if (settled && options.keepOutput === false) return;
        onText(chunk.toString('utf8'));
      });
    } else {
      const file = options.stdoutFile;
      let read = 0;
      tail = setInterval(() => {
        const text = readFileSync(file, 'utf8');
        onText(text.slice(read));
        read = text.length;
        if (settled) clearInterval(tail);
      }, 50);
    }
    proc.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    void exited.then((code) => {
      clearInterval(tail);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(' ')}: exited with ${code} before it was ready\n${out}`));
    });
  });
}

/** Starts one fake upstream process for `region` on `port` (0: any free port). */
export function spawnFakeUpstream(region: string, port = 0, healthPath = '/health'): Promise<NodeProcess & { port: number }> {
  return spawnNode('gateway/fake/upstream', ['--region', region, '--port', String(port), '--health-path', healthPath], {
    isReady: (l) => l.region === region && typeof l.port === 'number',
  }).then((p) => Object.assign(p, { port: p.ready.port as number }));
}
