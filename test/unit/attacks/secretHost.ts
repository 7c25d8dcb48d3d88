// A pool host (a stand-in for the extension host) that starts a remote app with a header through
// the real mcp-remote and waits, mid-start, to be killed. Used by secretsOffArgv.test.ts: the secret
// file mcp-remote reads must not outlive the host.   argv: <url>   env: TMPDIR, POOL_TEST_HOME
import { bundledLauncher, Pool } from '../../../src/pool';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT } from '../../fixtures/paths';

async function main(): Promise<void> {
  const url = process.argv[2];
  const pool = new Pool({
    launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
    reaperScript: REAPER_SCRIPT,
    settings: { stopGraceMs: 500, startTimeoutMs: 60_000 },
  });
  await pool.configure([
    { kind: 'remote', name: 'held', url, args: [], headers: { Authorization: 'Bearer held-secret' }, env: { HOME: process.env.POOL_TEST_HOME ?? '/tmp' } },
  ]);
  pool.callTool('held', 'echo', { text: 'x' }).catch(() => undefined); // never answered: the server holds it
  setInterval(() => undefined, 1000);
}

void main();
