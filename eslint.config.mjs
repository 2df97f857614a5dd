import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the runtime must never load: cdktf, constructs, providers, and anything above it in the layering. */
const RUNTIME_FORBIDDEN = {
  patterns: [
    {
      group: ['cdktf', 'cdktf/*', 'constructs', 'constructs/*', '@cdktf/*'],
      message: 'runtime/ is free of cdktf: no cdktf, constructs or providers.',
    },
    {
      // Relative paths out of runtime/ (up to three folders deep) into the layers above it.
      group: ['../', '../../', '../../../'].flatMap((up) =>
        ['lib', 'stacks', 'gateway', 'main', 'regions.config'].flatMap((target) => [`${up}${target}`, `${up}${target}/*`]),
      ),
      message: 'runtime/ sits below lib/, stacks/ and gateway/: it never imports upwards.',
    },
  ],
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
  {
    files: ['runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', RUNTIME_FORBIDDEN] },
  },
);
