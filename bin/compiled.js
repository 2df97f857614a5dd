'use strict';
/*
 * Runs a TypeScript entry of this package as compiled JavaScript, never through a TypeScript
 * loader (shared by the `taishanglaojun` command and the synth app):
 *
 * - installed package (no TypeScript sources next to it): `dist/<entry>.js`, built by `npm run build`
 *   (`prepare` runs it on `npm ci`);
 * - source checkout: the entry bundled by esbuild (our sources, plus the pure-JS packages of BUNDLED
 *   whose many small files cost more to load one by one; other npm packages stay external) into
 *   the git-ignored `.cache/<name>/`, with a manifest of the source files it was built from (path,
 *   size, mtime). A start stats those files and rebuilds only when one changed, so an edit is picked
 *   up on the next call and an unchanged checkout starts in node's own start time plus the entry's.
 * - with `codeCache` (the synth app): V8's code cache of the bundle, taken after a run (so it holds
 *   the functions that ran, compiled) and stored next to it as `<entry>.<flags>.v8cache`, one per
 *   set of node options (V8 rejects a cache made under other flags, and the cdktf CLI starts the
 *   app with NODE_OPTIONS=--max-old-space-size), keyed by the bundle's manifest, size and mtime and
 *   by node's version (V8 itself only checks the source's length); the next start compiles nothing
 *   it holds. A missing, stale or rejected cache is
 *   ignored and rewritten after the run; writes are atomic, so concurrent starts are safe.
 */
const fs = require('node:fs');
const path = require('node:path');
const { Buffer } = require('node:buffer');

const ROOT = path.join(__dirname, '..');
/**
 * npm packages compiled into the bundle (zod: ~90 ms to load as 100 files, ~40 ms bundled; cdktf,
 * constructs and the providers: ~530 files, 19 MB of which most is doc comments and inline source
 * maps, 5.5 MB bundled, one file for the code cache).
 */
const BUNDLED = new Set([
  'zod',
  'cdktf',
  'constructs',
  '@cdktf/provider-aws',
  '@cdktf/provider-google',
  '@cdktf/provider-cloudflare',
  'yaml', // ~80 files loaded one by one otherwise
  'countries-list', // its data compiled once into the code cache instead of parsed on every start
]);

function fail(label, message) {
  process.stderr.write(`${label}: ${message}\n`);
  process.exit(1);
}

/** Every dependency of package.json except BUNDLED stays a `require` (data files, native code, one copy). */
function externals() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  return names.filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);
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

/** The code cache file for this process's node options (execArgv and NODE_OPTIONS). */
function codeCacheFile(bundle) {
  const options = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  const flags = require('node:crypto').createHash('sha256').update(options).digest('hex').slice(0, 12);
  return bundle.replace(/\.js$/, `.${flags}.v8cache`);
}

/** Deletes the code caches of a bundle that was just rebuilt (they can never match it again). */
function removeCodeCaches(bundle) {
  const prefix = path.basename(bundle).replace(/\.js$/, '.');
  try {
    for (const name of fs.readdirSync(path.dirname(bundle)))
      if (name.startsWith(prefix) && name.endsWith('.v8cache')) fs.rmSync(path.join(path.dirname(bundle), name), { force: true });
  } catch {
    // nothing to remove
  }
}

/** What a code cache must match: the bundle (manifest, size, mtime) and the node that made it. */
function codeCacheKey(bundle, manifestFile) {
  try {
    const st = fs.statSync(bundle);
    const manifest = fs.readFileSync(manifestFile);
    const digest = require('node:crypto').createHash('sha256').update(manifest).digest('hex');
    return `${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${digest}`;
  } catch {
    return null;
  }
}

/**
 * A checksum of V8's cache data. V8 does not verify its own: changed bytes that keep the header
 * valid crash the process (SIGSEGV/SIGTRAP) instead of being rejected. crc32 (~1 ms for 3 MB) where
 * node has it (20.15+), SHA-1 otherwise.
 */
