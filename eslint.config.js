// `npm run lint`: these rules, then prettier --check. Formatting (line length included, 160
// columns: .prettierrc.json) is prettier's, so there is no stylistic rule here. TypeScript's
// strict mode checks names and types, so no-undef applies to the plain JS files only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The Node globals the JS tools, benches and the CLI use (src/ has no JS and no Node globals).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'TextEncoder',
    'TextDecoder',
    'performance',
    'queueMicrotask',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
  ].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'native/os/build/', '.results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Unused parameters and variables are named _x on purpose (interfaces a stub must match).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `any` is used where it is the point: type-level matching (packed.ts), JSON being validated (boards/).
      '@typescript-eslint/no-explicit-any': 'off',
      // `const self = this` for object literals that hand out methods bound to a model.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
    },
  },
  { files: ['**/*.ts'], rules: { 'no-undef': 'off' } },
  { files: ['**/*.js'], languageOptions: { globals: nodeGlobals } },
  {
    // Tests and benches stand in for engines and probe odd shapes on purpose.
    files: ['test/**', 'bench/**'],
    rules: {
      'no-shadow-restricted-names': 'off',
      'no-regex-spaces': 'off',
      'require-yield': 'off',
      'prefer-const': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-control-regex': 'off',
      'preserve-caught-error': 'off',
    },
  },
  {
    // Moddable-style apps (examples/io, XS fixtures): the host's globals, as Moddable provides them.
    files: ['examples/io/**/*.js', 'test/fixtures/**/*.js', 'test/tools/fixtures/**/*.js'],
    languageOptions: { globals: { device: 'readonly', trace: 'readonly' } },
  },
);
