/**
 * Loading `regions.config.ts` (or the file `TAISHANGLAOJUN_CONFIG` names) and validating it.
 *
 * A TypeScript config is bundled in memory with esbuild (its own relative imports included,
 * packages left to `require`) and evaluated as CommonJS, so loading needs no TypeScript loader
 * registered in the process: the synth runs compiled JavaScript. esbuild's errors give the file,
 * line, column and reason of a syntax error. A `.js`/`.cjs`/`.json` config needs no esbuild.
 *
 * Every failure is a {@link ConfigLoadError} whose message names the file and says what to do;
 * nothing here lets a stack trace or an internal `TypeError` through.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { findDuplicateKeys, jsonNestedDeeperThan, MAX_JSON_DEPTH } from '../../runtime/json-duplicate-keys';
import { FileTooLargeError, readTextBounded } from '../../runtime/read-bounded';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';
import { escapeUnsafeCharacters, formatValue } from '../../runtime/problem';
import { jsonSyntaxError } from './private/json-syntax';
import { describeThrown } from './private/plain-data';
import type { RegionsConfig } from './model';
import { validateRegionsConfig } from './validate';

/** The environment variable naming another config file to synthesize. */
export const CONFIG_ENV = 'TAISHANGLAOJUN_CONFIG';
/** The config file a project has by default. */
export const DEFAULT_CONFIG_FILE = 'regions.config.ts';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JAVASCRIPT = new Set(['.js', '.cjs', '.mjs', '.json']);
/** Syntax errors listed before the rest are counted. */
const MAX_COMPILE_ERRORS = 10;

/** A config that could not be loaded (not found, does not compile, throws, exports no config). */
export class ConfigLoadError extends Error {
  constructor(
    /** How the config was named to the user: `regions.config.ts` or `TAISHANGLAOJUN_CONFIG="…"`. */
    readonly source: string,
    /** What went wrong and what to do. */
    readonly reason: string,
  ) {
    super(`cannot load the config ${source}: ${reason}`);
    this.name = 'ConfigLoadError';
  }
}

/** Which config file to load, and how to name it in messages. */
export interface ConfigLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** How to name it to the user. */
  readonly source: string;
}

/**
 * The config file to load: `TAISHANGLAOJUN_CONFIG` when set, else `defaultFile`.
 * @throws ConfigLoadError when the variable is set but empty (it would silently fall back to the
 *   shipped config otherwise)
 */
export function configLocationFromEnv(defaultFile: string, env: NodeJS.ProcessEnv = process.env): ConfigLocation {
  const value = env[CONFIG_ENV];
  if (value === undefined) return { file: resolve(defaultFile), source: relativeName(defaultFile) };
  const source = `${CONFIG_ENV}=${JSON.stringify(value)}`;
  if (value.trim() === '')
    throw new ConfigLoadError(
      source,
      `the variable is set but empty; allowed: the path of a config file (.ts, .js, .json), or unset it to use ${DEFAULT_CONFIG_FILE}`,
    );
  return { file: resolve(value), source };
}

function relativeName(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? resolve(file) : rel;
}

interface EsbuildMessage {
  readonly text: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number; readonly lineText: string } | null;
}

type Esbuild = typeof import('esbuild');

/** esbuild when it is installed (a devDependency here, an optional peer dependency of the package). */
function optionalEsbuild(): Esbuild | undefined {
  try {
    return require('esbuild') as Esbuild;
  } catch {
    return undefined;
  }
}

