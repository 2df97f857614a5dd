/**
 * The cdktf app: regions.config.ts → validated config → stacks → cdktf.out (+ routing-table.json).
 * Run through `npm run synth` (tools/synth.js: in-process, no cdktf CLI) or `cdktf synth|diff|deploy`
 * (cdktf.json runs tools/app.js); both run this file compiled by esbuild (bin/compiled.js), never
 * through a TypeScript loader. Set TAISHANGLAOJUN_CONFIG to synth another config file,
 * TAISHANGLAOJUN_OFFLINE=1 for an offline plan, TAISHANGLAOJUN_EDGE_BOOTSTRAP=1 for the first deploy of
 * the edge (see README).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { App } from 'cdktf';
import { COMPLIANCE_REPORT_FILE, type ComplianceReport } from './lib/compliance';
import {
  CONFIG_ENV,
  DEFAULT_CONFIG_FILE,
  loadBundledConfigModule,
  loadRegionsConfig,
  validateRegionsConfig,
  type RegionsConfig,
} from './lib/config';
import { withFastResolve } from './lib/private/fast-resolve';
import { withResolveOnce } from './lib/private/resolve-once';
import { withCachedSnakeCase } from './lib/private/snake-case-keys';
import { withoutTokenStackTraces } from './lib/private/token-stack-traces';
import { edgeBootstrapFromEnv } from './lib/edge/bootstrap';
import { assertOfflineOutdir, offlineModeFromEnv } from './lib/offline';
import { CHECKLIST_REPORT_FILE, MONITORING_DIR, REPORTS_DIR, buildChecklist, renderChecklistMarkdown, writeReports } from './lib/reports';
import { ROUTING_TABLE_FILE } from './lib/routing-table';
import { stateBackendFromEnv } from './lib/state-backend';
import { buildPlatform } from './stacks/platform';
import { describeThrown } from './lib/config/private/plain-data';
import { formatValue, ProblemsError } from './runtime/problem';
import { parseRoutingTable } from './runtime/routing-table';

// cdktf captures a full stack trace for every token it creates; with tsx's source maps on, each
// capture is mapped back to TypeScript, which made a third of the synth (bench/synth). Synth
// errors are reported by message, not stack, so map only when debugging.
if (!process.env.TAISHANGLAOJUN_DEBUG) process.setSourceMapsEnabled(false);

/** regions.config.ts of this checkout: next to this file, or one folder up when running compiled from dist/. */
function defaultConfigFile(): string {
  const candidates = [join(__dirname, DEFAULT_CONFIG_FILE), join(__dirname, '..', DEFAULT_CONFIG_FILE)];
  return candidates.find((f) => existsSync(f)) ?? resolve(DEFAULT_CONFIG_FILE);
}

/** What {@link synthPlatform} wrote: each stack with its resource count and where it deploys. */
export interface SynthSummary {
  /** The output directory (absolute). */
  readonly outdir: string;
  /** One row per stack, in manifest order. */
  readonly stacks: readonly { readonly name: string; readonly resources: number; readonly where: string }[];
  /** What the compliance pack checked, found and had suppressed. */
  readonly compliance?: ComplianceReport;
}

export interface SynthOptions {
  /** Output directory. @default $CDKTF_OUTDIR (set by the cdktf CLI), else "cdktf.out" */
  readonly outdir?: string;
  /** The config file when TAISHANGLAOJUN_CONFIG is unset. @default regions.config.ts of this checkout */
  readonly configFile?: string;
}

/**
 * The config to synthesize: the file TAISHANGLAOJUN_CONFIG (or `configFile`) names, loaded by the
 * config loader; else the shipped regions.config.ts, which is compiled into this app, so the common
 * case runs no esbuild at synth (about 75 ms, bench/synth).
 */
function loadConfig(configFile: string | undefined): RegionsConfig {
  if (configFile === undefined && process.env[CONFIG_ENV] === undefined) {
    // Required here, not imported: the shipped file is compiled into the app, and evaluated only now,
    // under the loader's guards (a throw or a process.exit in it is a config error, not a stack trace
    // or a silent exit 0).
    const shipped = loadBundledConfigModule(DEFAULT_CONFIG_FILE, () => require('./regions.config') as unknown);
    return validateRegionsConfig(shipped, DEFAULT_CONFIG_FILE);
  }
  return loadRegionsConfig(configFile ?? defaultConfigFile());
}

/**
 * Loads and validates the config, builds every stack and writes the synth output. Everything is
 * written into a staging directory next to `outdir` and moved into place only when all of it
 * succeeded, so a failure (a bad config, a construct or compliance error) leaves no half-written
 * output and the previous output untouched.
 */
export function synthPlatform(options: SynthOptions = {}): SynthSummary {
  return stagePlatform(options).commit();
}

