/**
 * The package as another cdktf project sees it: build it, pack it with `npm pack` (what a registry,
 * a git dependency or a tarball install delivers), unpack it into a fresh consumer project whose
 * own cdktf and constructs serve as the peers, then type-check the imports under both TypeScript
 * resolutions (node16, and the CommonJS settings of cdktf's project template) and run them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-consumer-'));
const consumer = join(work, 'consumer');
const installed = join(consumer, 'node_modules/@taishanglaojun/infra');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PackageJson {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  license: string;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
let packed: string[] = [];

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'pipe',
  });
  // --ignore-scripts: the build above is the `prepare` step.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, info.filename), '-C', installed, '--strip-components=1']);
  // What npm would install next to it: its dependencies, and the consumer's own peers and types.
  for (const dep of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), '@types/node']) {
    mkdirSync(join(consumer, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  writeFileSync(
    join(consumer, 'app.ts'),
    [
      "import { Region, ContinentStack, validateRegionsConfig } from '@taishanglaojun/infra';",
      "import type { RegionProps } from '@taishanglaojun/infra';",
      "import { parseRoutingTable, formatProblems, type Problem } from '@taishanglaojun/infra/runtime';",
      "const props: Partial<RegionProps> = { projectName: 'acme' };",
      "const problem: Problem = { path: 'a', value: 1, message: 'is bad' };",
      'export const used = [Region, ContinentStack, validateRegionsConfig, parseRoutingTable, formatProblems, props, problem];',
    ].join('\n'),
  );
}, 120_000);

it('declares cdktf and constructs as peer dependencies (never nested copies), with a range the pinned dev versions satisfy', () => {
  expect(pkg.dependencies.cdktf).toBeUndefined();
  expect(pkg.dependencies.constructs).toBeUndefined();
  expect(pkg.peerDependencies).toEqual({ cdktf: '^0.21.0', constructs: '^10.4.2' });
  const semver = require(join(root, 'node_modules/semver')) as { satisfies(v: string, range: string): boolean };
  for (const [name, range] of Object.entries(pkg.peerDependencies)) {
    const version = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(semver.satisfies(version, range)).toBe(true);
  }
  expect(pkg.license).toBe('UNLICENSED');
});

it('packs the compiled package only: no sources, tests or tools', () => {
  expect(packed).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/runtime/index.d.ts']));
  expect(packed.filter((f) => /^(test|tools|bench|examples)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
});

const tsconfigs: [string, Record<string, unknown>][] = [
  ['node16 resolution', { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, types: ['node'] }],
  [
    // cdktf init --template=typescript: CommonJS and no moduleResolution (TypeScript's "node10").
    "cdktf's project template (CommonJS, no moduleResolution)",
    {
      alwaysStrict: true,
      declaration: true,
      experimentalDecorators: true,
      lib: ['es2018'],
      module: 'CommonJS',
      noFallthroughCasesInSwitch: true,
      noImplicitAny: true,
      noImplicitReturns: true,
      noImplicitThis: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      resolveJsonModule: true,
      strict: true,
      strictNullChecks: true,
      strictPropertyInitialization: true,
      stripInternal: true,
      target: 'ES2018',
      types: ['node'],
    },
  ],
];
it.each(tsconfigs)('type-checks imports of the root and of the runtime subpath under %s', (name, compilerOptions) => {
  const file = `tsconfig.${name.replace(/\W+/g, '-')}.json`;
  writeFileSync(
    join(consumer, file),
    JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true, skipLibCheck: true }, files: ['app.ts'] }),
  );
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', file], { cwd: consumer, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

it('loads the root, the runtime and the gateway subpaths at run time, and nothing else is exported', () => {
  const script = [
    "const infra = require('@taishanglaojun/infra');",
    "const runtime = require('@taishanglaojun/infra/runtime');",
    "const gateway = require('@taishanglaojun/infra/gateway');",
    "let blocked = false; try { require('@taishanglaojun/infra/lib/region/region'); } catch (e) { blocked = e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'; }",
    'console.log(JSON.stringify({ region: typeof infra.Region, stack: typeof infra.ContinentStack, parse: typeof runtime.parseRoutingTable, gateway: typeof gateway.Gateway, blocked }));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ region: 'function', stack: 'function', parse: 'function', gateway: 'function', blocked: true });
});

it("puts a Region into the consumer's own stack with the consumer's cdktf (one copy of cdktf and constructs)", () => {
  const outdir = join(work, 'out');
  const script = `
    const { App, TerraformStack } = require('cdktf');
    const { Region, validateRegionsConfig } = require('@taishanglaojun/infra');
    const infraDir = require('node:path').dirname(require.resolve('@taishanglaojun/infra'));
    const same = ['cdktf', 'constructs'].every((m) => require.resolve(m) === require.resolve(m, { paths: [infraDir] }));
    const config = validateRegionsConfig({
      project: { name: 'acme-ai', domain: 'acme.example', apiHost: 'api.acme.example', gcpProject: 'acme-ai-edge' },
      residencyZones: [{ id: 'emea' }],
      regions: [{ id: 'eu-west-1', location: 'Dublin', continent: 'EMEA', primary: true, compliance: ['GDPR'], residencyZone: 'emea',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'], cidr: '10.50.0.0/16', countries: ['IE'], latencyThresholdMs: 60, capacity: 2000 }],
    }, 'consumer');
    const app = new App({ outdir: ${JSON.stringify(outdir)} });
    const stack = new TerraformStack(app, 'acme');
    new Region(stack, 'eu-west-1', { spec: config.regions[0], projectName: 'acme-ai', accountId: '111122223333' });
    app.synth();
    console.log(JSON.stringify({ same }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ same: true });
  const tf = JSON.parse(readFileSync(join(outdir, 'stacks/acme/cdk.tf.json'), 'utf8')) as { resource: Record<string, unknown> };
  expect(Object.keys(tf.resource)).toContain('aws_vpc');
});
