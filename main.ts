/**
 * The cdktf app: regions.config.ts → validated config → stacks → cdktf.out (+ routing-table.json).
 * Run through `npm run synth` / `cdktf synth|diff|deploy`. Set TAISHANGLAOJUN_CONFIG to synth
 * another config file, TAISHANGLAOJUN_OFFLINE=1 for an offline plan (see README).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { ConfigValidationError, validateRegionsConfig } from './lib/config';
import { offlineModeFromEnv } from './lib/offline';
import { writeReports } from './lib/reports';
import { ROUTING_TABLE_FILE } from './lib/routing-table';
import { stateBackendFromEnv } from './lib/state-backend';
import { buildPlatform } from './stacks/platform';

// cdktf captures a full stack trace for every token it creates; with tsx's source maps on, each
// capture is mapped back to TypeScript, which made a third of the synth (bench/synth). Synth
// errors are reported by message, not stack, so map only when debugging.
if (!process.env.TAISHANGLAOJUN_DEBUG) process.setSourceMapsEnabled(false);

function loadConfigModule(): { source: string; value: unknown } {
  const override = process.env.TAISHANGLAOJUN_CONFIG;
  const file = override ? resolve(override) : resolve(__dirname, 'regions.config.ts');
  try {
    const mod = require(file) as { default?: unknown };
    return { source: override ?? 'regions.config.ts', value: mod.default ?? mod };
  } catch (e) {
    throw new Error(
      `cannot load the config ${override ? `TAISHANGLAOJUN_CONFIG="${override}"` : file}: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
}

function main(): void {
  const { source, value } = loadConfigModule();
  const config = validateRegionsConfig(value, source);
  const offline = offlineModeFromEnv();
  const stateBackend = stateBackendFromEnv();
  const app = new App();
  const { routingTableJson } = buildPlatform(app, config, { offline, stateBackend });
  writeReports(app.outdir, config); // purchase plan and monitoring files, all built before any is written
  app.synth();
  mkdirSync(app.outdir, { recursive: true });
  writeFileSync(join(app.outdir, ROUTING_TABLE_FILE), routingTableJson);
}

try {
  main();
} catch (e) {
  const message = e instanceof ConfigValidationError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`synth failed: ${message}\n`);
  if (process.env.TAISHANGLAOJUN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
