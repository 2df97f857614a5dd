/**
 * The package as another cdktf project sees it: build it, link it into a fresh consumer project
 * under node_modules/@taishanglaojun/infra, then type-check and run an import of the root and of
 * the runtime subpath through the `exports` map.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const consumer = mkdtempSync(join(tmpdir(), 'tslj-consumer-'));
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'pipe',
  });
  mkdirSync(join(consumer, 'node_modules/@taishanglaojun'), { recursive: true });
  symlinkSync(root, join(consumer, 'node_modules/@taishanglaojun/infra'), 'dir');
  for (const dep of ['cdktf', 'constructs', '@types/node']) {
    mkdirSync(join(consumer, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
});

it('type-checks an import of Region and of the runtime through the exports map', () => {
  writeFileSync(
    join(consumer, 'app.ts'),
    [
      "import { Region, ContinentStack, validateRegionsConfig } from '@taishanglaojun/infra';",
      "import type { RegionProps } from '@taishanglaojun/infra';",
      "import { parseRoutingTable } from '@taishanglaojun/infra/runtime';",
      'const props: Partial<RegionProps> = { natGatewayPerAz: false };',
      'export const used = [Region, ContinentStack, validateRegionsConfig, parseRoutingTable, props];',
    ].join('\n'),
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: ['app.ts'],
    }),
  );
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: consumer, encoding: 'utf8' });
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
