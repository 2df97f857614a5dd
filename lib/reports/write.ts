/**
 * Writes every generated report next to the stacks: `<outdir>/reports/…` and `<outdir>/monitoring/…`.
 * Every file is built in memory first; a generator that fails (e.g. a missing price) writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RegionsConfig } from '../config';
import { buildMonitoringFiles, MONITORING_DIR } from './monitoring';
import { buildPriceFile } from './prices-file';
import { buildReservedInstancePlan, renderReservedInstancePlanJson, renderReservedInstancePlanMarkdown } from './reserved-instances';

/** Folder of the person-read reports inside the synth output directory. */
export const REPORTS_DIR = 'reports';

/** Every generated file, by path relative to the synth output directory. */
export function buildReportFiles(config: RegionsConfig): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  const plan = buildReservedInstancePlan(config);
  files.set(`${REPORTS_DIR}/reserved-instances.json`, renderReservedInstancePlanJson(plan));
  files.set(`${REPORTS_DIR}/reserved-instances.md`, renderReservedInstancePlanMarkdown(plan));
  files.set(`${REPORTS_DIR}/prices.json`, `${JSON.stringify(buildPriceFile(config), null, 2)}\n`);
  for (const [name, content] of buildMonitoringFiles(config)) files.set(`${MONITORING_DIR}/${name}`, content);
  return files;
}

/** Builds every report from the config, then writes them under `outdir`; returns the paths written. */
export function writeReports(outdir: string, config: RegionsConfig): string[] {
  const files = buildReportFiles(config);
  const written: string[] = [];
  for (const [path, content] of files) {
    const file = join(outdir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
