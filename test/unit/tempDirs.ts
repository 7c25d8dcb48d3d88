// Temporary directories for tests, each removed right after the test that made it.
// esbuild bundles every test file with its own copy of this module: each copy keeps its own list
// and registers its own root afterEach hook. runGuard.ts fails the run if anything is left over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let inTest = false;

beforeEach(() => {
  inTest = true;
});

afterEach(() => {
  inTest = false;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/**
 * A fresh directory under the system temp dir (`mcp-pool-test-<prefix>XXXXXX`), removed after the
 * running test. Only for tests and their beforeEach hooks: a directory made in `before` would be
 * gone after the suite's first test.
 */
export function tempDir(prefix: string): string {
  if (!inTest) throw new Error(`tempDir('${prefix}') called outside a test: it would be removed after the next test`);
  const dir = mkdtempSync(join(tmpdir(), `mcp-pool-test-${prefix}`));
  made.push(dir);
  return dir;
}
