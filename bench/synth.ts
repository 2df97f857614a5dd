/**
 * bench/synth — what a synth costs, against the cdktf CLI's own floor, measured in one run.
 *
 * Cases (interleaved per round; median wall time, median CPU time, peak RSS from GNU time):
 *   baseline  a one-resource cdktf app (one AWS VPC) through `cdktf synth` — the CLI's fixed cost
 *   cli       this project through `cdktf synth` (what `cdktf diff|deploy` pay)
 *   synth     `npm run synth` — the app in-process, no CLI (tools/synth.js)
 *   app       the compiled app alone (`node tools/app.js`, as the CLI would start it)
 * Goals: app ≤ 1.2 s wall for the ten regions now that every construct of the roadmap is in (it was
 * ≤ 0.8 s before them); synth ≤ 0.5 × baseline.
 * The app's cases run as users run them: the bundle and its V8 code cache are warm after the first
 * (unmeasured) round, as after any earlier synth of an unchanged checkout.
 *
 * Then growth: synthetic valid configs of 10, 30 and 100 regions (the shipped regions cloned under
 * new ids and CIDRs) through the app alone — time and peak memory per region and per resource, and
 * whether the growth is linear (the marginal cost of 10→30 and of 30→100 within 25 % of each other),
 * in regions and in resources. Resources grow faster than regions: a zone's network is a full mesh.
 *
 *   npm run bench:synth                    # 5 rounds
 *   BENCH_ROUNDS=9 npm run bench:synth
 *   BENCH_SCALE=0 npm run bench:synth      # skip the growth part
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PRICES } from '../lib/config/prices';
import shipped from '../regions.config';

const root = resolve(__dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
  process.stderr.write(`BENCH_ROUNDS="${process.env.BENCH_ROUNDS}" is not allowed; allowed: an integer from 1 to 50\n`);
  process.exit(2);
}
const scale = process.env.BENCH_SCALE !== '0';
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
if (!gnuTime) process.stderr.write('NOTE: GNU time not found (apt-get install time): CPU time and peak memory are not measured.\n');

const work = mkdtempSync(join(tmpdir(), 'tslj-bench-'));
const floorDir = join(work, 'floor');
mkdirSync(floorDir);
symlinkSync(join(root, 'node_modules'), join(floorDir, 'node_modules'), 'dir');
writeFileSync(
  join(floorDir, 'cdktf.json'),
  JSON.stringify({ language: 'typescript', app: 'node main.js', sendCrashReports: 'false', terraformProviders: [] }),
);
// The floor app is plain JavaScript: no loader, deep imports — the cheapest app the CLI can run.
writeFileSync(
  join(floorDir, 'main.js'),
  [
    "const { App, TerraformStack } = require('cdktf');",
    "const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');",
    "const { Vpc } = require('@cdktf/provider-aws/lib/vpc');",
    'const app = new App();',
    "const stack = new TerraformStack(app, 'floor');",
    "new AwsProvider(stack, 'aws', { region: 'eu-west-1' });",
    "new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });",
    'app.synth();',
  ].join('\n'),
);

interface Sample {
  wallMs: number;
  cpuMs: number | null;
  maxRssMb: number | null;
}

const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', CHECKPOINT_DISABLE: '1' };
delete env.TAISHANGLAOJUN_CONFIG;

function once(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Sample {
  const start = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync(gnuTime, ['-f', '__BENCH=%M %U %S', cmd, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' })
    : spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  const m = /__BENCH=(\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return m
    ? { wallMs, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, maxRssMb: Number(m[1]) / 1024 }
    : { wallMs, cpuMs: null, maxRssMb: null };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summarize = (xs: Sample[]) => ({
  wall: median(xs.map((s) => s.wallMs)),
  cpu: xs[0].cpuMs === null ? null : median(xs.map((s) => s.cpuMs ?? 0)),
  rss: xs[0].maxRssMb === null ? null : Math.max(...xs.map((s) => s.maxRssMb ?? 0)),
});
/** Resources in every stack of a synth output. */
function countResources(outdir: string): number {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  let n = 0;
  for (const stack of Object.values(manifest.stacks)) {
    const tf = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')) as { resource?: Record<string, object> };
    for (const byName of Object.values(tf.resource ?? {})) n += Object.keys(byName).length;
  }
  return n;
}
const fmt = (n: number | null, digits = 0) => (n === null ? 'n/a' : n.toFixed(digits));

