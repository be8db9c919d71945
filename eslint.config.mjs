// Lint enforces the layering of DESIGN.md: src/core is pure (no `vscode`, runs in the CLI and plain
// mocha), so is src/engine (run and compare, behind EngineHost), backends and the CLI never reach
// into the extension, the webview only shares the protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `import` / `export … from` of these is an error in the layer that lists them. */
const restrict = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  // dynamic import() and require() would slip past no-restricted-imports
  'no-restricted-syntax': ['error',
    { selector: "ImportExpression[source.value='vscode']", message },
    { selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']", message },
  ],
});

const VSCODE = ['vscode'];
const EXTENSION = ['**/extension', '**/extension/**'];
const CLI = ['**/cli', '**/cli/**'];
const BACKENDS = ['**/backends', '**/backends/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-output/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict('src/core is pure: no vscode, no extension, backends or CLI code (DESIGN.md, Layers).',
      [...VSCODE, ...EXTENSION, ...CLI, ...BACKENDS]),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict('src/engine runs every host (CLI, extension, tests): no vscode, no extension or CLI code; hosts come in through EngineHost.',
      [...VSCODE, ...EXTENSION, ...CLI]),
  },
  {
    files: ['src/backends/**/*.ts'],
    rules: restrict('src/backends run in the CLI too: no vscode, no extension or CLI code.', [...VSCODE, ...EXTENSION, ...CLI]),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: restrict('The CLI runs without VS Code: no vscode, no extension code.', [...VSCODE, ...EXTENSION]),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict('The protocol is shared with the webview: types and pure code only.', [...VSCODE, ...EXTENSION, ...CLI, ...BACKENDS]),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict('The webview runs in a browser: it shares only src/shared/protocol.ts with the host.',
      [...VSCODE, ...EXTENSION, ...CLI, ...BACKENDS, '**/core', '**/core/**', 'node:*', 'fs', 'path', 'child_process']),
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