/** Bundles `file` (TypeScript or JavaScript, ES module or CommonJS) into one CommonJS script. */
function compile(esbuild: Esbuild, file: string, source: string): string {
  try {
    const out = esbuild.buildSync({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      write: false,
      logLevel: 'silent',
      // A key written twice in one object literal: the last one wins silently (as JSON.parse's).
      logOverride: { 'duplicate-object-key': 'error' },
      sourcemap: false,
    });
    return out.outputFiles[0].text;
  } catch (e) {
    const errors = (e as { errors?: readonly EsbuildMessage[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw new ConfigLoadError(source, `it does not compile: ${describeThrown(e)}`);
    const lines = errors.slice(0, MAX_COMPILE_ERRORS).map((m) => {
      if (!m.location) return `  ${m.text}`;
      const where = `${relativeName(m.location.file)}:${m.location.line}:${m.location.column + 1}`;
      return `  ${where}: ${m.text}\n    ${m.location.lineText.trim().slice(0, 120)}`;
    });
    if (errors.length > MAX_COMPILE_ERRORS) lines.push(`  … and ${errors.length - MAX_COMPILE_ERRORS} more errors`);
    throw new ConfigLoadError(
      source,
      `it does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
  }
}

/** Evaluates CommonJS `code` as the module `file`; its bare imports resolve from the file's folder. */
function evaluate(code: string, file: string, source: string): unknown {
  const module = { exports: {} as unknown };
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }) as (
    ...args: unknown[]
  ) => void;
  withoutExit(source, () => wrapper(module.exports, createRequire(file), module, file, dirname(file)));
  return module.exports;
}

/**
 * Runs a config module's code with `process.exit` refused: a module that exits would end the synth
 * with its exit code and no output, as if it succeeded. The module runs in this realm's context,
 * whose `process` is the one to guard (under a test runner's sandbox it is not the `process` this
 * file sees).
 */
function withoutExit<T>(source: string, run: () => T): T {
  const realm = runInThisContext('process') as NodeJS.Process;
  const exit = realm.exit;
  realm.exit = ((code?: unknown) => {
    throw new ConfigLoadError(
      source,
      `the module called process.exit(${code === undefined ? '' : formatValue(code)}) while loading; a config module must only export the config`,
    );
  }) as typeof process.exit;
  try {
    return run();
  } finally {
    realm.exit = exit;
  }
}

/**
 * The config a module compiled into the app exports (the shipped regions.config.ts, which the app
 * requires instead of loading it from disk), with the guards of {@link loadConfigModule}: a module
 * that throws or calls `process.exit` while it loads, or exports no config, is a ConfigLoadError
 * naming `source`. `load` evaluates the module (a `require` of it) and returns its exports.
 */
export function loadBundledConfigModule(source: string, load: () => unknown): unknown {
  let exported: unknown;
  try {
    exported = withoutExit(source, load);
  } catch (e) {
    if (e instanceof ConfigLoadError) throw e;
    throw new ConfigLoadError(source, `the module threw while loading: ${describeThrown(e)}`);
  }
  return readExport(exported, source);
}

/**
 * The config a module exports: its default export for an ES module, `module.exports` for CommonJS.
 * @throws ConfigLoadError for a module with named exports only, a function or a promise
 */
function exportedConfig(exported: unknown, source: string): unknown {
  let value = exported;
  const isObject = exported !== null && typeof exported === 'object';
  if (isObject && Object.getOwnPropertyDescriptor(exported, '__esModule')?.value === true) {
    const names = Object.keys(exported).filter((k) => k !== 'default');
    let hasDefault: boolean;
    try {
      hasDefault = Object.prototype.hasOwnProperty.call(exported, 'default');
      value = (exported as { default?: unknown }).default;
    } catch (e) {
      throw new ConfigLoadError(source, `reading its default export threw ${describeThrown(e)}`);
    }
    if (!hasDefault)
      throw new ConfigLoadError(
        source,
        `it has no default export${names.length ? ` (named exports: ${names.join(', ')})` : ''}; export the config with \`export default\``,
      );
  }
  if (typeof value === 'function')
    throw new ConfigLoadError(
      source,
      `its default export is a function (${formatValue(value)}); export the config object itself, e.g. \`export default makeConfig()\``,
    );
  if (value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'))
    throw new ConfigLoadError(
      source,
      'its default export is a Promise; the config must be a plain object (no async config, no top-level await)',
    );
  return value;
}

/** Largest JSON config read, in bytes (the shipped config is ~10 KB as JSON; the schema's limits fit well under this). */
export const MAX_JSON_CONFIG_BYTES = 16 * 1024 * 1024;

/** A JSON config's text, at most {@link MAX_JSON_CONFIG_BYTES}. */
function readJsonConfig(file: string, source: string): string {
  try {
    return readTextBounded(file, MAX_JSON_CONFIG_BYTES);
  } catch (e) {
    if (e instanceof FileTooLargeError)
      throw new ConfigLoadError(source, `holds more than ${MAX_JSON_CONFIG_BYTES} bytes; allowed: a JSON config of at most 16 MiB`);
    throw new ConfigLoadError(source, `cannot be read: ${(e as Error).message}`);
  }
}

/**
 * Where and why `JSON.parse` refused `text`: ` (line 3, column 8): Expected ':' after property name`
 * and the line with a caret under the place (JSON.parse itself says "at position 7992", or nothing).
 */
function jsonErrorPlace(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // V8: "… in JSON at position 16", "… in JSON at position 16 (line 1 column 17)", "Unexpected token ']', "[1,2,]" is not valid JSON"
  const reason = escapeUnsafeCharacters(raw.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, ''));
  const at = jsonSyntaxError(text);
  if (at === undefined) return `: ${reason}`;
  return ` (line ${at.line}, column ${at.column}): ${reason} (found ${at.found})\n    ${at.excerpt}\n    ${' '.repeat(at.excerptColumn)}^`;
}

/**
 * A JSON config's value: a leading byte order mark (editors on Windows write one) is not part of
 * the text, and a key repeated in one object is refused by path (JSON.parse keeps the last
 * silently, so `"regions"` twice would synthesize whichever came last).
 */
function parseJsonConfig(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // readTextBounded drops it already
  if (jsonNestedDeeperThan(body)) throw new ConfigLoadError(source, `nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new ConfigLoadError(source, `is not valid JSON${jsonErrorPlace(body, e)}`);
  }
  const duplicates = findDuplicateKeys(body);
  if (duplicates.length > 0)
    throw new ConfigLoadError(
      source,
      `repeats ${duplicates.length === 1 ? 'a key' : `${duplicates.length} keys`} in one object: ${duplicates
        .slice(0, 10)
        .map((d) => `${d.path || '(root)'} (${d.count} times)`)
        .join(', ')}${duplicates.length > 10 ? ', …' : ''}; JSON keeps only the last, so each key must appear once`,
    );
  return value;
}

/**
 * Loads a config module and returns what it exports as the config (not yet validated).
 * @throws ConfigLoadError naming the file and what to do
 */
export function loadConfigModule(location: ConfigLocation): unknown {
  const { file, source } = location;
  if (!existsSync(file)) throw new ConfigLoadError(source, `file not found (${file})`);
  const stat = statSync(file);
  if (stat.isDirectory()) throw new ConfigLoadError(source, `is a directory (${file}); allowed: a config file`);
  // A FIFO, device or socket: reading one blocks (a FIFO without a writer) or never ends (/dev/zero).
  if (!stat.isFile())
    throw new ConfigLoadError(source, `is not a regular file (${file}: a FIFO, device or socket); allowed: a config file`);
  const ext = extname(file).toLowerCase();
  let exported: unknown;
  try {
    const esbuild = ext === '.json' ? undefined : optionalEsbuild();
    if (ext === '.json') exported = parseJsonConfig(readJsonConfig(file, source), source);
    else if (esbuild && (TYPESCRIPT.has(ext) || JAVASCRIPT.has(ext))) exported = evaluate(compile(esbuild, file, source), file, source);
    else if (TYPESCRIPT.has(ext) || ext === '.mjs')
      throw new ConfigLoadError(
        source,
        `a ${ext} config needs the package esbuild to be loaded (npm install --save-dev esbuild); or compile it to a CommonJS .js file`,
      );
    else if (JAVASCRIPT.has(ext)) exported = evaluate(readFileSync(file, 'utf8'), file, source);
    else throw new ConfigLoadError(source, `has the extension "${ext}"; allowed: .ts, .mts, .cts, .js, .cjs, .mjs, .json`);
  } catch (e) {
    if (e instanceof ConfigLoadError) throw e;
    throw new ConfigLoadError(source, `the module threw while loading: ${describeThrown(e)}`);
  }
  return readExport(exported, source);
}

/** {@link exportedConfig}, with a throw while the export is inspected (a Proxy, a `then` getter) as a ConfigLoadError. */
function readExport(exported: unknown, source: string): unknown {
  try {
    return exportedConfig(exported, source);
  } catch (e) {
    if (e instanceof ConfigLoadError) throw e;
    throw new ConfigLoadError(source, `reading its export threw ${describeThrown(e)}`);
  }
}

/**
 * Loads and validates the config the environment selects (`TAISHANGLAOJUN_CONFIG`, else
 * `defaultFile`).
 * @throws ConfigLoadError when it cannot be loaded, ConfigValidationError listing its problems
 */
export function loadRegionsConfig(
  defaultFile: string = join(process.cwd(), DEFAULT_CONFIG_FILE),
  env: NodeJS.ProcessEnv = process.env,
): RegionsConfig {
  const location = configLocationFromEnv(defaultFile, env);
  return validateRegionsConfig(loadConfigModule(location), location.source);
}
