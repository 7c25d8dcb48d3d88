// ESLint (flat config) with typescript-eslint's type-aware rules. Part of `npm test`.
// Besides the usual correctness rules it enforces the layering the code is built on (each rule is
// proved live by test/unit/layering.test.ts):
//   - the vscode-free rooms (pool core, import parsers, host configs, common helpers, manifest, reaper, contract,
//     gateway, CLI) never import `vscode`, directly, dynamically, or through the editor layer — they
//     run and are tested in plain Node;
//   - the pool core never imports the editor layer, the import parsers, the manifest, the gateway,
//     the CLI or the reaper; inside it, its four wings keep apart: process/ and direct/ never import
//     each other, and with session/ they see only the vocabulary at the door (src/pool/*.ts), never
//     apps/; session/ knows neither process/ nor direct/; the vocabulary at the door imports no wing;
//   - outside the pool, code reaches it only through its door, src/pool/index.ts (the reaper's
//     watchdog alone reads the process wing's tree membership, in its own small bundle);
//   - the gateway (src/gateway) is a vscode-free room beside the pool: the pool, the contract with
//     outside processes (src/contract) and the common helpers, never the editor layer, the import
//     parsers, the manifest, the CLI or the reaper;
//   - the `mcp-pool` CLI (src/cli) imports neither vscode, the editor layer nor the pool core, and
//     only its stdio relay may load the MCP SDK or zod (the other commands must start fast);
//   - the editor layer in order: commands → serverFeatures, clientFeatures → invoke → views, results;
//     nothing imports upward, and views never import the composition root;
//   - no import cycles (import-x/no-cycle; type-only imports do not count);
//   - nothing decides on the English text of an error message.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const vscodePath = { name: 'vscode', message: 'This folder is vscode-free: it runs (and is tested) in plain Node. Put editor code in the editor layer.' };
/** Relative imports that climb out of a folder of src/ into one of `names` (as itself, its index, or a file inside). */
const into = (...names) => `^(\\.\\./)+(${names.join('|')})(/.*)?$`;
/** Relative imports of a sibling folder (`../name`, `../name/…`). */
const sibling = (...names) => `^\\.\\./(${names.join('|')})(/.*)?$`;
const EDITOR_LAYER = ['commands', 'views', 'invoke', 'results', 'config', 'output', 'clientFeatures', 'serverFeatures', 'gatewayHost', 'extension'];
const dynamicVscode = {
  selector: "ImportExpression[source.value='vscode']",
  message: 'This folder is vscode-free: no import of vscode, dynamic ones included.',
};
// Decide on error codes, never on the English text of a message.
const messageText = [
  {
    selector:
      "CallExpression[callee.object.property.name='message'][callee.property.name=/^(replace|includes|match|matchAll|startsWith|endsWith|search|indexOf|split)$/]",
    message: 'Decide on error codes, not on the English text of a message.',
  },
  {
    selector: "CallExpression[callee.property.name=/^(test|exec)$/] > MemberExpression.arguments[property.name='message']",
    message: 'Decide on error codes, not on the English text of a message.',
  },
];

