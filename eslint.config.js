// ESLint flat config. Decisions and their reasons: docs/adr/0001-lint-and-ci-tooling.md.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS = ['**/*.{ts,tsx,mts,cts}'];
/**
 * Test code: unit, API, contract and integration tests, the contract suites in ports, each package's test entry
 * point (src/testing.ts, STYLE §2) and the test-support package. Same list as TEST_CODE in .dependency-cruiser.cjs.
 */
const TEST = [
  '**/*.test.{ts,tsx}',
  'packages/ports/src/**/*.contract.ts',
  '**/src/testing.{ts,tsx}',
  'packages/test-support/**/*.{ts,tsx}',
];
/** The core that must not read the environment (STYLE §1.3, §3). */
const CORE = ['packages/domain/**/*.{ts,tsx}', 'packages/ports/**/*.{ts,tsx}', 'packages/app/**/*.{ts,tsx}'];

// The few globals the plain-JS config files use; the `globals` package is not a declared dependency.
const NODE_GLOBALS = { process: 'readonly', console: 'readonly', URL: 'readonly' };

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '**/data/',
    '**/.bench/',
    '**/*.d.ts',
    // two-line shims that import the built entry point; nothing to check
    'apps/*/bin/*.js',
  ]),

  {
    name: 'envmgr/typescript',
    files: TS,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig.json nearest to it (the package's, which includes its `src`).
        // Root-level TS files outside every package get a default project built from the base options.
        projectService: {
          allowDefaultProject: ['*.config.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Port implementations are `async` without `await` on purpose: the port returns a Promise, and `async`
      // turns a `throw` into a rejection, which is what callers and the contract suites expect.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message:
            'Throw a DomainError subclass with a stable code (packages/domain/src/errors.ts, STYLE §6), not a bare Error.',
        },
      ],
    },
  },

  {
    name: 'envmgr/core-reads-no-environment',
    files: CORE,
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Only composition roots (apps/*) read the environment; take a typed config slice as an argument (STYLE §5).',
        },
      ],
    },
  },

  {
    name: 'envmgr/tests',
    files: TEST,
    rules: {
      // matchers such as expect.any() and fixture JSON are typed `any`; tests may pass them around
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method).toHaveBeenCalled() reads a method without calling it
      '@typescript-eslint/unbound-method': 'off',
      // a failing fixture may throw anything
      'no-restricted-syntax': 'off',
    },
  },

  {
    name: 'envmgr/javascript',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    name: 'envmgr/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...NODE_GLOBALS, module: 'writable', require: 'readonly' } },
  },
);
