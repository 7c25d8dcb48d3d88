// The relay's compile cache folder (src/cli/compileCache.ts): the user's own, or no cache at all.
// Node's enableCompileCache is stood in for by a recorder (a mock: Node 20, which runs the unit
// tests, has none), so what is checked is the folder policy around it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { enableCompileCache } from '../../../src/cli/compileCache';
import { tempDir } from '../tempDirs';

function recorder() {
  const dirs: string[] = [];
  return { dirs, enable: (dir: string) => (dirs.push(dir), { status: 1 }) };
}

describe('compile cache of mcp-pool stdio', () => {
  it('makes its folder 0700 and hands it to Node', function () {
    if (process.platform === 'win32') this.skip();
    const dir = join(tempDir('cc-'), 'home', '.mcp-pool', 'compile-cache');
    const r = recorder();
    enableCompileCache(dir, r.enable);
    assert.deepEqual(r.dirs, [dir]);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('a folder that is a symbolic link: no cache, and no failure', function () {
    if (process.platform === 'win32') this.skip();
    const root = tempDir('cc-');
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'compile-cache'));
    const r = recorder();
    enableCompileCache(join(root, 'compile-cache'), r.enable);
    assert.deepEqual(r.dirs, []);
  });

  it('a Node without a compile cache: nothing is made', () => {
    const dir = join(tempDir('cc-'), 'compile-cache');
    enableCompileCache(dir, null);
    assert.equal(existsSync(dir), false);
  });
});