const cli = join(root, 'node_modules/.bin/cdktf');
const node = process.execPath;
const cases = {
  baseline: (i: number) => once(cli, ['synth', '--output', join(work, `floor-${i}`)], floorDir),
  cli: (i: number) => once(cli, ['synth', '--output', join(work, `cli-${i}`)], root),
  synth: (i: number) => once(node, [join(root, 'tools/synth.js'), '--output', join(work, `synth-${i}`)], root),
  app: (i: number) => once(node, [join(root, 'tools/app.js')], root, { CDKTF_OUTDIR: join(work, `app-${i}`) }),
};
type CaseName = keyof typeof cases;

/**
 * A valid config of `count` regions: the shipped ten, then clones of them under new ids (declared
 * with `overrides.unknownRegion`), CIDRs and AZs, each clone taking some of its original's
 * countries (a region serves at least one) and its original's prices.
 */
function syntheticConfig(count: number): { regions: unknown[]; [k: string]: unknown } {
  type R = { id: string; availabilityZones: string[]; countries: string[]; [k: string]: unknown };
  const base = JSON.parse(JSON.stringify(shipped)) as { regions: R[]; [k: string]: unknown };
  const prices = JSON.parse(JSON.stringify(DEFAULT_PRICES)) as { regions: Record<string, unknown> };
  const originals = base.regions;
  // Clones per original, in proportion to the countries it can give away (it keeps at least one).
  const spare = originals.map((r) => r.countries.length - 1);
  const clones = originals.map(() => 0);
  for (let made = 0, k = 0; made < count - originals.length; k++) {
    const o = k % originals.length;
    if (clones[o] < spare[o]) {
      clones[o]++;
      made++;
    }
    if (k > 100_000) throw new Error(`cannot make ${count} regions: the shipped countries run out`);
  }
  const regions: R[] = [];
  let n = 0;
  originals.forEach((orig, o) => {
    const family: R[] = [{ ...orig, countries: [] }];
    for (let c = 0; c < clones[o]; c++, n++) {
      const id = `${orig.id.replace(/-\d+$/, '')}x-${n + 1}`; // the region-id pattern, but no AWS region
      family.push({
        ...orig,
        id,
        location: `synthetic ${n + 1}`,
        primary: false,
        cidr: `10.${100 + n}.0.0/16`,
        availabilityZones: orig.availabilityZones.map((az) => `${id}${az.slice(-1)}`),
        countries: [],
        reservedCapacity: undefined,
        overrides: { unknownRegion: 'a synthetic region of bench/synth, to measure growth' },
      });
      prices.regions[id] = prices.regions[orig.id];
    }
    orig.countries.forEach((country, k) => family[k % family.length].countries.push(country));
    regions.push(...family);
  });
  return { ...base, regions, prices };
}

