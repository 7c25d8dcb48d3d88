// The watchdog watches itself: if it dies (killed, crashed) while the pool owns servers, the pool
// notices at once, starts another and tells it every live process tree, so a host crash right
// after still leaves nothing behind; a frozen one (SIGSTOP) stops answering the pool's heartbeat and
// is killed and replaced the same way; a SIGTERM or SIGHUP to the watchdog alone does not end the
// servers of a host that is alive. Real processes: a stand-in host (test/fixtures/pool-host.ts).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';
import { descendantsOf, isAlive, listProcesses, waitUntil } from '../fixtures/processTable';
import { RUN_MARK } from './helpers';

interface Host {
  readonly pid: number;
  readonly pids: number[];
  readonly reaper: number;
  readonly stderr: () => string;
  kill(): void;
}

async function startHost(): Promise<Host> {
  const host = spawn(process.execPath, [join(REPO_ROOT, 'out/test/fixtures/pool-host.js'), RUN_MARK, 'a', 'b'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  host.stdout.on('data', (d: Buffer) => (out += d.toString()));
  host.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const info = await waitUntil(
    () => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]) as { pids: number[]; reaper: number }) : undefined),
    15_000,
    'pool host ready',
  );
  assert.ok(info.reaper && isAlive(info.reaper), 'the host runs a watchdog');
  return { pid: host.pid!, pids: info.pids, reaper: info.reaper, stderr: () => err, kill: () => host.kill('SIGKILL') };
}

/** The host's current watchdog (a child running reaper.js), other than `not`. */
function watchdogOf(host: Host, not?: number): number | undefined {
  const children = new Set(descendantsOf(host.pid));
  return listProcesses().find((p) => children.has(p.pid) && p.pid !== not && p.cmdline.includes('reaper.js'))?.pid;
}

describe('watchdog watches itself', function () {
  this.timeout(30_000);
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  const hosts: Host[] = [];
  afterEach(() => {
    for (const h of hosts.splice(0)) {
      h.kill();
      for (const p of h.pids)
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
    }
  });

  it('a SIGKILLed watchdog is replaced at once and told every group: a host crash right after leaves nothing', async () => {
    const host = await startHost();
    hosts.push(host);
    process.kill(host.reaper, 'SIGKILL');
    const t0 = Date.now();
    const next = await waitUntil(() => watchdogOf(host, host.reaper), 5000, 'a new watchdog');
    const replacedMs = Date.now() - t0;
    await waitUntil(
      () => host.stderr().includes(`the watchdog (pid ${host.reaper}) ended (killed by SIGKILL); restarted it (pid ${next}) with 2 process trees`),
      3000,
      'the restart is logged',
    );
    host.kill();
    await waitUntil(() => host.pids.every((p) => !isAlive(p)), 5000, `servers gone after the host crash (alive: ${host.pids.filter(isAlive).join(', ')})`);
    console.log(`      [measure] watchdog replaced ${replacedMs} ms after its SIGKILL; a host crash then left 0 of ${host.pids.length} processes`);
  });

  it('a frozen (SIGSTOP) watchdog misses its heartbeat, is killed and replaced, told every group: a host crash after leaves nothing', async () => {
    const host = await startHost();
    hosts.push(host);
    try {
      process.kill(host.reaper, 'SIGSTOP');
      const t0 = Date.now();
      const next = await waitUntil(() => watchdogOf(host, host.reaper), 15_000, 'a new watchdog');
      const replacedMs = Date.now() - t0;
      await waitUntil(
        () =>
          host
            .stderr()
            .includes(
              `the watchdog (pid ${host.reaper}) ended (did not answer for 5 s, stopped or hung: killed by the pool); restarted it (pid ${next}) with 2 process trees`,
            ),
        3000,
        'the replacement is logged',
      );
      await waitUntil(() => !isAlive(host.reaper), 3000, 'the frozen watchdog is gone');
      assert.ok(replacedMs < 12_000, `replaced in ${replacedMs} ms`);
      host.kill();
      await waitUntil(() => host.pids.every((p) => !isAlive(p)), 5000, `servers gone after the host crash (alive: ${host.pids.filter(isAlive).join(', ')})`);
      console.log(
        `      [measure] frozen watchdog replaced ${(replacedMs / 1000).toFixed(1)} s after its SIGSTOP (deadline 5 s); a host crash then left 0 of ${host.pids.length} processes`,
      );
    } finally {
      // still stopped if the pool did not end it (checked: a pid that was reaped may be someone else's now)
      if (listProcesses().some((p) => p.pid === host.reaper && p.state === 'T' && p.cmdline.includes('reaper.js'))) process.kill(host.reaper, 'SIGKILL');
    }
  });

  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    it(`a ${sig} to the watchdog alone ends no server while the host lives; it keeps watching`, async () => {
      const host = await startHost();
      hosts.push(host);
      process.kill(host.reaper, sig);
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(host.pids.every(isAlive), `servers ended by a ${sig} to the watchdog: ${host.pids.filter((p) => !isAlive(p)).join(', ')}`);
      assert.ok(isAlive(host.reaper), 'the watchdog keeps watching');
      host.kill();
      await waitUntil(() => host.pids.every((p) => !isAlive(p)), 5000, 'servers gone after the host crash');
    });
  }
});