/** A synth output built in its staging directory, not yet in place. */
interface StagedOutput {
  /** Moves the output into place and returns what it holds. */
  commit(): SynthSummary;
  /** Removes the staging directory; the previous output stays as it was. */
  discard(): void;
}

/** {@link synthPlatform} up to the move into place. */
function stagePlatform(options: SynthOptions): StagedOutput {
  // An empty CDKTF_OUTDIR counts as unset: resolve('') is the working directory, which the move
  // into place below would delete.
  const outdir = resolve(options.outdir || process.env.CDKTF_OUTDIR || 'cdktf.out');
  if (relative(outdir, process.cwd()).split(/[\\/]/)[0] !== '..')
    throw new Error(
      `the output directory ${outdir} is the working directory or contains it; allowed: a directory of its own such as cdktf.out`,
    );
  assertReplaceableOutdir(outdir);
  const config = loadConfig(options.configFile);
  const offline = offlineModeFromEnv();
  assertOfflineOutdir(outdir, offline);
  const fromEnv = stateBackendFromEnv();
  // Local state stays where cdktf keeps it (the working directory), named relative to each stack's
  // folder in the final output: the same JSON in every checkout and from every CI workspace.
  const stateBackend =
    fromEnv.kind === 'local'
      ? {
          kind: 'local' as const,
          stateDir: relative(join(outdir, 'stacks', 'stack'), process.cwd())
            .split(sep)
            .join('/'),
        }
      : fromEnv;
  const edgeBootstrap = edgeBootstrapFromEnv();
  const staging = `${outdir}.staging-${process.pid}`;
  removeAbandonedStaging(outdir);
  let report: ComplianceReport | undefined;
  let stacks: Map<string, StackJson> | undefined;
  try {
    rmSync(staging, { recursive: true, force: true });
    // stackTraces: false — cdktf would otherwise capture a stack trace for every construct (a third of the synth time).
    const app = new App({ outdir: staging, stackTraces: false });
    const keepTraces = Boolean(process.env.TAISHANGLAOJUN_DEBUG);
    // cdktf's resolver with a fast path for plain data and snake_case keys remembered (same results, lib/private/)
    const tuned = <T>(fn: () => T): T => withoutTokenStackTraces(() => withFastResolve(() => withCachedSnakeCase(fn)), keepTraces);
    const { routingTableJson, compliance } = tuned(() => buildPlatform(app, config, { offline, stateBackend, edgeBootstrap }));
    // The table is the gateway's one input: never write one the gateway would refuse. The config's
    // bounds keep it valid; this names any gap between the two validators instead of shipping it.
    const table = parseRoutingTable(JSON.parse(routingTableJson));
    if (!table.ok)
      throw new ProblemsError(
        `the routing table built from the config would be refused by the gateway (${ROUTING_TABLE_FILE})`,
        table.problems,
      );
    writeReports(app.outdir, config); // purchase plan and monitoring files
    // the compliance pack runs here, before the first stack is written; each element is resolved
    // once for its stack's JSON, not again with the whole stack (lib/private/resolve-once.ts)
    tuned(() => withResolveOnce(() => app.synth()));
    writeFileSync(join(app.outdir, ROUTING_TABLE_FILE), routingTableJson);
    report = compliance?.report;
    if (report) {
      mkdirSync(join(app.outdir, 'reports'), { recursive: true });
      writeFileSync(join(app.outdir, COMPLIANCE_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    }
    stacks = readStacks(app.outdir);
    writeChecklist(app.outdir, stacks);
  } catch (e) {
    removeStaging(staging);
    throw unwritableOutdir(e, outdir);
  }
  return {
    commit: () => {
      try {
        rmSync(outdir, { recursive: true, force: true });
        renameSync(staging, outdir);
      } catch (e) {
        removeStaging(staging);
        throw unwritableOutdir(e, outdir);
      }
      return { outdir, stacks: summarizeStacks(stacks!), compliance: report };
    },
    discard: () => removeStaging(staging),
  };
}

/**
 * Removes the staging directories of synths that were killed before they could (`kill -9`, an OOM,
 * a CI timeout): `<outdir>.staging-<pid>` whose process is gone. One of a running synth is left.
 * (A synth in another container or machine writing to a shared folder has a process id this one
 * cannot see: do not point two such synths at one output directory.)
 */
function removeAbandonedStaging(outdir: string): void {
  const prefix = `${basename(outdir)}.staging-`;
  let names: string[];
  try {
    names = readdirSync(dirname(outdir));
  } catch {
    return; // the parent's own problem is named when the output is written
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^[1-9]\d{0,9}$/.test(suffix)) continue; // only what this code names: decimal process ids
    const pid = Number(suffix);
    if (pid === process.pid || processAlive(pid)) continue;
    removeStaging(join(dirname(outdir), name));
  }
}

/** Whether a process with this id runs (signal 0 checks without sending; EPERM: it runs as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeStaging(staging: string): void {
  try {
    rmSync(staging, { recursive: true, force: true });
  } catch {
    // the staging directory could not be created either; the caller's error says why
  }
}

/**
 * What a synth output holds at its top level: cdktf's manifest and stacks, and what this app adds.
 * Anything else (`cdktf diff` and `deploy` write only inside `stacks/<name>/`) is someone's file.
 */
const SYNTH_OUTPUT_ENTRIES = new Set(['manifest.json', 'stacks', ROUTING_TABLE_FILE, REPORTS_DIR, MONITORING_DIR]);

/**
 * The synth replaces its output directory whole, so it must be one: a new path, an empty directory
 * or a previous synth output (only the entries a synth writes, see {@link SYNTH_OUTPUT_ENTRIES}). A
 * file, or a folder with anything else in it given by mistake (`--output src`, or a web app's
 * `public/` that happens to hold a manifest.json), is refused before anything is built instead of
 * being deleted.
 */
function assertReplaceableOutdir(outdir: string): void {
  const parent = dirname(outdir);
  if (!existsSync(parent))
    throw new Error(
      `the output directory ${outdir} is in ${parent}, which does not exist; allowed: a directory whose parent exists (create ${parent} first)`,
    );
  if (!existsSync(outdir)) return;
  if (!statSync(outdir).isDirectory())
    throw new Error(`the output directory ${outdir} is a file; allowed: a directory (new, empty, or a previous synth output)`);
  const entries = readdirSync(outdir).sort();
  const allowed = `allowed: a new or empty directory, or a previous synth output (only ${[...SYNTH_OUTPUT_ENTRIES].join(', ')})`;
  const foreign = entries.filter((e) => !SYNTH_OUTPUT_ENTRIES.has(e));
  if (foreign.length > 0)
    throw new Error(
      `the output directory ${outdir} holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}) and the synth replaces it whole; ${allowed}`,
    );
  // The right names are not enough: each must be what a synth writes there (a file named `stacks`
  // or a folder named `manifest.json` is someone's), and a manifest must be cdktf's.
  for (const entry of entries) {
    const stat = lstatSync(join(outdir, entry));
    const wantsFile = entry.endsWith('.json');
    if (wantsFile ? !stat.isFile() : !stat.isDirectory())
      throw new Error(
        `the output directory ${outdir} holds ${entry} as ${stat.isSymbolicLink() ? 'a symbolic link' : wantsFile ? 'a folder' : 'a file'}, which a synth never writes, and the synth replaces it whole; ${allowed}`,
      );
  }
  if (entries.includes('manifest.json') && !isCdktfManifest(join(outdir, 'manifest.json')))
    throw new Error(
      `the output directory ${outdir} holds a manifest.json that is not a cdktf manifest (no "version" and "stacks"), and the synth replaces it whole; ${allowed}`,
    );
}

/** Whether `file` holds a cdktf manifest (a JSON object with a version and a stacks object). */
function isCdktfManifest(file: string): boolean {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; stacks?: unknown } | null;
    return m !== null && typeof m === 'object' && typeof m.version === 'string' && m.stacks !== null && typeof m.stacks === 'object';
  } catch {
    return false;
  }
}

