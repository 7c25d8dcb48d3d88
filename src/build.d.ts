// What esbuild.mjs writes into every bundle at build time (`define`), declared here once.

/** package.json's `version` (the CLI's --version, the pool's clientInfo towards servers). */
declare const MCP_POOL_VERSION: string;
