/** Loading a config file: TypeScript without a loader, clear errors for every way a module can be wrong. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import shipped from '../../regions.config';
import { jsonErrorIndex } from '../../lib/config/private/json-syntax';
import {
  ConfigLoadError,
  ConfigValidationError,
  configLocationFromEnv,
  loadConfigModule,
  loadRegionsConfig,
  validateRegionsConfig,
} from '../../lib/config';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-load-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}
const load = (path: string) => loadConfigModule({ file: path, source: path });
function loadError(path: string): string {
  try {
    load(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigLoadError);
    return (e as Error).message;
  }
  throw new Error(`expected ${path} to fail to load`);
}

describe('which file', () => {
  it('is TAISHANGLAOJUN_CONFIG when set, else the default', () => {
    expect(configLocationFromEnv('regions.config.ts', {})).toEqual({
      file: join(process.cwd(), 'regions.config.ts'),
      source: 'regions.config.ts',
    });
    expect(configLocationFromEnv('regions.config.ts', { TAISHANGLAOJUN_CONFIG: '/x/other.config.ts' })).toEqual({
      file: '/x/other.config.ts',
      source: 'TAISHANGLAOJUN_CONFIG="/x/other.config.ts"',
    });
  });

  it.each(['', '   '])('refuses an empty TAISHANGLAOJUN_CONFIG (%j) instead of falling back to the shipped config', (value) => {
    expect(() => configLocationFromEnv('regions.config.ts', { TAISHANGLAOJUN_CONFIG: value })).toThrow(
      `cannot load the config TAISHANGLAOJUN_CONFIG=${JSON.stringify(value)}: the variable is set but empty; allowed: the path of a config file`,
    );
    expect(() => loadRegionsConfig(join(root, 'regions.config.ts'), { TAISHANGLAOJUN_CONFIG: value })).toThrow(ConfigLoadError);
  });
});

describe('a config that loads', () => {
  it('loads the shipped TypeScript config to the same value the TypeScript import gives', () => {
    expect(load(join(root, 'regions.config.ts'))).toEqual(shipped);
    expect(loadRegionsConfig(join(root, 'regions.config.ts'), {})).toEqual(validateRegionsConfig(shipped));
  });

  it('bundles the config’s own relative TypeScript imports and requires packages from its folder', () => {
    mkdirSync(join(work, 'parts'), { recursive: true });
    file('parts/zones.ts', "export const zones: { id: string }[] = [{ id: 'emea' }];\n");
    const path = file(
      'split.config.ts',
      "import { zones } from './parts/zones';\nimport { z } from 'zod';\nexport default { zones, ok: z.string().parse('yes') satisfies string };\n",
    );
    // zod resolves from the config's folder: give it one.
    mkdirSync(join(work, 'node_modules'), { recursive: true });
    try {
      execFileSync('ln', ['-s', join(root, 'node_modules/zod'), join(work, 'node_modules/zod')]);
    } catch {
      // already linked
    }
    expect(load(path)).toEqual({ zones: [{ id: 'emea' }], ok: 'yes' });
  });

  it('loads CommonJS, ES module JavaScript and JSON configs', () => {
    expect(load(file('a.config.js', 'module.exports = { a: 1 };'))).toEqual({ a: 1 });
    expect(load(file('b.config.mjs', 'export default { b: 2 };'))).toEqual({ b: 2 });
    expect(load(file('c.config.json', '{ "c": 3 }'))).toEqual({ c: 3 });
  });

  it('needs no TypeScript loader in the process (plain node, compiled loader)', () => {
    const bundle = join(work, 'loader.js');
    buildSync({
      entryPoints: [join(root, 'lib/config/index.ts')],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
    const script = `const c = require(${JSON.stringify(bundle)}).loadRegionsConfig(${JSON.stringify(join(root, 'regions.config.ts'))}, {}); console.log(c.regions.length, typeof require.extensions['.ts'])`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: join(root, 'node_modules') },
    });
    expect(out.trim()).toBe('10 undefined');
  });
});

describe('a JSON config with a byte order mark', () => {
  it('loads: the mark (editors on Windows write one) is not part of the text', () => {
    const path = file('bom.config.json', '\ufeff{"project": {"name": "bom"}}');
    expect(load(path)).toEqual({ project: { name: 'bom' } });
  });
});

describe('a config that does not load names the file and says what to do', () => {
  it('a TypeScript syntax error: file, line, column, reason and the line', () => {
    const path = file('syntax.config.ts', "const config = {\n  project: { name: 'x',, },\n};\nexport default config;\n");
    const message = loadError(path);
    expect(message).toContain('it does not compile (1 error):');
    expect(message).toMatch(/syntax\.config\.ts:2:24: Expected identifier but found ","\n {4}project: \{ name: 'x',, \},/);
  });

  it('several syntax errors are listed, each with its place', () => {
    const path = file('syntax2.config.ts', 'export default {\n  a: 1 +,\n  b: await import("x"),\n};\n');
    const message = loadError(path);
    expect(message).toMatch(/syntax2\.config\.ts:2:\d+: /);
  });

  it('a missing file and a directory', () => {
    expect(loadError(join(work, 'nope.config.ts'))).toContain('file not found');
    expect(loadError(work)).toContain('is a directory');
  });

  it('a FIFO or device instead of a file: refused at once, never read (a FIFO without a writer blocked)', () => {
    const fifo = join(work, 'fifo.config.json');
    execFileSync('mkfifo', [fifo]);
    expect(loadError(fifo)).toBe(
      `cannot load the config ${fifo}: is not a regular file (${fifo}: a FIFO, device or socket); allowed: a config file`,
    );
    expect(loadError('/dev/null')).toContain('is not a regular file (/dev/null');
  });

  it('a JSON config that repeats a key in one object: each repeat named by path', () => {
    const path = file('dup.config.json', '{"project": {"name": "a", "name": "b"}, "regions": [], "regions": [{"id": "x", "id": "y"}]}');
    expect(loadError(path)).toBe(
      `cannot load the config ${path}: repeats 3 keys in one object: project.name (2 times), regions (2 times), regions[0].id (2 times); JSON keeps only the last, so each key must appear once`,
    );
  });

  it('a JSON config larger than 16 MiB is refused by size, not read whole', () => {
    const path = join(work, 'huge.config.json');
    writeFileSync(path, '');
    execFileSync('truncate', ['-s', '17M', path]); // sparse: no 17 MB written
    expect(loadError(path)).toBe(
      `cannot load the config ${path}: holds more than 16777216 bytes; allowed: a JSON config of at most 16 MiB`,
    );
  });

  it('a key written twice in a TypeScript config is a compile error with its place (the last one won silently)', () => {
    const path = file('dupkey.config.ts', "export default {\n  project: { name: 'a' },\n  project: { name: 'b' },\n};\n");
    expect(loadError(path)).toMatch(
      /it does not compile \(1 error\):\n {2}.*dupkey\.config\.ts:3:3: Duplicate key "project" in object literal/,
    );
  });

  it('an unknown extension', () => {
    expect(loadError(file('x.config.yaml', 'a: 1'))).toContain('has the extension ".yaml"; allowed: .ts');
  });

  it('named exports without a default', () => {
    expect(loadError(file('named.config.ts', 'export const config = { a: 1 };\nexport const other = 2;\n'))).toContain(
      'it has no default export (named exports: config, other); export the config with `export default`',
    );
  });

  it('a default export that is a function', () => {
    expect(loadError(file('fn.config.ts', 'export default function makeConfig() { return {}; }\n'))).toContain(
      'its default export is a function ([function makeConfig]); export the config object itself',
    );
  });

  it('a default export that is a Promise', () => {
    expect(loadError(file('async.config.ts', 'export default Promise.resolve({ a: 1 });\n'))).toContain(
      'its default export is a Promise; the config must be a plain object',
    );
  });

  it('a module that throws an Error, a string or a Symbol', () => {
    expect(loadError(file('throws.config.ts', "throw new RangeError('no regions today');\nexport default {};\n"))).toContain(
      'the module threw while loading: RangeError: no regions today',
    );
    expect(loadError(file('string.config.ts', "throw 'nope';\nexport default {};\n"))).toContain('the module threw while loading: "nope"');
    expect(loadError(file('symbol.config.ts', "throw Symbol('odd');\nexport default {};\n"))).toContain(
      'the module threw while loading: Symbol(odd)',
    );
  });

  it('a default export that is not plain data fails validation with its path', () => {
    const path = file(
      'getter.config.ts',
      "export default { get project(): never { throw new Error('secret store offline'); }, regions: [{ id: Symbol('x') }] };\n",
    );
    let error: unknown;
    try {
      loadRegionsConfig(path, { TAISHANGLAOJUN_CONFIG: path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('  - project: cannot be read: its getter threw Error: secret store offline');
    expect(message).toContain('  - regions[0].id: Symbol(x) is a Symbol');
  });
});

describe('a module that misbehaves while it is read', () => {
  it('a Proxy whose traps throw while its export is inspected names the file', () => {
    const path = file('proxy.config.ts', "export default new Proxy({}, { get() { throw new Error('trap'); } });\n");
    const message = loadError(path);
    expect(message).toBe(`cannot load the config ${path}: reading its export threw Error: trap`);
  });
});

describe('a JSON config with a syntax error names the line and column, with the line (found by QA: "at position 7992")', () => {
  it('a missing colon on line 4: line, column, reason and a caret under the place', () => {
    const path = file('colon.config.json', '{\n  "project": {\n    "name": "x",\n    "domain" "a"\n  }\n}\n');
    expect(loadError(path)).toBe(
      `cannot load the config ${path}: is not valid JSON (line 4, column 14): Unexpected string (found "\\"")\n` +
        '        "domain" "a"\n' +
        '                 ^',
    );
  });

  it('an error deep in a one-line file: the column, and an excerpt of the line around it', () => {
    const text = JSON.stringify(shipped);
    const at = text.indexOf('"latencyThresholdMs"', 5000);
    const path = file('minified.config.json', `${text.slice(0, at)}}${text.slice(at)}`);
    const message = loadError(path);
    expect(message).toContain(`is not valid JSON (line 1, column ${at + 1}): Expected double-quoted property name (found "}")\n    …`);
    const [, excerpt, caret] = message.split('\n');
    expect(excerpt.length).toBeLessThanOrEqual(4 + 102);
    expect(excerpt[caret.length - 1]).toBe('}');
    expect(message).not.toMatch(/position \d+/);
  });

  it('errors JSON.parse gives no position for, the end of the text, and a control character shown by its code', () => {
    expect(loadError(file('comma.config.json', '{\n  "a": [1, 2,]\n}'))).toMatch(
      /is not valid JSON \(line 2, column 14\): Unexpected token '\]' \(found "\]"\)\n {4} {2}"a": \[1, 2,\]\n {4} {13}\^$/,
    );
    expect(loadError(file('end.config.json', '{\n  "a": [1, 2'))).toMatch(
      /is not valid JSON \(line 2, column 13\): .* \(found the end of the text\)\n/,
    );
    expect(loadError(file('newline.config.json', '{"location": "Dublin\u202e\n"}'))).toMatch(
      /is not valid JSON \(line 1, column 22\): Bad control character in string literal \(found U\+000A\)\n {4}\{"location": "Dublin\?\n {4} {21}\^$/,
    );
  });
});

describe('the JSON syntax scan agrees with JSON.parse', () => {
  it('finds the position JSON.parse reports, and no error in valid JSON', () => {
    const text = JSON.stringify(shipped, null, 2);
    expect(jsonErrorIndex(text)).toBe(-1);
    expect(jsonErrorIndex('{"a":[1,-0.5e+3,true,false,null,"\\u00e9\\n"],"b":{}}')).toBe(-1);
    let compared = 0;
    for (let at = 1; at < text.length; at += 97)
      for (const bad of ['}', ',', ':', '"', 'x', '0', '\n', '-', '\\']) {
        const broken = text.slice(0, at) + bad + text.slice(at);
        let position: number | undefined = -1;
        try {
          JSON.parse(broken);
        } catch (e) {
          const m = / at position (\d+)/.exec((e as Error).message);
          position = m ? Number(m[1]) : undefined;
        }
        if (position === undefined) continue; // JSON.parse names no position for this one
        expect([at, bad, jsonErrorIndex(broken)]).toEqual([at, bad, position]);
        compared++;
      }
    expect(compared).toBeGreaterThan(100);
  });
});
