/**
 * The cdktf app: regions.config.ts → validated config → stacks → cdktf.out (+ routing-table.json).
 * Run through `npm run synth` / `cdktf synth|diff|deploy`. Set TAISHANGLAOJUN_CONFIG to synth
 * another config file, TAISHANGLAOJUN_OFFLINE=1 for an offline plan (see README).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { DEFAULT_CONFIG_FILE, loadRegionsConfig } from './lib/config';
import { offlineModeFromEnv } from './lib/offline';
import { writeReports } from './lib/reports';
import { ROUTING_TABLE_FILE } from './lib/routing-table';
import { stateBackendFromEnv } from './lib/state-backend';
import { buildPlatform } from './stacks/platform';
import { formatValue } from './runtime/problem';

// cdktf captures a full stack trace for every token it creates; with tsx's source maps on, each
// capture is mapped back to TypeScript, which made a third of the synth (bench/synth). Synth
// errors are reported by message, not stack, so map only when debugging.
if (!process.env.TAISHANGLAOJUN_DEBUG) process.setSourceMapsEnabled(false);

/** regions.config.ts of this checkout: next to this file, or one folder up when running compiled from dist/. */
function defaultConfigFile(): string {
  const candidates = [join(__dirname, DEFAULT_CONFIG_FILE), join(__dirname, '..', DEFAULT_CONFIG_FILE)];
  return candidates.find((f) => existsSync(f)) ?? resolve(DEFAULT_CONFIG_FILE);
}

function main(): void {
  const config = loadRegionsConfig(defaultConfigFile());
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
  // One message, once, no stack trace (TAISHANGLAOJUN_DEBUG=1 adds it); nothing has been written.
  const message = e instanceof Error ? e.message : `threw ${formatValue(e)}`;
  process.stderr.write(`synth failed: ${message}\n`);
  if (process.env.TAISHANGLAOJUN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
