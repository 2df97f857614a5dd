/**
 * bench/synth — the full ten-region synth against the cdktf CLI's own floor.
 *
 * Measures, in the same run and interleaved, `cdktf synth` of this project and of a one-resource
 * cdktf app (one AWS VPC, same loader, same CLI): median wall time and peak memory (the largest
 * process's max RSS, from GNU time). Prints both and the ratio. Goal: full ≤ 1.3 × floor.
 *
 *   npm run bench:synth            # 5 rounds
 *   BENCH_ROUNDS=9 npm run bench:synth
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
  process.stderr.write(`BENCH_ROUNDS="${process.env.BENCH_ROUNDS}" is not allowed; allowed: an integer from 1 to 50\n`);
  process.exit(2);
}
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
if (!gnuTime) process.stderr.write('NOTE: GNU time not found (apt-get install time): peak memory is not measured, wall time only.\n');

const work = mkdtempSync(join(tmpdir(), 'tslj-bench-'));
const floorDir = join(work, 'floor');
spawnSync('mkdir', ['-p', floorDir]);
symlinkSync(join(root, 'node_modules'), join(floorDir, 'node_modules'), 'dir');
writeFileSync(
  join(floorDir, 'cdktf.json'),
  JSON.stringify({ language: 'typescript', app: 'node --import tsx main.ts', sendCrashReports: 'false', terraformProviders: [] }),
);
writeFileSync(
  join(floorDir, 'main.ts'),
  [
    "import { App, TerraformStack } from 'cdktf';",
    "import { AwsProvider } from '@cdktf/provider-aws/lib/provider';",
    "import { Vpc } from '@cdktf/provider-aws/lib/vpc';",
    'const app = new App();',
    "const stack = new TerraformStack(app, 'floor');",
    "new AwsProvider(stack, 'aws', { region: 'eu-west-1' });",
    "new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });",
    'app.synth();',
  ].join('\n'),
);

const cli = join(root, 'node_modules/.bin/cdktf');
interface Sample {
  wallMs: number;
  maxRssMb: number | null;
}

function once(cwd: string, out: string): Sample {
  const args = ['synth', '--output', out];
  const env = { ...process.env, CI: '1', CHECKPOINT_DISABLE: '1' };
  const start = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync(gnuTime, ['-f', '__MAXRSS_KB=%M', cli, ...args], { cwd, env, encoding: 'utf8' })
    : spawnSync(cli, args, { cwd, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`cdktf synth failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  const kb = /__MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1];
  return { wallMs, maxRssMb: kb ? Number(kb) / 1024 : null };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const full: Sample[] = [];
  const floor: Sample[] = [];
  once(floorDir, join(work, 'warm'));
  for (let i = 0; i < rounds; i++) {
    floor.push(once(floorDir, join(work, `floor-${i}`)));
    full.push(once(root, join(work, `full-${i}`)));
    process.stderr.write(`round ${i + 1}/${rounds}: floor ${floor[i].wallMs.toFixed(0)} ms, full ${full[i].wallMs.toFixed(0)} ms\n`);
  }
  const fmt = (xs: Sample[]) => ({
    wall: median(xs.map((s) => s.wallMs)),
    rss: xs[0].maxRssMb === null ? null : Math.max(...xs.map((s) => s.maxRssMb ?? 0)),
  });
  const f = fmt(full);
  const b = fmt(floor);
  const rows = [
    ['case', 'median wall (ms)', 'peak RSS (MB)'],
    ['baseline: one-resource app via cdktf CLI', b.wall.toFixed(0), b.rss?.toFixed(0) ?? 'n/a'],
    ['full: ten regions, four stacks via cdktf CLI', f.wall.toFixed(0), f.rss?.toFixed(0) ?? 'n/a'],
    ['ratio full / baseline', (f.wall / b.wall).toFixed(2), f.rss && b.rss ? (f.rss / b.rss).toFixed(2) : 'n/a'],
  ];
  process.stdout.write(`\nbench/synth — ${rounds} rounds, node ${process.version}\n`);
  for (const r of rows) process.stdout.write(`${r[0].padEnd(46)} ${r[1].padStart(17)} ${r[2].padStart(14)}\n`);
  const goal = 1.3;
  process.stdout.write(`goal: wall ratio <= ${goal}: ${f.wall / b.wall <= goal ? 'met' : 'NOT met'}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
