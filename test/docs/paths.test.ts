/**
 * Comments and docs name files of this repository by path (`runtime/ids.ts`, `docs/ARCHITECTURE.md`):
 * every such path must exist, so that a renamed or removed file does not leave a pointer to nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const TOP = '(?:lib|runtime|gateway|bench|test|tools|docs|bin|stacks|examples)';
/** A path with a file extension, anywhere in the text. */
const WITH_EXT = new RegExp(`(?<![\\w.@/-])(?:\\.{1,2}/)*(${TOP}/[\\w./-]+?\\.(?:ts|js|mjs|md|json))(?!\\w)`, 'g');
/** A path in backticks, with or without an extension (a module or a folder). */
const BACKTICKED = new RegExp(`\`(?:\\.{1,2}/)*(${TOP}/[\\w./-]*[\\w/])\``, 'g');
/** Files synth writes, named by the tests and docs but not in the repository. */
const GENERATED = /^stacks\/[\w-]+\/cdk\.tf\.json$/;

function exists(from: string, path: string): boolean {
  const candidates = [join(root, path), join(root, dirname(from), path)];
  return candidates.some((c) => ['', '.ts', '.js', '/index.ts'].some((ext) => existsSync(c + ext)));
}

/** `file:line: path` of every path in a comment or doc that names no file of the repository. */
export function missingPaths(files: readonly string[], read: (file: string) => string): string[] {
  const missing: string[] = [];
  for (const file of files) {
    read(file)
      .split('\n')
      .forEach((line, i) => {
        for (const re of [WITH_EXT, BACKTICKED])
          for (const m of line.matchAll(re)) {
            const path = m[1].replace(/\/$/, '');
            if (!GENERATED.test(path) && !exists(file, path)) missing.push(`${file}:${i + 1}: ${path}`);
          }
      });
  }
  return missing;
}

describe('paths named in comments and docs', () => {
  it('name files that exist', () => {
    const files = execFileSync('git', ['ls-files', '*.ts', '*.md', '*.mjs'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && f !== 'test/docs/paths.test.ts' && existsSync(join(root, f))); // (this file names missing paths as samples)
    expect(missingPaths(files, (f) => readFileSync(join(root, f), 'utf8'))).toEqual([]);
  });

  it('finds a path to a file that does not exist, with and without backticks', () => {
    const text: Record<string, string> = {
      'lib/a.ts': ' * test/stacks/fast-resolve.test.ts compares both resolvers',
      'docs/b.md': '`runtime/events/TypedEmitter`: a throwing listener; `runtime/events/typed-emitter.ts` exists',
    };
    expect(missingPaths(Object.keys(text), (f) => text[f])).toEqual([
      'lib/a.ts:1: test/stacks/fast-resolve.test.ts',
      'docs/b.md:1: runtime/events/TypedEmitter',
    ]);
  });
});
