// What dist/cli-stdio.js gets for the SDK v2 packages' `@modelcontextprotocol/{client,server}/_shims`
// (esbuild.mjs, relay-lean): the same names without ajv. The relay relays raw JSON-RPC and
// validates no JSON Schema, so nothing in it constructs a validator; if something ever did, it
// fails at once instead of passing a message unchecked.
import process from 'node:process';

export { process };

/** Fetch's TypeError is never a CORS error in Node (as the SDK's own Node shim says). */
export const CORS_IS_POSSIBLE = false;

export class DefaultJsonSchemaValidator {
  constructor() {
    throw new Error('mcp-pool stdio validates no JSON Schema: its bundle carries no validator (esbuild.mjs, relay-lean)');
  }
}
