// Builds the extension bundle, the bundled mcp-remote launcher and the test bundles.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified extension + mcp-remote, no tests
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, mkdirSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// Every bundle gets package.json's version as MCP_POOL_VERSION (declared for TypeScript in src/build.d.ts).
const node = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', define: { MCP_POOL_VERSION: JSON.stringify(version) } };

/** Every *.ts under dir whose name passes keep(). */
function files(dir, keep) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, keep));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && keep(p)) out.push(p);
  }
  return out;
}

// The relay's bundle (dist/cli-stdio.js) carries what `mcp-pool stdio` runs and nothing more: it
// moves raw JSON-RPC between two SDK v2 transports and never validates a schema, and every client
// of a pooled app pays its load time once per session (bench target relay.oneShot). The SDK's
// packages do not declare themselves free of side effects, so esbuild would keep every chunk they
// import (the Client, McpServer, auth, ajv): here they are declared so (a chunk none of whose
// exports is used is left out), and their `_shims` (ajv as the default JSON Schema validator) is
// src/cli/relayShims.ts, which has none. The relay tests run this bundle.
const relayLean = {
  name: 'relay-lean',
  setup(build) {
    const shims = resolve('src/cli/relayShims.ts');
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === relayLean || args.kind === 'entry-point') return undefined;
      if (/^@modelcontextprotocol\/(client|server)\/_shims$/.test(args.path)) return { path: shims };
      if (!args.path.startsWith('@modelcontextprotocol/') && !args.importer.includes(`${sep}@modelcontextprotocol${sep}`)) return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: relayLean });
      if (found.errors.length) return { errors: found.errors };
      return { path: found.path, namespace: found.namespace, external: found.external, sideEffects: false };
    });
  },
};

const builds = [
  // The extension: one CommonJS file, `vscode` provided by the editor.
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: !production,
    minify: production,
  },
  // The watchdog that ends the pool's process groups if the extension host dies.
  {
    ...node,
    entryPoints: ['src/reaper/main.ts'],
    outfile: 'dist/reaper.js',
    format: 'cjs',
    minify: production,
  },
  // The `mcp-pool` CLI: Node built-ins and src/cli only, so it starts about as fast as a bare
  // Node. The MCP SDK is in cli-stdio.js, which only `mcp-pool stdio` loads.
  {
    ...node,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    minify: production,
    banner: { js: `// mcp-pool ${version}: the MCP Remote Pool CLI (dist/cli.js; run with node, see docs/cli.md)` },
  },
  {
    ...node,
    entryPoints: ['src/cli/stdioRelay.ts'],
    outfile: 'dist/cli-stdio.js',
    format: 'cjs',
    minify: production,
    plugins: [relayLean],
  },
  // mcp-remote (pinned dependency), bundled into one ESM file that the pool runs with the
  // editor's own Node runtime: no npx, no registry round trip, nothing else to ship.
  {
    ...node,
    entryPoints: { 'mcp-remote/proxy': 'node_modules/mcp-remote/dist/proxy.js' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    minify: production,
    // Some dependencies still call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
];

if (!production) {
  builds.push({
    ...node,
    entryPoints: [...files('test', (p) => !p.includes('editor/')), ...(existsSync('test/editor/suite') ? files('test/editor/suite', () => true) : [])],
    outdir: 'out/test',
    outbase: 'test',
    format: 'cjs',
    sourcemap: true,
    external: ['vscode', 'mocha', 'eslint'],
  });
}

// Test bundles of files that were moved or deleted must not linger (mocha would run them too).
if (!production && !watch) rmSync('out/test', { recursive: true, force: true });
mkdirSync('dist/mcp-remote', { recursive: true });
copyFileSync('node_modules/mcp-remote/LICENSE', 'dist/mcp-remote/LICENSE');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
