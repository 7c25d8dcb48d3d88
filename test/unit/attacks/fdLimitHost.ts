// A pool host (a stand-in for the extension host) that uses up its file descriptors, then calls a
// stdio app and a remote (mcp-remote) app, and prints what each call said as one JSON line; then
// frees the descriptors and calls again. Run under `prlimit --nofile=N:N` by fdLimit.test.ts.
//   argv: <mark> <remote url>
import { closeSync, openSync } from 'node:fs';
import { bundledLauncher, Pool } from '../../../src/pool';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT, STDIO_FIXTURE } from '../../fixtures/paths';

async function attempt(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

async function main(): Promise<void> {
  const [mark, url] = process.argv.slice(2);
  const pool = new Pool({
    launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
    reaperScript: REAPER_SCRIPT,
    settings: { stopGraceMs: 500, crashLoopBaseMs: 0, startTimeoutMs: 15_000 },
  });
  await pool.configure([
    { kind: 'stdio', name: 'local', command: process.execPath, args: [STDIO_FIXTURE, mark, '--name=local'], env: {} },
    { kind: 'remote', name: 'remote', url, args: [], headers: { Authorization: 'Bearer fd-test' }, env: { HOME: process.env.POOL_TEST_HOME ?? '/tmp' } },
  ]);
  // a first app running, so the pool, its watchdog and its descriptors are all in place
  await pool.callTool('local', 'echo', { text: 'warm' });
  await pool.stop('local');
  const held: number[] = [];
  try {
    for (let i = 0; i < 1_000_000; i++) held.push(openSync('/dev/null', 'r'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EMFILE') throw e;
  }
  const local = await attempt(pool.callTool('local', 'echo', { text: 'x' }));
  const remote = await attempt(pool.callTool('remote', 'echo', { text: 'x' }));
  for (const fd of held) closeSync(fd);
  const localAfter = await attempt(pool.callTool('local', 'echo', { text: 'y' }));
  const remoteAfter = await attempt(pool.callTool('remote', 'echo', { text: 'y' }));
  process.stdout.write(`${JSON.stringify({ held: held.length, local, remote, localAfter, remoteAfter })}\n`);
  await pool.shutdown();
  pool.dispose();
  process.exit(0);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ crashed: String((e as Error).stack ?? e) })}\n`);
  process.exit(1);
});
