// ESLint (flat config) with typescript-eslint's type-aware rules. Part of `npm test`.
// Besides the usual correctness rules it enforces the layering the code is built on:
//   - the vscode-free rooms (pool core, import parsers, common helpers, manifest, reaper) never
//     import `vscode`, directly, dynamically, or through the editor layer — they run and are
//     tested in plain Node;
//   - the pool core never imports the editor layer, the import parsers, the manifest or the gateway;
//   - the gateway (src/gateway) is a vscode-free room beside the pool: it may use the pool and the
//     common helpers, nothing of the editor layer, the import parsers or the manifest;
//   - the `mcp-pool` CLI (src/cli) imports neither vscode, the editor layer nor the pool core, and
//     only its stdio relay may load the MCP SDK or zod (the other commands must start fast);
//   - views never import commands or the composition root (commands use views, not the other way round);
//   - nothing decides on the English text of an error message.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeFree = {
  paths: [{ name: 'vscode', message: 'This folder is vscode-free: it runs (and is tested) in plain Node. Put editor code in the editor layer.' }],
};
/** Relative imports that climb out of a folder of src/ into one of `names` (as itself, its index, or a file inside). */
const into = (...names) => `^(\\.\\./)+(${names.join('|')})(/.*)?$`;
const EDITOR_LAYER = ['commands', 'views', 'invoke', 'config', 'output', 'clientFeatures', 'serverFeatures', 'gatewayHost', 'extension'];
/** The vscode-free rooms may not reach vscode through the editor layer either. */
const vscodeFreeRoom = { ...vscodeFree, patterns: [{ regex: into(...EDITOR_LAYER), message: 'A vscode-free folder cannot import the editor layer (it imports vscode).' }] };
const dynamicVscode = { selector: "ImportExpression[source.value='vscode']", message: 'This folder is vscode-free: no import of vscode, dynamic ones included.' };
/** The CLI's neighbours it must not bundle: the editor layer (vscode) and the pool core (the SDK, processes). */
const cliRooms = { regex: into(...EDITOR_LAYER, 'pool'), message: 'The mcp-pool CLI reaches the pool through the gateway (HTTP): it imports neither the editor layer nor the pool core.' };
const cliSdk = { group: ['@modelcontextprotocol/*', 'zod', 'zod/*', 'ajv', 'ajv/*'], message: 'Only src/cli/stdioRelay.ts loads the SDK (its own bundle): every other command must start about as fast as a bare Node.' };
// Decide on error codes, never on the English text of a message.
const messageText = [
  { selector: "CallExpression[callee.object.property.name='message'][callee.property.name=/^(replace|includes|match|matchAll|startsWith|endsWith|search|indexOf|split)$/]", message: 'Decide on error codes, not on the English text of a message.' },
  { selector: "CallExpression[callee.property.name=/^(test|exec)$/] > MemberExpression.arguments[property.name='message']", message: 'Decide on error codes, not on the English text of a message.' },
];

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
    },
  },
  {
    files: ['src/**'],
    rules: { 'no-restricted-syntax': ['error', ...messageText] },
  },
  {
    files: ['src/import/**', 'src/common/**', 'src/manifest/**', 'src/reaper/**'],
    rules: { 'no-restricted-imports': ['error', vscodeFreeRoom], 'no-restricted-syntax': ['error', ...messageText, dynamicVscode] },
  },
  {
    // The pool core knows nothing above it: not the editor layer, not the import parsers, not the manifest, not the gateway.
    files: ['src/pool/**'],
    rules: {
      'no-restricted-imports': ['error', { ...vscodeFree, patterns: [{ regex: into(...EDITOR_LAYER, 'import', 'manifest', 'gateway'), message: 'The pool core does not know the editor layer, the import parsers, the manifest or the gateway.' }] }],
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The gateway: a vscode-free room beside the pool (the pool and common helpers, nothing above); the editor layer wires it up.
    files: ['src/gateway/**'],
    rules: {
      'no-restricted-imports': ['error', { ...vscodeFree, patterns: [{ regex: into(...EDITOR_LAYER, 'import', 'manifest'), message: 'The gateway is vscode-free: it uses the pool and src/common, never the editor layer, the import parsers or the manifest.' }] }],
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The CLI talks to the gateway over HTTP; it bundles only Node built-ins, the gateway's contract
    // (protocol.ts, discovery.ts) and vscode-free helpers, so it starts about as fast as a bare Node.
    files: ['src/cli/**'],
    ignores: ['src/cli/stdioRelay.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...vscodeFree, patterns: [cliRooms, cliSdk] }],
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The stdio relay is the one CLI file that loads the SDK (in its own bundle, dist/cli-stdio.js).
    files: ['src/cli/stdioRelay.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...vscodeFree, patterns: [cliRooms] }],
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    files: ['src/views/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: into('commands', 'extension'), message: 'Views never import commands (or the composition root): commands use views, not the other way round.' }] }],
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