/** A no-restricted-imports rule from pattern groups (each a `{ regex, message }`), vscode barred where `vscodeFree`. */
function restricted({ vscodeFree = false, patterns = [] }) {
  return ['error', { ...(vscodeFree ? { paths: [vscodePath] } : {}), patterns }];
}
const editorLayer = { regex: into(...EDITOR_LAYER), message: 'A vscode-free folder cannot import the editor layer (it imports vscode).' };
/** Outside the pool, only its door: `../pool` (src/pool/index.ts). */
const poolDoor = {
  regex: '^(\\.\\./)+pool/.+$',
  message: "Outside the pool, import it through its door, src/pool/index.ts ('../pool'), never a file inside it.",
};
const poolAbove = {
  regex: into(...EDITOR_LAYER, 'import', 'manifest', 'gateway', 'contract', 'cli', 'reaper'),
  message: 'The pool core does not know the editor layer, the import parsers, the manifest, the gateway, the contract, the CLI or the reaper.',
};
const cliRooms = {
  regex: into(...EDITOR_LAYER, 'pool', 'gateway'),
  message: 'The mcp-pool CLI reaches the pool through the gateway (HTTP, src/contract): it imports neither the editor layer, the gateway nor the pool core.',
};
const cliSdk = {
  group: ['@modelcontextprotocol/*', 'zod', 'zod/*', 'ajv', 'ajv/*'],
  message: 'Only src/cli/stdioRelay.ts loads the SDK (its own bundle): every other command must start about as fast as a bare Node.',
};
/** Each wing of the pool and the wings (siblings) it must not import. */
const WINGS = {
  process: {
    not: ['direct', 'session', 'apps'],
    why: 'process/ carries a session over a process tree: it depends only on the link contract and the vocabulary at the door, never on direct/, session/ or apps/.',
  },
  direct: {
    not: ['process', 'session', 'apps'],
    why: 'direct/ carries a session over HTTP: it depends only on the link contract and the vocabulary at the door, never on process/, session/ or apps/.',
  },
  session: {
    not: ['process', 'direct', 'apps'],
    why: 'session/ speaks MCP over any link: it knows neither process/ nor direct/, and nothing of apps/ above it.',
  },
  apps: { not: [], why: '' },
};
/** Editor-layer folders and the folders above them in the order commands → serverFeatures, clientFeatures → invoke → views, results. */
const EDITOR_ORDER = {
  serverFeatures: ['commands', 'extension'],
  clientFeatures: ['commands', 'extension'],
  invoke: ['commands', 'serverFeatures', 'clientFeatures', 'extension'],
  views: ['commands', 'serverFeatures', 'clientFeatures', 'invoke', 'extension'],
  results: ['commands', 'serverFeatures', 'clientFeatures', 'invoke', 'extension'],
};

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
    // import cycles: a type-only import does not count (it leaves no trace at run time)
    files: ['src/**'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }], 'no-restricted-syntax': ['error', ...messageText] },
  },
  {
    // the editor layer: through the pool's door only, and never upward
    files: ['src/**'],
    ignores: [
      'src/pool/**',
      'src/reaper/**',
      'src/cli/**',
      'src/gateway/**',
      'src/contract/**',
      'src/import/**',
      'src/hosts/**',
      'src/common/**',
      'src/manifest/**',
    ],
    rules: { 'no-restricted-imports': restricted({ patterns: [poolDoor] }) },
  },
  ...Object.entries(EDITOR_ORDER)
    .filter(([folder]) => folder !== 'results')
    .map(([folder, above]) => ({
      files: [`src/${folder}/**`],
      rules: {
        'no-restricted-imports': restricted({
          patterns: [
            poolDoor,
            {
              regex: into(...above),
              message: `The editor layer runs commands → serverFeatures, clientFeatures → invoke → views, results: ${folder}/ never imports ${above.join(', ')}.`,
            },
          ],
        }),
      },
    })),
  {
    files: ['src/import/**', 'src/hosts/**', 'src/common/**', 'src/manifest/**'],
    rules: {
      'no-restricted-imports': restricted({ vscodeFree: true, patterns: [editorLayer, poolDoor] }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // the contract with outside processes (the gateway's HTTP protocol, discovery, the launcher): the CLI bundles it, so it stays small
    files: ['src/contract/**'],
    rules: {
      'no-restricted-imports': restricted({
        vscodeFree: true,
        patterns: [
          {
            regex: into(...EDITOR_LAYER, 'pool', 'gateway', 'cli', 'import', 'manifest', 'reaper'),
            message: 'The contract is what the CLI and the gateway share: it imports only Node built-ins and src/common (the CLI bundles it).',
          },
        ],
      }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // rendered results are plain text and data (the output channel, the CLI's look-alike): vscode-free
    files: ['src/results/**'],
    rules: {
      'no-restricted-imports': restricted({
        vscodeFree: true,
        patterns: [
          poolDoor,
          {
            regex: into(...EDITOR_ORDER.results),
            message: `The editor layer runs commands → serverFeatures, clientFeatures → invoke → views, results: results/ never imports ${EDITOR_ORDER.results.join(', ')}.`,
          },
        ],
      }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // the watchdog's own bundle (dist/reaper.js) reads tree membership from the process wing, and nothing else of the pool
    files: ['src/reaper/**'],
    rules: {
      'no-restricted-imports': restricted({
        vscodeFree: true,
        patterns: [
          editorLayer,
          {
            regex: '^(\\.\\./)+pool(/(?!process/treeMembers$).*)?$',
            message: "The watchdog bundle reads only the process wing's tree membership (src/pool/process/treeMembers.ts) of the pool.",
          },
        ],
      }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  // The pool core knows nothing above it; its wings keep apart.
  ...Object.entries(WINGS).map(([wing, { not, why }]) => ({
    files: [`src/pool/${wing}/**`],
    rules: {
      'no-restricted-imports': restricted({ vscodeFree: true, patterns: [poolAbove, ...(not.length ? [{ regex: sibling(...not), message: why }] : [])] }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  })),
  {
    // the vocabulary at the door: what every wing shares, so it imports none of them (index.ts, the door itself, exports them)
    files: ['src/pool/*.ts'],
    ignores: ['src/pool/index.ts'],
    rules: {
      'no-restricted-imports': restricted({
        vscodeFree: true,
        patterns: [
          poolAbove,
          {
            regex: '^\\./(apps|session|process|direct)(/.*)?$',
            message: 'The vocabulary at the door (src/pool/*.ts) is what the wings share: it imports none of them.',
          },
        ],
      }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    files: ['src/pool/index.ts'],
    rules: {
      'no-restricted-imports': restricted({ vscodeFree: true, patterns: [poolAbove] }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The gateway: a vscode-free room beside the pool (the pool's door, the contract, common helpers); the editor layer wires it up.
    files: ['src/gateway/**'],
    rules: {
      'no-restricted-imports': restricted({
        vscodeFree: true,
        patterns: [
          poolDoor,
          {
            regex: into(...EDITOR_LAYER, 'import', 'manifest', 'cli', 'reaper'),
            message:
              'The gateway is vscode-free: it uses the pool, the contract and src/common, never the editor layer, the import parsers, the manifest, the CLI or the reaper.',
          },
        ],
      }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The CLI talks to the gateway over HTTP; it bundles only Node built-ins, the contract with the
    // gateway (src/contract) and vscode-free helpers, so it starts about as fast as a bare Node.
    files: ['src/cli/**'],
    ignores: ['src/cli/stdioRelay.ts'],
    rules: {
      'no-restricted-imports': restricted({ vscodeFree: true, patterns: [cliRooms, cliSdk] }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
    },
  },
  {
    // The stdio relay is the one CLI file that loads the SDK (in its own bundle, dist/cli-stdio.js).
    files: ['src/cli/stdioRelay.ts'],
    rules: {
      'no-restricted-imports': restricted({ vscodeFree: true, patterns: [cliRooms] }),
      'no-restricted-syntax': ['error', ...messageText, dynamicVscode],
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
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Unit tests never load vscode; editor tests live in test/editor/suite.' }] }],
    },
  },
);
