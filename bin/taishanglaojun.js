#!/usr/bin/env node
'use strict';
/*
 * The `taishanglaojun` command. Runs compiled JavaScript, never a TypeScript loader:
 *
 * - installed package (no TypeScript sources next to it): `dist/<entry>.js`, built by `npm run build`
 *   (`prepare` runs it on `npm ci`);
 * - source checkout: the entry bundled by esbuild (our sources, plus the pure-JS packages of BUNDLED
 *   whose many small files cost more to load one by one; other npm packages stay external) into
 *   the git-ignored `.cache/cli/`, with a manifest of the source files it was built from (path, size,
 *   mtime). A start stats those files and rebuilds only when one changed, so an edit is picked up on
 *   the next call and an unchanged checkout starts in node's own start time plus the command's.
 *
 * ENTRIES maps a command to the module that runs it (path from the package root, no extension); the
 * module exports `main(argv): number | Promise<number>` (the exit code). The runtime CLI handles
 * every command not listed.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const RUNTIME_ENTRY = 'runtime/cli/index';
/** Commands whose code lives outside runtime/ (e.g. a server), by command name. */
const ENTRIES = {};
/** npm packages compiled into the bundle (zod: ~90 ms to load as 100 files, ~50 ms bundled). */
const BUNDLED = new Set(['zod']);

/** Every dependency of package.json except BUNDLED stays a `require` (data files, native code, one copy). */
function externals() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  return names.filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);
}

function fail(message) {
  process.stderr.write(`taishanglaojun: ${message}\n`);
  process.exit(1);
}

function isFresh(bundle, manifestFile) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (!fs.existsSync(bundle)) return false;
  } catch {
    return false;
  }
  if (!Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return false;
  for (const [file, size, mtimeMs] of manifest.inputs) {
    let st;
    try {
      st = fs.statSync(path.join(ROOT, file));
    } catch {
      return false;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** Writes `text` to `file` atomically (temporary file + rename), so concurrent starts never read half a file. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Loads JavaScript `code` as if it were the file `filename` (for a cache directory that cannot be written). */
function compileInMemory(code, filename) {
  const Module = require('node:module');
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(path.dirname(filename));
  m._compile(code, filename);
  return m.exports;
}

function loadFromSource(entry, source) {
  const cacheDir = path.join(ROOT, '.cache', 'cli');
  const bundle = path.join(cacheDir, `${entry.replace(/[\\/]/g, '__')}.js`);
  const manifestFile = `${bundle.slice(0, -3)}.manifest.json`;
  if (isFresh(bundle, manifestFile)) return require(bundle);

  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return null; // no esbuild (a production install from git): use dist/ if it exists
  }
  let result;
  try {
    result = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: externals(),
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
  } catch (err) {
    const first = err && Array.isArray(err.errors) && err.errors[0];
    const where = first && first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    fail(`cannot build the command from its sources: ${where}${first ? first.text : String(err && err.message)}`);
  }
  const code = result.outputFiles[0].text;
  // Our sources, plus what decides the bundled packages' versions and how this file builds.
  const pinned = ['package.json', 'package-lock.json', path.relative(ROOT, module.filename)].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );
  const inputs = [...Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules/')), ...pinned]
    .sort()
    .map((file) => {
      const st = fs.statSync(path.join(ROOT, file));
      return [file, st.size, st.mtimeMs];
    });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    writeAtomic(bundle, code);
    writeAtomic(manifestFile, JSON.stringify({ entry, inputs }));
  } catch {
    return compileInMemory(code, bundle); // read-only checkout: run without caching
  }
  return require(bundle);
}

function load(entry) {
  const source = path.join(ROOT, `${entry}.ts`);
  if (fs.existsSync(source)) {
    const mod = loadFromSource(entry, source);
    if (mod !== null) return mod;
  }
  const compiled = path.join(ROOT, 'dist', `${entry}.js`);
  if (!fs.existsSync(compiled)) fail(`${path.relative(process.cwd(), compiled)} is missing: run \`npm run build\``);
  return require(compiled);
}

const argv = process.argv.slice(2);
const entry = Object.prototype.hasOwnProperty.call(ENTRIES, argv[0]) ? ENTRIES[argv[0]] : RUNTIME_ENTRY;
Promise.resolve(load(entry).main(argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => fail(`internal error: ${err && err.message ? err.message : String(err)}`),
);