function dataChecksum(data) {
  const zlib = require('node:zlib');
  if (typeof zlib.crc32 === 'function') return `crc32:${zlib.crc32(data).toString(16)}`;
  return `sha1:${require('node:crypto').createHash('sha1').update(data).digest('hex')}`;
}

/**
 * Runs the bundle as a CommonJS module, like `require(bundle)`, with V8's code cache next to it
 * (`<bundle>.<flags>.v8cache`: one line of key and the data's checksum, then V8's data). Writes the
 * cache after the run when there was none for this bundle, or it was damaged or rejected.
 */
function requireWithCodeCache(bundle, manifestFile) {
  const Module = require('node:module');
  const vm = require('node:vm');
  const cached = Module._cache[bundle];
  if (cached) return cached.exports;
  const cacheFile = codeCacheFile(bundle);
  const key = codeCacheKey(bundle, manifestFile);
  let cachedData;
  try {
    const raw = fs.readFileSync(cacheFile);
    const eol = raw.indexOf(10);
    const line = eol > 0 ? raw.subarray(0, eol).toString() : '';
    const data = raw.subarray(eol + 1);
    if (key !== null && line === `${key} ${dataChecksum(data)}`) cachedData = data;
  } catch {
    // no cache yet
  }
  const code = fs.readFileSync(bundle, 'utf8');
  const script = new vm.Script(Module.wrap(code), { filename: bundle, cachedData });
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  Module._cache[bundle] = m;
  if (key !== null && (!cachedData || script.cachedDataRejected))
    process.once('exit', () => {
      try {
        const data = script.createCachedData();
        writeAtomic(cacheFile, Buffer.concat([Buffer.from(`${key} ${dataChecksum(data)}\n`), data]));
      } catch {
        // a cache that cannot be written is only a slower next start
      }
    });
  const req = (id) => m.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, m, false, options);
  req.main = require.main;
  req.cache = Module._cache;
  try {
    script.runInThisContext().call(m.exports, m.exports, req, m, bundle, path.dirname(bundle));
  } catch (e) {
    delete Module._cache[bundle];
    throw e;
  }
  m.loaded = true;
  return m.exports;
}

function loadFromSource(entry, source, cache, label, what, codeCache) {
  const cacheDir = path.join(ROOT, '.cache', cache);
  const bundle = path.join(cacheDir, `${entry.replace(/[\\/]/g, '__')}.js`);
  const manifestFile = `${bundle.slice(0, -3)}.manifest.json`;
  const load = () => (codeCache ? requireWithCodeCache(bundle, manifestFile) : require(bundle));
  if (isFresh(bundle, manifestFile)) return load();

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
      // cdktf's writer of stacks and manifest: the same text, about ten times faster (lib/private/stable-json.ts)
      alias: { 'json-stable-stringify': './lib/private/stable-json.ts' },
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
  } catch (err) {
    const first = err && Array.isArray(err.errors) && err.errors[0];
    const where = first && first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    fail(label, `cannot build ${what} from its sources: ${where}${first ? first.text : String(err && err.message)}`);
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
    if (codeCache) removeCodeCaches(bundle);
  } catch {
    return compileInMemory(code, bundle); // read-only checkout: run without caching
  }
  return load();
}

/**
 * Loads `entry` (a path from the package root, no extension) compiled.
 * @param options.cache cache folder name under `.cache/`
 * @param options.label prefix of error lines (the command's name)
 * @param options.what what is being built, for the error message
 * @param options.codeCache keep V8's code cache of the bundle next to it (source checkout only)
 */
function loadCompiled(entry, { cache, label, what, codeCache = false }) {
  const source = path.join(ROOT, `${entry}.ts`);
  if (fs.existsSync(source)) {
    const mod = loadFromSource(entry, source, cache, label, what, codeCache);
    if (mod !== null) return mod;
  }
  const compiled = path.join(ROOT, 'dist', `${entry}.js`);
  if (!fs.existsSync(compiled)) fail(label, `${path.relative(process.cwd(), compiled)} is missing: run \`npm run build\``);
  return require(compiled);
}

module.exports = { loadCompiled, fail, ROOT };
