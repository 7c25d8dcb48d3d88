// Nothing outlives the editor: even when the pool's host process is SIGKILLed (no deactivate,
// no cleanup code runs), the watchdog ends every server and grandchild it was told about.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';
import { isAlive, waitUntil } from '../fixtures/processTable';
import { RUN_MARK } from './helpers';

async function startHost(env: Record<string, string> = {}): Promise<{ kill(): void; pids: number[]; reaper?: number }> {
  const host = spawn(process.execPath, [join(REPO_ROOT, 'out/test/fixtures/pool-host.js'), RUN_MARK, 'a', 'b'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let out = '';
  host.stdout.on('data', (d) => (out += d));
  const info = await waitUntil(() => (out.includes('\n') ? (JSON.parse(out) as { pids: number[]; reaper?: number }) : undefined), 15_000, 'pool host ready');
  assert.equal(info.pids.length, 4, 'two servers, two grandchildren');
  assert.ok(info.pids.every(isAlive));
  return { ...info, kill: () => host.kill('SIGKILL') };
}

describe('watchdog (host crash)', function () {
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('a SIGKILLed pool host leaves no server or grandchild behind', async () => {
    const host = await startHost();
    const reaper = host.reaper;
    assert.ok(reaper && isAlive(reaper), `the host runs a watchdog (pid ${reaper})`);
    host.kill();
    const t0 = Date.now();
    await waitUntil(() => host.pids.every((p) => !isAlive(p)), 5000, `servers gone (alive: ${host.pids.filter(isAlive).join(', ')})`);
    console.log(`      [measure] all ${host.pids.length} processes gone ${Date.now() - t0} ms after the host was SIGKILLed`);
    await waitUntil(() => !isAlive(reaper), 3000, 'watchdog exited');
  });

  it('control: without the watchdog the same crash leaves processes behind', async () => {
    const host = await startHost({ POOL_HOST_NO_REAPER: '1' });
    assert.equal(host.reaper, undefined, 'no watchdog in the control');
    host.kill();
    await new Promise((r) => setTimeout(r, 1500));
    const left = host.pids.filter(isAlive);
    for (const p of host.pids)
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    assert.ok(left.length > 0, 'expected orphans without the watchdog');
    console.log(`      [measure] without the watchdog ${left.length} of ${host.pids.length} processes outlived the host`);
  });
});
