/**
 * `taishanglaojun fake-upstreams`: one fake upstream process per region of a routing table on
 * 127.0.0.1, ports from --base-port in table order; writes {"<region>": "<url>"} to --out for
 * `taishanglaojun gateway --upstreams`. Runs until SIGINT/SIGTERM, then stops its children.
 */
import { writeFileSync } from 'node:fs';
import { loadRoutingTable } from '../../runtime/load-table';
import { RoutingTableError } from '../../runtime/routing-table';
import { spawnFakeUpstream, type NodeProcess } from './processes';

export const FAKE_UPSTREAMS_USAGE =
  'usage: taishanglaojun fake-upstreams [--table FILE] [--base-port 9100] [--out upstreams.json]\n  --table defaults to cdktf.out/routing-table.json (what npm run synth writes);\n  one fake upstream process per region of the table on 127.0.0.1:<base-port + index>';

export async function main(args: readonly string[]): Promise<number> {
  const argv = args[0] === 'fake-upstreams' ? args.slice(1) : args;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${FAKE_UPSTREAMS_USAGE}\n`);
    return 0;
  }
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const unknown = argv.filter(
    (a, i) =>
      a.startsWith('--') && !['--table', '--base-port', '--out'].includes(a) && !['--table', '--base-port', '--out'].includes(argv[i - 1]),
  );
  const basePort = Number(flag('--base-port') ?? '9100');
  if (unknown.length > 0 || !Number.isInteger(basePort) || basePort < 1024 || basePort > 65000) {
    process.stderr.write(
      `fake-upstreams: ${unknown.length > 0 ? `unknown flag ${unknown[0]}` : `--base-port ${JSON.stringify(flag('--base-port'))} is not allowed; allowed: an integer 1024..65000`}\n${FAKE_UPSTREAMS_USAGE}\n`,
    );
    return 2;
  }
  let regions: string[];
  try {
    regions = loadRoutingTable(flag('--table') ?? 'cdktf.out/routing-table.json').regions.map((r) => r.id);
  } catch (err) {
    if (!(err instanceof RoutingTableError)) throw err;
    process.stderr.write(`fake-upstreams: ${err.message}\n`);
    return 2;
  }
  const children: NodeProcess[] = [];
  const urls: Record<string, string> = {};
  try {
    const started = await Promise.all(regions.map((r, i) => spawnFakeUpstream(r, basePort + i)));
    for (const [i, p] of started.entries()) {
      children.push(p);
      urls[regions[i]] = `http://127.0.0.1:${p.port}`;
    }
  } catch (err) {
    process.stderr.write(`fake-upstreams: ${(err as Error).message}\n`);
    await Promise.all(children.map((c) => c.stop()));
    return 1;
  }
  const out = flag('--out');
  if (out !== undefined) writeFileSync(out, `${JSON.stringify(urls, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ event: 'fake-upstreams', upstreams: urls })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(children.map((c) => c.stop()));
  return 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