try {
  const names = Object.keys(cases) as CaseName[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as Sample[]])) as Record<CaseName, Sample[]>;
  for (const n of names) cases[n](-1); // warm the caches (compiled app, CLI, providers' modules)
  for (let i = 0; i < rounds; i++) {
    for (const n of names) samples[n].push(cases[n](i));
    process.stderr.write(`round ${i + 1}/${rounds}: ${names.map((n) => `${n} ${samples[n][i].wallMs.toFixed(0)} ms`).join(', ')}\n`);
  }
  const s = Object.fromEntries(names.map((n) => [n, summarize(samples[n])])) as Record<CaseName, ReturnType<typeof summarize>>;
  const labels: Record<CaseName, string> = {
    baseline: 'baseline: one-resource app via cdktf CLI',
    cli: 'cli: this app via cdktf synth',
    synth: 'synth: npm run synth (in-process, no CLI)',
    app: 'app: compiled app alone (node tools/app.js)',
  };
  process.stdout.write(`\nbench/synth — ${rounds} rounds, node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  process.stdout.write(`${'case'.padEnd(46)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)} ${'peak RSS MB'.padStart(12)}\n`);
  for (const n of names) {
    process.stdout.write(
      `${labels[n].padEnd(46)} ${fmt(s[n].wall).padStart(9)} ${fmt(s[n].cpu).padStart(9)} ${fmt(s[n].rss).padStart(12)}\n`,
    );
  }
  const ratio = s.synth.wall / s.baseline.wall;
  process.stdout.write(`ratio synth / baseline (wall): ${ratio.toFixed(2)}  goal <= 0.5: ${ratio <= 0.5 ? 'met' : 'NOT met'}\n`);
  process.stdout.write(`ratio cli / baseline (wall):   ${(s.cli.wall / s.baseline.wall).toFixed(2)}\n`);
  process.stdout.write(
    `app alone: ${s.app.wall.toFixed(0)} ms wall; goal <= 1200 ms (every construct of the roadmap is in): ${s.app.wall <= 1200 ? 'met' : 'NOT met'}\n`,
  );

  if (scale) {
    const sizes = [10, 30, 100];
    const rows: { regions: number; resources: number; wall: number; cpu: number | null; rss: number | null }[] = [];
    for (const size of sizes) {
      const file = join(work, `config-${size}.json`);
      const config = syntheticConfig(size);
      writeFileSync(file, JSON.stringify(config));
      const runs: Sample[] = [];
      let resources = 0;
      for (let i = 0; i < Math.max(3, Math.ceil(rounds / 2)); i++) {
        const out = join(work, `scale-${size}-${i}`);
        runs.push(once(node, [join(root, 'tools/app.js')], root, { CDKTF_OUTDIR: out, TAISHANGLAOJUN_CONFIG: file }));
        if (i === 0) resources = countResources(out);
        rmSync(out, { recursive: true, force: true });
      }
      const r = summarize(runs);
      rows.push({ regions: config.regions.length, resources, wall: r.wall, cpu: r.cpu, rss: r.rss });
      process.stderr.write(`growth: ${size} regions, ${resources} resources: ${r.wall.toFixed(0)} ms\n`);
    }
    process.stdout.write(`\ngrowth (app alone, synthetic valid configs; CPU time where GNU time is present, else wall)\n`);
    process.stdout.write(
      `${'regions'.padStart(7)} ${'resources'.padStart(9)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)} ${'ms/region'.padStart(10)} ${'ms/resource'.padStart(12)} ${'peak RSS MB'.padStart(12)}\n`,
    );
    const cost = (r: (typeof rows)[number]) => r.cpu ?? r.wall;
    for (const r of rows) {
      process.stdout.write(
        `${String(r.regions).padStart(7)} ${String(r.resources).padStart(9)} ${r.wall.toFixed(0).padStart(9)} ${fmt(r.cpu).padStart(9)} ${(cost(r) / r.regions).toFixed(1).padStart(10)} ${(cost(r) / r.resources).toFixed(3).padStart(12)} ${fmt(r.rss).padStart(12)}\n`,
      );
    }
    const marginal = (key: 'regions' | 'resources', a: (typeof rows)[number], b: (typeof rows)[number]) =>
      (cost(b) - cost(a)) / (b[key] - a[key]);
    const [a, b, c] = rows;
    for (const key of ['regions', 'resources'] as const) {
      const m1 = marginal(key, a, b);
      const m2 = marginal(key, b, c);
      const linear = Math.abs(m2 - m1) <= 0.25 * Math.max(m1, m2);
      process.stdout.write(
        `marginal cost per ${key.slice(0, -1)}: ${m1.toFixed(key === 'regions' ? 1 : 3)} ms (${a[key]}→${b[key]}), ${m2.toFixed(key === 'regions' ? 1 : 3)} ms (${b[key]}→${c[key]}): ${linear ? 'linear' : 'NOT linear'} (within 25 %)\n`,
      );
    }
    process.stdout.write(
      `resources per region: ${(a.resources / a.regions).toFixed(0)}, ${(b.resources / b.regions).toFixed(0)}, ${(c.resources / c.regions).toFixed(0)} — the zone network is a full mesh (peering, routes and rules between every pair of a zone's regions)\n`,
    );
    if (a.rss !== null && b.rss !== null && c.rss !== null) {
      process.stdout.write(
        `marginal memory: ${((b.rss - a.rss) / (b.resources - a.resources)).toFixed(3)} MB/resource (${a.resources}→${b.resources}), ${((c.rss - b.rss) / (c.resources - b.resources)).toFixed(3)} MB/resource (${b.resources}→${c.resources})\n`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
