// Errors that name the era, during calls: a verdict remembered for a server that changed era since
// (the pool's memory outlives the server's upgrade or downgrade), through the real pool.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledLauncher, Pool, type PoolError, type PoolEvent, type StdioAppSpec } from '../../../src/pool';
import type { EraVerdict, EraVerdictStore } from '../../../src/pool/session/eraMemory';
import { processEraKey } from '../../../src/pool/session/eraMemory';
import { BUNDLED_MCP_REMOTE, MODERN_STDIO_FIXTURE, REAPER_SCRIPT, STDIO_FIXTURE } from '../../fixtures/paths';
import { collectEvents, expectNoProcesses, RUN_MARK } from '../helpers';
import { tempDir } from '../tempDirs';

/** An era store the test can read and seed. */
function store(): EraVerdictStore & { all: Record<string, EraVerdict> } {
  const s = {
    all: {} as Record<string, EraVerdict>,
    load: () => s.all,
    save: (all: Readonly<Record<string, EraVerdict>>) => void (s.all = { ...all }),
  };
  return s;
}

let callLog = '';
const spec = (script: string): StdioAppSpec => ({
  kind: 'stdio',
  name: 'x',
  command: process.execPath,
  args: [script, RUN_MARK, `--call-log=${callLog}`],
  env: {},
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const calls = (): Record<string, any>[] => {
  try {
    return readFileSync(callLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((c) => c.tool === 'echo' && c.era !== 'modern'); // the legacy fixture's calls (the modern one served the verdict's first call)
  } catch {
    return [];
  }
};
const keyOf = (s: StdioAppSpec) => processEraKey(s.command, s.args, s.cwd, s.env ?? {});

describe('era errors during calls (stdio, real processes)', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  const pools: Pool[] = [];
  const make = (eraStore: EraVerdictStore) => {
    const p = new Pool({
      launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
      reaperScript: REAPER_SCRIPT,
      settings: { stopGraceMs: 1000, startTimeoutMs: 15000, sweepIntervalMs: 60_000, crashLoopBaseMs: 500 },
      eraStore,
    });
    pools.push(p);
    return p;
  };
  const figures: Record<string, number> = {};
  after(() => console.log(`      figures: ${JSON.stringify(figures)}`));
  beforeEach(() => (callLog = join(tempDir('eras-err-'), 'calls.jsonl')));
  afterEach(async () => {
    for (const p of pools.splice(0)) {
      await p.shutdown();
      p.dispose();
    }
    pool = undefined;
    await expectNoProcesses();
  });

  async function modernVerdict(): Promise<EraVerdict> {
    const s = store();
    const p = make(s);
    await p.configure([spec(MODERN_STDIO_FIXTURE)]);
    await p.callTool('x', 'echo', { text: 'x' });
    const v = s.all[keyOf(spec(MODERN_STDIO_FIXTURE))];
    assert.equal(v?.kind, 'modern');
    return v;
  }

  it('a modern verdict remembered for a server that is legacy now: the call says so, the verdict is forgotten, the next call works', async () => {
    const modern = await modernVerdict();
    const s = store();
    const legacy = spec(STDIO_FIXTURE);
    s.all[keyOf(legacy)] = modern;
    pool = make(s);
    const events: PoolEvent[] = collectEvents(pool);
    await pool.configure([legacy]);
    const t0 = Date.now();
    await assert.rejects(pool.callTool('x', 'echo', { text: 'one' }), (e: PoolError) => {
      assert.equal(e.code, 'protocol', e.message);
      assert.match(
        e.message,
        /^call to "echo" on app "x" failed: the server answered as a 2025-era server on a connection that speaks 2026-07-28 \(its result has no resultType\) — the pool had remembered this server as a 2026-07-28 \(modern\) one; it forgot that, and the next request starts a fresh connection that probes the era again$/,
      );
      return true;
    });
    figures.stale_modern_error_ms = Date.now() - t0;
    assert.equal(s.all[keyOf(legacy)], undefined, 'the verdict is forgotten');
    assert.deepEqual(calls(), [], 'the tool was not run: the listing before it showed the era');
    assert.equal(events.filter((e) => e.type === 'crashed').length, 0, 'no crash reported');
    const second = await pool.callTool('x', 'echo', { text: 'two' });
    assert.equal(second.result.structuredContent?.text, 'two');
    assert.equal(pool.snapshot('x')!.protocolEra, 'legacy');
    assert.equal(s.all[keyOf(legacy)]?.kind, 'legacy', 'the new verdict');
    assert.deepEqual(
      calls().map((c) => c.args.text),
      ['two'],
      'run once, on the fresh connection',
    );
  });
});
