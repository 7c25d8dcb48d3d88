// The protocol eras the pool found, kept in the editor's global state (config/eraStore.ts): a second
// pool (the next session of the editor) over the same state starts a known modern server with no
// probe. The real pool and a real SDK v2 modern-only stdio server; the global state is a small
// in-memory Memento (the real one needs the editor).
import * as assert from 'node:assert/strict';
import { bounded, MAX_STORED_CHARS, MAX_VERDICT_CHARS, MementoEraStore, type MementoLike } from '../../src/config/eraStore';
import { ERA_VERDICTS_KEY } from '../../src/manifest/storage';
import { bundledLauncher, type EraVerdict, Pool, type StdioAppSpec } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, MODERN_STDIO_FIXTURE, REAPER_SCRIPT } from '../fixtures/paths';
import { expectNoProcesses, RUN_MARK, textOf } from './helpers';

/** In-memory stand-in for vscode.Memento (named as such: a fake); values go through JSON as in the editor. */
class FakeMemento implements MementoLike {
  readonly data = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const SECRET = 'sk-era-store-0123456789abcdefghij';

describe('protocol eras kept in the global state (MementoEraStore)', function () {
  this.timeout(60_000);
  const pools: Pool[] = [];
  afterEach(async () => {
    for (const p of pools.splice(0)) {
      await p.shutdown();
      p.dispose();
    }
    await expectNoProcesses();
  });

  function poolOver(state: FakeMemento): Pool {
    const pool = new Pool({
      launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
      reaperScript: REAPER_SCRIPT,
      settings: { stopGraceMs: 1000, startTimeoutMs: 15000 },
      eraStore: new MementoEraStore(state),
    });
    pools.push(pool);
    return pool;
  }

  it('the next session starts a known modern server without a probe; nothing secret is stored', async () => {
    const spec: StdioAppSpec = {
      kind: 'stdio',
      name: 'm',
      command: process.execPath,
      args: [MODERN_STDIO_FIXTURE, RUN_MARK],
      env: { API_TOKEN: SECRET },
    };
    // what this server process received so far (the fixture's own count)
    const counts = async (pool: Pool) => (await pool.callTool('m', 'request_counts')).result.structuredContent as { methods: Record<string, number> };
    const state = new FakeMemento();

    const first = poolOver(state);
    await first.configure([spec]);
    assert.equal(textOf((await first.callTool('m', 'echo', { text: 'one' })).result.content).split('\n')[0], 'one');
    assert.equal((await counts(first)).methods['server/discover'], 1, 'the first start probes');
    const stored = state.get<Record<string, EraVerdict>>(ERA_VERDICTS_KEY)!;
    assert.deepEqual(
      Object.values(stored).map((v) => v.kind),
      ['modern'],
    );
    assert.match(Object.keys(stored)[0], /^process:[0-9a-f]{32}$/);
    const json = JSON.stringify(stored);
    for (const clear of [SECRET, MODERN_STDIO_FIXTURE, RUN_MARK, 'API_TOKEN']) assert.ok(!json.includes(clear), `${clear} is not stored`);
    await first.shutdown();

    // the editor's next session: a new pool over the same global state
    const second = poolOver(state);
    await second.configure([spec]);
    const out = await second.callTool('m', 'echo', { text: 'two' });
    assert.equal(out.coldStart, true);
    assert.equal((await counts(second)).methods['server/discover'], undefined, 'no probe: the stored verdict was adopted');
    assert.deepEqual([second.snapshot('m')!.protocolVersion, second.snapshot('m')!.protocolEra], ['2026-07-28', 'modern']);
    const writes = state.writes;
    await second.restart('m');
    await second.callTool('m', 'echo', { text: 'three' });
    assert.equal(state.writes, writes, 'an unchanged verdict is not written again');
  });

  it('keeps the newest verdicts within the bounds, only under hashed keys, oldest first', () => {
    const modern = (at: number, pad = 0): EraVerdict => ({
      kind: 'modern',
      at,
      discover: { supportedVersions: ['2026-07-28'], capabilities: {}, serverInfo: { name: 'x'.repeat(pad), version: '1' } },
    });
    const all: Record<string, EraVerdict> = {};
    for (let i = 0; i < 100; i++) all[`process:${i.toString(16).padStart(32, '0')}`] = modern(1000 + i, 4000);
    all['process:ffffffffffffffffffffffffffffffff'] = modern(5000, MAX_VERDICT_CHARS); // too large alone
    all['node /srv/app.js --token=abc'] = { kind: 'legacy', at: 6000 }; // not a hash: never stored
    const kept = bounded(all);
    assert.ok(JSON.stringify(kept).length <= MAX_STORED_CHARS);
    const ats = Object.values(kept).map((v) => v.at);
    assert.ok(ats.length > 10 && ats.length < 100, `${ats.length} kept`);
    assert.deepEqual(
      ats,
      [...ats].sort((a, b) => a - b),
      'oldest first',
    );
    assert.equal(ats.at(-1), 1099, 'the newest is kept');
    assert.ok(!('process:ffffffffffffffffffffffffffffffff' in kept) && !('node /srv/app.js --token=abc' in kept));

    const state = new FakeMemento();
    state.data.set(ERA_VERDICTS_KEY, { ...kept, 'not a hash': { kind: 'legacy', at: 1 } });
    assert.deepEqual(Object.keys(new MementoEraStore(state).load()!), Object.keys(kept), 'load takes hashed keys only');
    state.data.set(ERA_VERDICTS_KEY, 'junk');
    assert.equal(new MementoEraStore(state).load(), undefined);
  });
});
