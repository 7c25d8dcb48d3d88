// ESLint (flat config) with typescript-eslint's type-aware rules. Part of `npm test`.
// Besides the usual correctness rules it enforces the layering the code is built on:
//   - the vscode-free rooms (pool core, import parsers, common helpers, manifest, reaper) never
//     import `vscode` — they run and are tested in plain Node;
//   - the pool core never imports the editor layer or the import parsers;
//   - views never import commands (commands use views, not the other way round).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeFree = {
  paths: [{ name: 'vscode', message: 'This folder is vscode-free: it runs (and is tested) in plain Node. Put editor code in the editor layer.' }],
};
const editorLayer = ['commands', 'views', 'invoke', 'config', 'output', 'services', 'import'].map((d) => `**/${d}/**`);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'coverage/**', '**/*.mjs', '**/*.js', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='replace'][callee.object.property.name='message']", message: 'Decide on error codes, not on the English text of a message.' }],
    },
  },
  {
    files: ['src/pool/**', 'src/import/**', 'src/common/**', 'src/manifest/**', 'src/reaper/**'],
    rules: { 'no-restricted-imports': ['error', vscodeFree] },
  },
  {
    files: ['src/pool/**'],
    rules: {
      'no-restricted-imports': ['error', { ...vscodeFree, patterns: [{ group: editorLayer, message: 'The pool core does not know the editor layer or the import parsers.' }] }],
    },
  },
  {
    files: ['src/views/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/**'], message: 'Views never import commands: commands use views, not the other way round.' }] }],
    },
  },
  {
    // Tests drive real processes and parse what they print; these rules cost more than they catch there.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // fakes and SDK tool handlers implement async interfaces without awaiting anything
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/unit/**', 'test/fixtures/**', 'test/bench/**', 'test/demo/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Unit tests never load vscode; editor tests live in test/editor/suite.' }] }] },
  },
);