/** A file-system error while writing the output, said of the output directory (not the staging path inside the error). */
function unwritableOutdir(e: unknown, outdir: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (!(e instanceof Error) || typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  return new Error(
    `cannot write the output directory ${outdir} (${e.message.startsWith(code) ? e.message : `${code}: ${e.message}`}); allowed: a directory the synth can create and write`,
  );
}

/** Every stack's JSON as synth wrote it into `outdir`, in manifest order (read once for the checklist and the summary). */
function readStacks(outdir: string): Map<string, StackJson> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return new Map(
    Object.entries(manifest.stacks).map(([name, s]) => [
      name,
      JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) as StackJson,
    ]),
  );
}

/** Writes reports/checklist.md from what synth wrote into `outdir` (stacks and generated files). */
function writeChecklist(outdir: string, stacks: Map<string, StackJson>): void {
  const files = (readdirSync(outdir, { recursive: true }) as string[]).map((f) => f.split(sep).join('/'));
  mkdirSync(join(outdir, 'reports'), { recursive: true });
  writeFileSync(join(outdir, CHECKLIST_REPORT_FILE), renderChecklistMarkdown(buildChecklist(Object.fromEntries(stacks), files)));
}

interface StackJson {
  provider?: Record<string, { region?: string }[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Each stack, the regions (or providers) it deploys to, its resource count. */
function summarizeStacks(stacks: Map<string, StackJson>): SynthSummary['stacks'] {
  return [...stacks].map(([name, tf]) => {
    const regions = (tf.provider?.aws ?? []).map((p) => p.region).filter(Boolean);
    const where = regions.length ? regions.join(', ') : Object.keys(tf.provider ?? {}).join(', ');
    const resources = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { name, resources, where };
  });
}

/** The summary as the table `npm run synth` prints. */
export function formatSynthSummary(summary: SynthSummary): string {
  const rows = summary.stacks;
  const width = Math.max(...rows.map((r) => r.name.length), 5);
  const lines = [`${'stack'.padEnd(width)}  resources  regions`];
  for (const r of rows) lines.push(`${r.name.padEnd(width)}  ${String(r.resources).padStart(9)}  ${r.where}`);
  lines.push(`${'total'.padEnd(width)}  ${String(rows.reduce((n, r) => n + r.resources, 0)).padStart(9)}`);
  const rel = relative(process.cwd(), summary.outdir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? summary.outdir : rel;
  lines.push(`routing table: ${join(shown, ROUTING_TABLE_FILE)}`);
  if (summary.compliance) lines.push(...formatComplianceSummary(summary.compliance, join(shown, COMPLIANCE_REPORT_FILE)));
  return `${lines.join('\n')}\n`;
}

/** The compliance lines of the summary: totals, rules with nothing to check yet, pending rules, each suppression with its reason. */
function formatComplianceSummary(c: ComplianceReport, file: string): string[] {
  const lines = [
    `compliance: ${c.rules.length} rules over ${c.resources} resources, ${c.violations.length} violations, ${c.suppressed.length} suppressed (${file})`,
  ];
  const idle = c.rules.filter((r) => r.checked === 0).map((r) => r.id);
  if (idle.length) lines.push(`  no resources to check yet (apply when they exist): ${idle.join(', ')}`);
  for (const p of c.pending) lines.push(`  pending ${p.id}: applies when ${p.appliesWhen}`);
  // one line per rule and reason: the reason matters, not the twenty providers it covers
  const groups = new Map<string, { ruleId: string; reason: string; paths: Set<string>; findings: number }>();
  for (const s of c.suppressed) {
    const key = `${s.ruleId}\0${s.suppressionReason}`;
    const g = groups.get(key) ?? { ruleId: s.ruleId, reason: s.suppressionReason, paths: new Set<string>(), findings: 0 };
    g.paths.add(s.path);
    g.findings++;
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const paths = [...g.paths];
    const where = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
    lines.push(`  suppressed ${g.ruleId} (${g.findings} findings at ${where}): ${g.reason}`);
  }
  return lines;
}

/**
 * Runs the synth and reports a failure once, without a stack trace (TAISHANGLAOJUN_DEBUG=1 adds
 * it). Returns the exit code. `summary` also prints the table of what was written.
 */
export async function runApp(options: SynthOptions & { readonly summary?: boolean } = {}): Promise<number> {
  // A config module can fail after it loaded (a promise it rejected, a timer that throws): such a
  // failure arrives once the synchronous synth has returned. The output waits in its staging
  // directory for one turn of the event loop (timers, then immediates) and is moved into place only
  // if nothing failed meanwhile; the callers then exit (tools/synth.js, tools/app.js), so nothing
  // the module scheduled later runs.
  const late: unknown[] = [];
  const onLate = (e: unknown) => late.push(e);
  process.on('unhandledRejection', onLate);
  process.on('uncaughtException', onLate);
  try {
    const staged = stagePlatform(options);
    await new Promise((resolveTurn) => setTimeout(resolveTurn, 0));
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
    if (late.length > 0) {
      staged.discard();
      throw new Error(
        `the app failed after the config loaded (a rejected promise or a throwing timer, in the config module or code it runs): ${describeThrown(late[0])}; nothing was written`,
      );
    }
    const summary = staged.commit();
    if (options.summary) process.stdout.write(`\n${formatSynthSummary(summary)}`);
    return 0;
  } catch (e) {
    // One message, once, no stack trace (TAISHANGLAOJUN_DEBUG=1 adds it); nothing has been written.
    const message = e instanceof Error ? e.message : `threw ${formatValue(e)}`;
    process.stderr.write(`synth failed: ${message}\n`);
    if (process.env.TAISHANGLAOJUN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 1;
  } finally {
    process.off('unhandledRejection', onLate);
    process.off('uncaughtException', onLate);
  }
}

// Run directly (`node --import tsx main.ts`); tools/app.js and tools/synth.js call runApp on the compiled bundle.
if (require.main === module) void runApp().then((code) => process.exit(code));
