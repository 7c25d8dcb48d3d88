// Which pool mcp-pool talks to: --pool, the terminal's environment, the discovery folder by the
// current folder; and the one-line answers when there is none or several.
import * as assert from 'node:assert/strict';
import { choosePool, type PoolQuery } from '../../../src/cli/poolLookup';
import type { FoundEntry } from '../../../src/contract/discovery';

function entry(pid: number, folders: string[], startedAt = pid): FoundEntry {
  return { version: 1, pid, url: `http://127.0.0.1:${pid}`, token: `t${pid}`, folders, window: { name: `w${pid}`, startedAt }, file: `/d/${pid}.json` };
}

const A = entry(1001, ['/work/a']);
const B = entry(1002, ['/work/b', '/work/a/deep']);
const query = (q: Partial<PoolQuery>): PoolQuery => ({ env: {}, entries: () => [A, B], cwd: '/elsewhere', ...q });

describe('mcp-pool pool lookup', () => {
  it('uses the terminal environment first', () => {
    const c = choosePool(query({ env: { MCP_POOL_URL: 'http://127.0.0.1:9/', MCP_POOL_TOKEN: 'secret' } }));
    assert.deepEqual(c, { ok: true, target: { url: 'http://127.0.0.1:9', token: 'secret', source: 'MCP_POOL_URL', fromEnv: true } });
    assert.equal(choosePool(query({ env: { MCP_POOL_URL: 'http://127.0.0.1:9' } })).ok, false, 'a URL without a token is not enough');
  });

  it('picks the window holding the current folder, the deepest one', () => {
    const pick = (cwd: string) => {
      const c = choosePool(query({ cwd }));
      return c.ok ? c.target.token : c.reason;
    };
    assert.equal(pick('/work/a/src'), 't1001');
    assert.equal(pick('/work/a/deep/x'), 't1002');
    assert.equal(pick('/work/ab'), 'ambiguous', 'a name prefix is not a folder');
  });

  it('takes the only window wherever the command runs', () => {
    const c = choosePool(query({ entries: () => [A] }));
    assert.ok(c.ok && c.target.url === A.url && c.target.source === 'w1001 (pid 1001)');
  });

  it('lists the windows and suggests --pool when several run and none matches', () => {
    const c = choosePool(query({}));
    assert.ok(!c.ok);
    assert.match(
      c.message,
      /2 editor windows run a pool and none has \/elsewhere open; choose one with --pool:\n {2}--pool 1001 {2}w1001 \(\/work\/a\)\n {2}--pool 1002/,
    );
  });

  it('says what to do when no pool runs', () => {
    const c = choosePool(query({ entries: () => [] }));
    assert.ok(!c.ok && c.reason === 'none');
    assert.match(c.message, /^no MCP pool is running: open VS Code with the MCP Remote Pool extension/);
  });

  it('--pool picks by pid or by folder, over the environment', () => {
    const env = { MCP_POOL_URL: 'http://127.0.0.1:9', MCP_POOL_TOKEN: 'x' };
    const by = (pool: string) => {
      const c = choosePool(query({ env, pool, cwd: '/work' }));
      return c.ok ? c.target.token : c.reason;
    };
    assert.equal(by('1002'), 't1002');
    assert.equal(by('/work/a/deep'), 't1002');
    assert.equal(by('a'), 't1001', 'relative to the current folder');
    assert.equal(by('999'), 'no-match');
    assert.equal(by('/nowhere'), 'no-match');
  });

  it('skips the environment when asked (its pool did not answer)', () => {
    const c = choosePool(query({ env: { MCP_POOL_URL: 'http://127.0.0.1:9', MCP_POOL_TOKEN: 'x' }, entries: () => [A], ignoreEnv: true }));
    assert.ok(c.ok && c.target.token === 't1001');
  });

  it('takes MCP_POOL_URL only on 127.0.0.1 (where the gateway listens; not [::1] nor localhost, where another user could); a clear error otherwise that shows no credentials or path', () => {
    const with_ = (url: string) => choosePool(query({ env: { MCP_POOL_URL: url, MCP_POOL_TOKEN: 'x' } }));
    for (const ok of ['http://127.0.0.1:9', 'http://127.0.0.1:9/']) assert.ok(with_(ok).ok, ok);
    for (const bad of [
      'http://[::1]:9/',
      'http://localhost:9',
      'http://10.0.0.5:9',
      'https://127.0.0.1:9',
      'http://127.0.0.1.evil.example:9',
      'http://user:pw@127.0.0.1:9',
      'http://evil.example/x?t=1',
      'not a url',
    ]) {
      const c = with_(bad);
      assert.ok(!c.ok && c.reason === 'not-loopback', bad);
      assert.match(c.message, /^MCP_POOL_URL is .*: it must be http:\/\/127\.0\.0\.1:PORT, where the pool's gateway listens/);
      assert.doesNotMatch(c.message, /pw|\?t=1|\/x/);
    }
  });

  it('names the discovery entries it did not use when it finds no pool', () => {
    const c = choosePool(
      query({ entries: () => [], skipped: () => [{ file: '/d/1.json', reason: 'its mode is 0644: it must be 0600 (readable by you only)' }] }),
    );
    assert.ok(!c.ok && c.reason === 'none');
    assert.match(c.message, /\(1 discovery entry was not used: \/d\/1\.json: its mode is 0644/);
  });
});
