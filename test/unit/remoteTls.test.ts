// Remote apps over HTTPS, both transports, in a pool of its own process (remote-call.ts): a server
// whose certificate comes from a company CA is refused with words that say what to do, and reached
// once NODE_EXTRA_CA_CERTS names that CA — read by Node when it starts, as in the editor, and passed
// on to mcp-remote. Real parts: a CA and certificate made by openssl, a TLS front on 127.0.0.1 before
// the SDK's HTTP fixture, the real mcp-remote.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { makeTestCa, startTlsFront, type TlsFront } from '../fixtures/tlsFront';
import { tempDir } from './tempDirs';

const REMOTE_CALL = join(REPO_ROOT, 'out', 'test', 'fixtures', 'remote-call.js');

interface Outcome {
  text?: string;
  code?: string;
  message?: string;
  stderrTail?: string[];
}

/** The pool of a fresh process calls echo on both transports; `extraCa` is what NODE_EXTRA_CA_CERTS names (none: unset). */
function callFromFreshProcess(url: string, home: string, extraCa?: string): Promise<{ direct: Outcome; mcpRemote: Outcome }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.NODE_EXTRA_CA_CERTS; // (this machine may name its own)
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [REMOTE_CALL, url], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`remote-call failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { direct: Outcome; mcpRemote: Outcome });
      } catch {
        reject(new Error(`remote-call printed ${stdout}\n${stderr}`));
      }
    });
  });
}

describe('remote apps over HTTPS: a company CA through NODE_EXTRA_CA_CERTS (both transports)', function () {
  this.timeout(90_000);
  let server: HttpFixture | undefined;
  let front: TlsFront | undefined;

  afterEach(async () => {
    await front?.close();
    await server?.close();
    front = server = undefined;
  });

  it('an untrusted certificate is refused with what to do; with its CA in NODE_EXTRA_CA_CERTS both transports call the server', async () => {
    const dir = tempDir('tls-');
    const ca = makeTestCa(dir);
    server = await startHttpFixture();
    front = await startTlsFront(ca, Number(new URL(server.url).port));
    const url = `${front.origin}/mcp`;
    const home = tempDir('tls-home-');

    const refused = await callFromFreshProcess(url, home);
    assert.equal(refused.direct.code, 'start-failed', JSON.stringify(refused.direct));
    assert.match(refused.direct.message!, /the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(\w+\); add its CA with NODE_EXTRA_CA_CERTS/);
    // mcp-remote exits; with --protocol auto it says only "fetch failed" (the cause hidden): the
    // error the editor shows names the certificate as a cause and what to do
    assert.equal(refused.mcpRemote.code, 'start-failed', JSON.stringify(refused.mcpRemote));
    assert.match(refused.mcpRemote.message!, /could not reach the remote server \(fetch failed\).*TLS certificate is not trusted.*NODE_EXTRA_CA_CERTS/);
    assert.equal(server.stats().toolCalls, 0);

    const trusted = await callFromFreshProcess(url, home, ca.caFile);
    assert.deepEqual(trusted.direct, { text: 'over TLS (direct)' });
    assert.deepEqual(trusted.mcpRemote, { text: 'over TLS (mcpRemote)' });
    assert.equal(server.stats().toolCalls, 2);
  });
});
