// smol-toml (a small, dependency-free TOML 1.0 parser and writer) for a CommonJS build: the package
// is an ES module whose typings TypeScript resolves only for `import`; esbuild bundles its CommonJS
// build through `require`.
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const toml = require('smol-toml') as typeof SmolToml;
