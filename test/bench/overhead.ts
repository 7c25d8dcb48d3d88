// Where the pool's per-call time goes, measured from the outside through the public API: how
// many events one warm call fires, what one snapshot (built for every state event) costs, what
// redacting one relayed stderr line costs, and what a cached tools/list costs.
import type { Pool, PoolEvent } from '../../src/pool';
import { median } from './stats';
import { pooledEcho } from './pooled';

export interface OverheadProfile {
  readonly app: string;
  /** Events fired per warm callTool, by type. */
  readonly eventsPerCall: Record<string, number>;
  /** One `pool.snapshot(app)` (what every state event carries), µs. */
  readonly snapshotUs: number;
  /** Length of the stderr tail copied into every snapshot. */
  readonly snapshotStderrLines: number;
  /** Redacting one stderr line (every mcp-remote log line is redacted and relayed as an event), µs. */
  readonly redactLineUs: number;
  /** A warm `pool.listTools(app)` answered from the per-process cache, µs (median). */
  readonly listToolsCachedUs: number;
  /** state events × snapshot + stderr events × redact: the bookkeeping a held client does not do, µs per call. */
  readonly bookkeepingUs: number;
}

export async function profileOverhead(pool: Pool, app: string, calls = 200): Promise<OverheadProfile> {
  // events per call
  const counts: Record<string, number> = {};
  let sampleLine = '[12345] [Remote→Local] 42';
  const sub = pool.onEvent((e: PoolEvent) => {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    if (e.type === 'stderr') sampleLine = e.line;
  });
  try {
    for (let i = 0; i < calls; i++) await pooledEcho(pool, app, `ov-${i}`);
  } finally {
    sub.dispose();
  }
  const eventsPerCall = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / calls]));

  const snapshotUs = timeSync(20_000, () => pool.snapshot(app));
  const redactLineUs = timeSync(20_000, () => pool.redactor.redact(sampleLine));

  const listed: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = process.hrtime.bigint();
    await pool.listTools(app);
    listed.push(Number(process.hrtime.bigint() - t) / 1000);
  }

  return {
    app,
    eventsPerCall,
    snapshotUs,
    snapshotStderrLines: pool.snapshot(app)?.stderrTail.length ?? 0,
    redactLineUs,
    listToolsCachedUs: median(listed),
    bookkeepingUs: (eventsPerCall.state ?? 0) * snapshotUs + (eventsPerCall.stderr ?? 0) * redactLineUs,
  };
}

/** Mean µs of `fn` over `iterations` runs (after a short warm-up for the JIT). */
function timeSync(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < 1000; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - t) / 1000 / iterations;
}
