/**
 * `taishanglaojun fake-upstreams`: one fake upstream process per region of a routing table that runs a gateway (compute) on
 * 127.0.0.1, ports from --base-port in table order; writes {"<region>": "<url>"} to --out for
 * `taishanglaojun gateway --upstreams`. Runs until SIGINT/SIGTERM, then stops its children.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadRoutingTable } from '../../runtime/load-table';
import { RoutingTableError, servingRegionIds } from '../../runtime/routing-table';
import { spawnFakeUpstream, type NodeProcess } from './processes';

export const FAKE_UPSTREAMS_USAGE =
  'usage: taishanglaojun fake-upstreams [--table FILE] [--base-port 9100] [--out upstreams.json]\n  --table defaults to cdktf.out/routing-table.json (what npm run synth writes);\n  one fake upstream process per region of the table with compute on 127.0.0.1:<base-port + index>';

export async function main(args: readonly string[]): Promise<number> {
  const argv = args[0] === 'fake-upstreams' ? args.slice(1) : args;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${FAKE_UPSTREAMS_USAGE}\n`);
    return 0;
  }
  // Each flag once, with a value (a repeat or a flag without its value was read silently before).
  const FLAGS = ['--table', '--base-port', '--out'];
  const given = new Map<string, string>();
  const usage = (message: string) => {
    process.stderr.write(`fake-upstreams: ${message}\n${FAKE_UPSTREAMS_USAGE}\n`);
    return 2;
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!FLAGS.includes(name)) return usage(`unknown argument ${JSON.stringify(name)}; allowed: ${FLAGS.join(', ')}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return usage(`${name}: missing value`);
    if (value.trim() === '') return usage(`${name}: an empty value is not allowed`);
    if (given.has(name)) return usage(`${name}: given twice; allowed: once`);
    given.set(name, value);
  }
  const flag = (name: string) => given.get(name);
  const basePortText = flag('--base-port') ?? '9100';
  const basePort = /^\d+$/.test(basePortText) ? Number(basePortText) : NaN;
  if (!(basePort >= 1024 && basePort <= 65000))
    return usage(`--base-port ${JSON.stringify(basePortText)} is not allowed; allowed: an integer 1024..65000`);
  const out = flag('--out');
  if (out !== undefined) {
    // Checked before any upstream starts: a folder that is not there was an internal error after.
    const folder = dirname(resolve(out));
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      return usage(
        `--out ${JSON.stringify(out)} is not allowed: the folder ${folder} does not exist; allowed: a file in an existing folder`,
      );
    if (existsSync(out) && statSync(out).isDirectory()) return usage(`--out ${JSON.stringify(out)} is a directory; allowed: a file path`);
    // Writing to a FIFO nobody reads blocked after every child had started.
    if (existsSync(out) && !statSync(out).isFile())
      return usage(`--out ${JSON.stringify(out)} is not a regular file (a FIFO, device or socket); allowed: a file path`);
  }
  let regions: string[];
  try {
    regions = servingRegionIds(loadRoutingTable(flag('--table') ?? 'cdktf.out/routing-table.json')); // one per region that runs a gateway
  } catch (err) {
    if (!(err instanceof RoutingTableError)) throw err;
    process.stderr.write(`fake-upstreams: ${err.message}\n`);
    return 2;
  }
  const children: NodeProcess[] = [];
  const urls: Record<string, string> = {};
  // Every start settles: when one fails, the ones that did start are stopped (they kept their ports).
  const started = await Promise.allSettled(regions.map((r, i) => spawnFakeUpstream(r, basePort + i)));
  for (const [i, s] of started.entries()) {
    if (s.status !== 'fulfilled') continue;
    children.push(s.value);
    urls[regions[i]] = `http://127.0.0.1:${s.value.port}`;
  }
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    process.stderr.write(`fake-upstreams: ${(failed.reason as Error).message}\n`);
    await Promise.all(children.map((c) => c.stop()));
    return 1;
  }
  // A child that dies (killed, crashed) is reported; the others keep serving (killing one is a
  // way to take a region down by hand).
  let stopping = false;
  for (const [i, child] of children.entries()) {
    child.proc.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`${JSON.stringify({ event: 'upstream-exited', region: regions[i], url: urls[regions[i]], code, signal })}\n`);
    });
  }
  if (out !== undefined) {
    try {
      writeFileSync(out, `${JSON.stringify(urls, null, 2)}\n`);
    } catch (err) {
      process.stderr.write(`fake-upstreams: --out ${JSON.stringify(out)} cannot be written (${(err as Error).message})\n`);
      await Promise.all(children.map((c) => c.stop()));
      return 2;
    }
  }
  const pids = Object.fromEntries(children.map((c, i) => [regions[i], c.proc.pid]));
  process.stdout.write(`${JSON.stringify({ event: 'fake-upstreams', upstreams: urls, pids })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve); // the terminal closed: stop the children too
  });
  stopping = true;
  await Promise.all(children.map((c) => c.stop()));
  return 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
