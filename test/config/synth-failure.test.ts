/** The synth app (main.ts) as a user meets a bad config: one message, no stack trace, exit 1, nothing written. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-synth-fail-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function synth(name: string, config: string) {
  const outdir = join(work, `${name}.out`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, TAISHANGLAOJUN_CONFIG: config },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, written: existsSync(outdir) };
}

it.each([
  [
    'an empty TAISHANGLAOJUN_CONFIG',
    () => '',
    /^synth failed: cannot load the config TAISHANGLAOJUN_CONFIG="": the variable is set but empty/,
  ],
  [
    'a TypeScript syntax error',
    () => {
      const f = join(work, 'syntax.config.ts');
      writeFileSync(f, 'export default {\n  regions: [,,\n');
      return f;
    },
    /^synth failed: cannot load the config TAISHANGLAOJUN_CONFIG=".*syntax\.config\.ts": it does not compile \(1 error\):\n {2}.*syntax\.config\.ts:3:0?\d+: /,
  ],
  [
    'a module that throws a string',
    () => {
      const f = join(work, 'throws.config.ts');
      writeFileSync(f, "throw 'not today';\nexport default {};\n");
      return f;
    },
    /^synth failed: cannot load the config .*: the module threw while loading: "not today"\n$/,
  ],
  [
    'a default export with a getter that throws',
    () => {
      const f = join(work, 'getter.config.ts');
      writeFileSync(f, "export default { get project(): never { throw new Error('vault sealed'); } };\n");
      return f;
    },
    /^synth failed: TAISHANGLAOJUN_CONFIG=".*getter\.config\.ts" is not valid \(\d+ problems\):\n {2}- project: cannot be read: its getter threw Error: vault sealed\n/,
  ],
  [
    // before: the synth ended with exit 0 and printed nothing, as if it had succeeded
    'a module that calls process.exit(0)',
    () => {
      const f = join(work, 'exits.config.ts');
      writeFileSync(f, 'process.exit(0);\nexport default {};\n');
      return f;
    },
    /^synth failed: cannot load the config .*exits\.config\.ts": the module called process\.exit\(0\) while loading; a config module must only export the config\n$/,
  ],
  [
    'a module that calls process.exit() (CommonJS)',
    () => {
      const f = join(work, 'exits.config.cjs');
      writeFileSync(f, 'process.exit();\n');
      return f;
    },
    /^synth failed: cannot load the config .*exits\.config\.cjs": the module called process\.exit\(\) while loading/,
  ],
])('%s', (_name, makeConfig, message) => {
  const r = synth(_name.replace(/\W+/g, '-'), makeConfig());
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.match(/synth failed/g)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  expect(r.written).toBe(false);
});

describe('a config module that fails after it loaded', () => {
  // before: the whole output was written and the summary printed, then a stack trace and exit 1
  it.each([
    ['a promise it rejects', 'Promise.reject(new Error("unhandled rej"));', /Error: unhandled rej; nothing was written\n$/],
    ['a timer that throws', 'setTimeout(() => { throw new Error("late boom"); }, 0);', /Error: late boom; nothing was written\n$/],
  ])('%s: one line, exit 1, and the previous output left as it was', (_name, line, message) => {
    const config = join(work, `late-${_name.replace(/\W+/g, '-')}.config.ts`);
    writeFileSync(config, `import base from ${JSON.stringify(join(root, 'regions.config'))};\n${line}\nexport default base;\n`);
    const outdir = join(work, `late-${_name.replace(/\W+/g, '-')}.out`);
    mkdirSync(join(outdir, 'stacks'), { recursive: true });
    writeFileSync(join(outdir, 'routing-table.json'), 'the previous output');
    const r = spawnSync(process.execPath, ['tools/synth.js', '--output', outdir], {
      cwd: root,
      env: { ...process.env, TAISHANGLAOJUN_CONFIG: config },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^synth failed: the app failed after the config loaded \(a rejected promise or a throwing timer/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(outdir, 'routing-table.json'), 'utf8')).toBe('the previous output');
    expect(readdirSync(work).filter((f) => f.includes('.staging-'))).toEqual([]);
  });

  it('a timer left running does not keep the synth from ending', () => {
    const config = join(work, 'interval.config.ts');
    writeFileSync(
      config,
      `import base from ${JSON.stringify(join(root, 'regions.config'))};\nsetInterval(() => undefined, 1000);\nexport default base;\n`,
    );
    const r = spawnSync(process.execPath, ['tools/synth.js', '--output', join(work, 'interval.out')], {
      cwd: root,
      env: { ...process.env, TAISHANGLAOJUN_CONFIG: config },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(existsSync(join(work, 'interval.out', 'routing-table.json'))).toBe(true);
  });
});

describe('an output directory the synth must not replace', () => {
  const shipped = (outdir: string) =>
    spawnSync(process.execPath, ['tools/synth.js', '--output', outdir], {
      cwd: root,
      env: { ...process.env, TAISHANGLAOJUN_CONFIG: undefined },
      encoding: 'utf8',
    });

  it('a file is refused and left as it was (before: deleted and replaced by the output)', () => {
    const f = join(work, 'notes.txt');
    writeFileSync(f, 'keep me\n');
    const r = shipped(f);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `synth failed: the output directory ${f} is a file; allowed: a directory (new, empty, or a previous synth output)\n`,
    );
    expect(readFileSync(f, 'utf8')).toBe('keep me\n');
  });

  it('a folder whose parent does not exist is named with its parent (before: the message named the staging folder)', () => {
    const d = join(work, 'no-such-parent', 'out');
    const r = shipped(d);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `synth failed: the output directory ${d} is in ${join(work, 'no-such-parent')}, which does not exist; allowed: a directory whose parent exists (create ${join(work, 'no-such-parent')} first)\n`,
    );
    expect(existsSync(join(work, 'no-such-parent'))).toBe(false);
  });

  it('a folder of other files (--output src by mistake) is refused and left as it was', () => {
    const d = join(work, 'src');
    mkdirSync(d);
    writeFileSync(join(d, 'app.ts'), 'x');
    const r = shipped(d);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^synth failed: the output directory .*src holds other files \(app\.ts\) and the synth replaces it whole; allowed: /,
    );
    expect(readdirSync(d)).toEqual(['app.ts']);
  });

  it('a folder with a manifest.json among other files (a web app public/ folder) is refused and left as it was (before: deleted)', () => {
    const d = join(work, 'public');
    mkdirSync(d);
    writeFileSync(join(d, 'manifest.json'), '{}');
    writeFileSync(join(d, 'thesis.docx'), 'precious');
    const r = shipped(d);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^synth failed: the output directory .*public holds other files \(thesis\.docx\) and the synth replaces it whole; allowed: .*only manifest\.json, stacks, routing-table\.json, reports, monitoring\)\n$/,
    );
    expect(readdirSync(d).sort()).toEqual(['manifest.json', 'thesis.docx']);
    expect(readFileSync(join(d, 'thesis.docx'), 'utf8')).toBe('precious');
  });

  it.each([
    [
      'a file named stacks',
      (d: string) => writeFileSync(join(d, 'stacks'), 'precious'),
      /holds stacks as a file, which a synth never writes/,
    ],
    [
      'a folder named manifest.json',
      (d: string) => {
        mkdirSync(join(d, 'manifest.json'));
        writeFileSync(join(d, 'manifest.json', 'data'), 'precious');
      },
      /holds manifest.json as a folder, which a synth never writes/,
    ],
    [
      "a manifest.json that is not cdktf's",
      (d: string) => writeFileSync(join(d, 'manifest.json'), '{"name": "my web app"}'),
      /holds a manifest.json that is not a cdktf manifest/,
    ],
  ])('%s is refused and left as it was (before: deleted)', (_name, make, message) => {
    const d = mkdtempSync(join(work, 'kinds-'));
    make(d);
    const before = readdirSync(d, { recursive: true }).sort();
    const r = shipped(d);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(d, { recursive: true }).sort()).toEqual(before);
  });

  it('a previous synth output is replaced (the entries a synth writes, nothing else)', () => {
    const d = join(work, 'previous');
    mkdirSync(join(d, 'stacks', 'old'), { recursive: true });
    writeFileSync(join(d, 'manifest.json'), '{"version": "0.21.0", "stacks": {}}');
    writeFileSync(join(d, 'routing-table.json'), '{}');
    // A staging folder a killed synth left (its process is gone) is removed; one of a running process is not (QA, stop 30).
    mkdirSync(join(work, 'previous.staging-2147483646', 'stacks'), { recursive: true });
    mkdirSync(join(work, `previous.staging-${process.pid}`));
    mkdirSync(join(work, 'previous.staging-1e9')); // not a name this code gives: left alone
    const r = shipped(d);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['manifest.json', 'monitoring', 'reports', 'routing-table.json', 'stacks']);
    expect(readdirSync(join(d, 'stacks'))).not.toContain('old');
    expect(
      readdirSync(work)
        .filter((n) => n.startsWith('previous.staging-'))
        .sort(),
    ).toEqual(['previous.staging-1e9', `previous.staging-${process.pid}`].sort());
    rmSync(join(work, `previous.staging-${process.pid}`), { recursive: true });
    rmSync(join(work, 'previous.staging-1e9'), { recursive: true });
  });

  it('a path under a file: the output directory and the reason, no stack trace, nothing left behind', () => {
    const f = join(work, 'plain');
    writeFileSync(f, '');
    const r = shipped(join(f, 'out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^synth failed: cannot write the output directory .*plain\/out \(ENOTDIR: .*\); allowed: a directory the synth can create and write\n$/,
    );
    expect(readdirSync(work).filter((n) => n.includes('staging'))).toEqual([]);
  });
});

describe('the shipped regions.config.ts is loaded with the same guards (it is compiled into the app)', () => {
  // A checkout of its own: main.ts copied, the sources linked, its own regions.config.ts.
  const checkout = (name: string, configTail: string) => {
    const dir = join(work, `checkout-${name}`);
    mkdirSync(dir);
    for (const entry of ['lib', 'runtime', 'stacks', 'node_modules', 'package.json', 'tsconfig.json'])
      symlinkSync(join(root, entry), join(dir, entry));
    writeFileSync(join(dir, 'main.ts'), readFileSync(join(root, 'main.ts')));
    writeFileSync(join(dir, 'regions.config.ts'), `${readFileSync(join(root, 'regions.config.ts'), 'utf8')}\n${configTail}\n`);
    return dir;
  };
  const synthIn = (dir: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(dir, 'out') };
    delete env.TAISHANGLAOJUN_CONFIG;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: dir, env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, written: existsSync(join(dir, 'out')) };
  };

  it.each([
    // before: a raw stack trace from the bundle
    [
      'a throw',
      "if (config) throw new Error('boom');",
      /^synth failed: cannot load the config regions\.config\.ts: the module threw while loading: Error: boom\n$/,
    ],
    // before: exit 0, nothing printed, nothing written: a green CI
    [
      'a process.exit(0)',
      'process.exit(0);',
      /^synth failed: cannot load the config regions\.config\.ts: the module called process\.exit\(0\) while loading; a config module must only export the config\n$/,
    ],
  ])('%s in it is a config error: exit 1, one line, nothing written', (name, tail, message) => {
    const r = synthIn(checkout(name.replace(/\W+/g, '-'), tail));
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(1);
    expect(r.written).toBe(false);
  });
});
