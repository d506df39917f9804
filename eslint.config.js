// Lint rules, chiefly the layering: shared/ is pure TypeScript, the engine never imports electron or the
// renderer, and the renderer never imports Node or the engine. Imports flow one way, inside the engine too
// (eslint/engine-layers.js holds its layer order), and the hosts stay apart (eslint/host-layers.js).
import tseslint from 'typescript-eslint';
import engineLayers from './eslint/engine-layers.js';
import catchSaysWhy from './eslint/catch-says-why.js';
import hostLayers from './eslint/host-layers.js';

/** Files that are tests or test support: not engine code, so free of the layering and allowed to import vitest. */
const TEST_SUPPORT = ['**/*.test.ts', '**/*.contract-suite.ts', '**/fixtures/**', '**/test-scripts/**', '**/test-fixture.ts', '**/test-fixtures.ts', '**/graph/fuzz/**'];
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'stream', 'url', 'util', 'events', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'e2e/artifacts/**', 'test-results/**', '**/fixtures/**/generated/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: nodeBuiltins, message: 'shared/ is pure TypeScript: no Node imports.' },
        { group: ['electron', 'react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from the hosts or the UI.' },
      ] }],
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts', 'electron/hosts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron'], message: 'The engine, the browser-mode server and the CLI run in plain Node: only electron/main/ may import electron.' },
        { group: ['**/renderer/**', 'react', 'react-dom', '**/electron/main/**'], message: 'Node-side code never imports the UI or the Electron host.' },
      ] }],
    },
  },
  {
    // Test code lives in test files: *.test.ts, fixtures, and shared suites named *.contract-suite.ts.
    files: ['electron/**/*.ts', 'shared/**/*.ts'],
    ignores: TEST_SUPPORT,
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='vitest']", message: 'Only test files import vitest: name a shared suite *.contract-suite.ts or a helper test-fixture(s).ts.' }],
    },
  },
  {
    // Errors are logged or handled, never swallowed (tests may ignore what they provoke).
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: TEST_SUPPORT,
    plugins: { errors: catchSaysWhy },
    rules: { 'errors/catch-says-why': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: nodeBuiltins, message: 'The renderer runs in a browser: no Node imports.' },
        { group: ['electron', '**/electron/**'], message: 'The renderer talks to the engine only through the SkillgraphClient.' },
      ] }],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    ignores: TEST_SUPPORT,
    plugins: { local: engineLayers },
    rules: { 'local/engine-layers': 'error' },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts', 'electron/hosts/**/*.ts'],
    plugins: { hosts: hostLayers },
    rules: { 'hosts/host-layers': 'error' },
  },
);
