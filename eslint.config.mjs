import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What the runtime must never load: cdktf, constructs, providers, and anything above it in the
 * layering (lib/, stacks/, gateway/, the package root that re-exports lib/, the package's own name,
 * any absolute path). One list of regular expressions per depth of the importing file below
 * runtime/ (`..` from runtime/cli/ is runtime/ itself, allowed; from runtime/ it is the root), used
 * for import/export declarations (no-restricted-imports) and for require(), import() and
 * `import x = require()` (no-restricted-syntax), so that no form of loading a module escapes it.
 */
const UPPER = '(lib|stacks|gateway|main|regions\\.config)';
const runtimeForbidden = (depth) => {
  const root = `(\\.\\./){${depth}}\\.\\.`; // the repository root as seen from a file `depth` folders below runtime/
  return [
    { regex: '^(cdktf|constructs|@cdktf/[^/]+)(/.*)?$', message: 'runtime/ is free of cdktf: no cdktf, constructs or providers.' },
    {
      // Relative paths out of runtime/ (any number of folders up) into the layers above it.
      regex: `^(\\.\\./)+${UPPER}(/.*|\\.[cm]?[jt]s)?$`,
      message: 'runtime/ sits below lib/, stacks/ and gateway/: it never imports upwards.',
    },
    {
      regex: `^${root}(/|/index(\\.[cm]?[jt]s)?)?$`,
      message: 'runtime/ never imports the package root (index.ts re-exports lib/): import the runtime module itself.',
    },
    {
      regex: '^@taishanglaojun/infra(/.*)?$',
      message: 'runtime/ never imports the package by its own name (the root pulls lib/): use a relative path inside runtime/.',
    },
    {
      regex: '^(/|[A-Za-z]:[\\\\/]|file:)',
      message:
        'runtime/ never imports by absolute path (it would escape the layering, e.g. into lib/): use a relative path inside runtime/.',
    },
  ];
};
/** esquery takes a regular expression between slashes: write a "/" inside it as \x2F. */
const selectorRegex = (regex) => `/${regex.replaceAll('/', '\\x2F')}/`;
const runtimeRules = (depth) => {
  const forbidden = runtimeForbidden(depth);
  return {
    'no-restricted-imports': ['error', { patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...forbidden.flatMap(({ regex, message }) => [
        { selector: `CallExpression[callee.type='Identifier'][callee.name='require'][arguments.0.value=${selectorRegex(regex)}]`, message },
        { selector: `ImportExpression[source.value=${selectorRegex(regex)}]`, message },
        { selector: `TSExternalModuleReference[expression.value=${selectorRegex(regex)}]`, message },
      ]),
    ],
  };
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.gen/', 'coverage/', '.offline/', '.cache/', '.build/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Type-aware rules: a promise nobody awaits or handles is a silent failure in a server.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  // Files directly in runtime/ and one to three folders below it, each depth with its own root (deeper ones as four).
  ...[0, 1, 2, 3].map((depth) => ({ files: [`runtime/${'*/'.repeat(depth)}*.ts`], rules: runtimeRules(depth) })),
  { files: ['runtime/*/*/*/*/**/*.ts'], rules: runtimeRules(4) },
);
