// Prewarm effect: the first command of a session, with `pool.warm(app)` done at "startup"
// (as mcpPool.prewarm does on activation) versus a first command that has to start the process.
import { processesMatching } from '../fixtures/processTable';
import { makeBenchPool, pooledEcho, remoteApp } from './pooled';
import { msSince } from './stats';

export interface PrewarmResult {
  /** First-command latency after prewarm, per repetition (ms). */
  readonly withPrewarm: number[];
  /** First-command latency without prewarm (a cold start), per repetition (ms). */
  readonly withoutPrewarm: number[];
  /** How long the prewarm itself took at startup (spent in the background, ms). */
  readonly warmMs: number[];
  /** Whether each first call without prewarm reported a cold start, and each one after it a warm one. */
  readonly coldFlagsOk: boolean;
  readonly errors: string[];
}

async function firstCommand(url: string, home: string, prewarm: boolean): Promise<{ firstMs: number; warmMs: number; cold: boolean }> {
  const pool = makeBenchPool();
  try {
    await pool.configure([remoteApp('first', url, home)]);
    let warmMs = NaN;
    if (prewarm) {
      const t = process.hrtime.bigint();
      await pool.warm('first');
      warmMs = msSince(t);
    }
    const call = await pooledEcho(pool, 'first', 'first');
    return { firstMs: call.ms, warmMs, cold: call.cold };
  } finally {
    await pool.shutdown();
    pool.dispose();
  }
}

/** `reps` repetitions, alternating which of the two goes first. Each uses a fresh pool. */
export async function measurePrewarm(marked: (marker: string) => string, runId: string, home: string, reps: number): Promise<PrewarmResult> {
  const result = { withPrewarm: [] as number[], withoutPrewarm: [] as number[], warmMs: [] as number[], coldFlagsOk: true, errors: [] as string[] };
  for (let r = 0; r < reps; r++) {
    for (const prewarm of r % 2 === 0 ? [true, false] : [false, true]) {
      const marker = `${runId}-prewarm-${prewarm ? 'on' : 'off'}-${r}`;
      try {
        const run = await firstCommand(marked(marker), home, prewarm);
        if (prewarm) {
          result.withPrewarm[r] = run.firstMs;
          result.warmMs[r] = run.warmMs;
          if (run.cold) result.coldFlagsOk = false;
        } else {
          result.withoutPrewarm[r] = run.firstMs;
          if (!run.cold) result.coldFlagsOk = false;
        }
      } catch (e) {
        (prewarm ? result.withPrewarm : result.withoutPrewarm)[r] = NaN;
        result.errors.push(`prewarm ${prewarm ? 'on' : 'off'} #${r}: ${(e as Error).message}`);
      }
      if (processesMatching(marker).length) result.errors.push(`prewarm ${prewarm ? 'on' : 'off'} #${r}: processes left after the run ${marker}`);
    }
  }
  return result satisfies PrewarmResult;
}
