// Node's compile cache for the relay's bundle: `mcp-pool stdio` loads dist/cli-stdio.js (the MCP
// SDK) once per client session, and compiling it is a good part of what that session costs above
// a bare Node. With the cache, V8's code for it is read from disk instead (Node 22.1+, which the
// editors' own runtimes are; on an older Node this does nothing). The folder is the user's own
// (0700, not a link, checked as the discovery folder is): what is cached there is code Node runs.
// Anything wrong with it leaves the cache off; the command runs as without it.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switch).
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureOwnFolder } from '../contract/discovery';

type EnableCompileCache = (dir: string) => { status: number; message?: string; directory?: string };

/** `~/.mcp-pool/compile-cache` (Node keeps a folder per Node version inside). */
export function compileCacheDir(): string {
  return join(homedir(), '.mcp-pool', 'compile-cache');
}

/** Turns Node's compile cache on for the modules loaded from now on, where Node has one. */
export function enableCompileCache(
  dir = compileCacheDir(),
  enable: EnableCompileCache | null | undefined = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache,
): void {
  if (typeof enable !== 'function' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    ensureOwnFolder(dir, 0o700, 'the compile cache folder');
    enable(dir);
  } catch (e) {
    if (process.env.MCP_POOL_DEBUG) process.stderr.write(`mcp-pool: no compile cache: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
