// Concurrency: 100 parallel calls on one pooled app (one process must carry them all), and
// 100 parallel calls spread round-robin over 10 pooled apps (10 processes, one per app).
import type { Pool } from '../../src/pool';
import { processesMatching } from '../fixtures/processTable';
import type { HeldClient } from './heldClient';
import { makeBenchPool, pooledEcho, remoteApp } from './pooled';
import { msSince } from './stats';

export interface ParallelRound {
  /** Wall time of the whole batch, ms. */
  readonly wallMs: number;
  /** One pooled call on the same app just before the batch, ms (the batch's pair). */
  readonly singleMs: number;
  readonly errors: number;
  /** Distinct pids reported by the calls. */
  readonly pids: number[];
  /** Processes in the OS table whose command line holds the app's URL marker, during the round. */
  readonly processes: number;
  /** The same batch through the held SDK client (the floor), wall ms. */
  readonly heldWallMs?: number;
}

export interface ParallelResult {
  readonly calls: number;
  readonly rounds: ParallelRound[];
  readonly errorMessages: string[];
}

async function batch(
  calls: number,
  call: (k: number) => Promise<{ pid?: number }>,
): Promise<{ wallMs: number; errors: number; pids: number[]; messages: string[] }> {
  const t = process.hrtime.bigint();
  const settled = await Promise.allSettled(Array.from({ length: calls }, (_, k) => call(k)));
  const wallMs = msSince(t);
  const pids = new Set<number>();
  const messages: string[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') {
      if (s.value.pid !== undefined) pids.add(s.value.pid);
    } else messages.push((s.reason as Error).message);
  }
  return { wallMs, errors: messages.length, pids: [...pids], messages };
}

/**
 * `rounds` batches of `calls` parallel calls on one warm pooled app; each round also runs the same
 * batch through the held client (alternating which goes first) as the floor.
 */
export async function parallelOnOneApp(pool: Pool, app: string, marker: string, held: HeldClient, rounds: number, calls = 100): Promise<ParallelResult> {
  const result: ParallelResult = { calls, rounds: [], errorMessages: [] };
  for (let r = 0; r < rounds; r++) {
    const single = await pooledEcho(pool, app, `single-${r}`);
    const heldBatch = () => batch(calls, async (k) => (await held.echo(`held-par-${r}-${k}`), {}));
    const heldFirst = r % 2 === 1 ? await heldBatch() : undefined;
    const b = await batch(calls, (k) => pooledEcho(pool, app, `par-${r}-${k}`));
    const processes = processesMatching(marker).length;
    const h = heldFirst ?? (await heldBatch());
    result.rounds.push({ wallMs: b.wallMs, singleMs: single.ms, errors: b.errors, pids: b.pids, processes, heldWallMs: h.wallMs });
    result.errorMessages.push(...b.messages, ...h.messages.map((m) => `held: ${m}`));
  }
  return result;
}

export interface RoundRobinResult {
  readonly apps: number;
  readonly calls: number;
  /** First batch: includes starting all 10 processes. */
  readonly cold: ParallelRound;
  /** Later batches on the warm apps. */
  readonly warm: ParallelRound[];
  /** Starts per app over the whole experiment (1 each = no restarts, no evictions). */
  readonly startsPerApp: number[];
  readonly errorMessages: string[];
}

/** 10 remote apps (different names, same URL) in a fresh pool; call k goes to app k % 10. */
export async function roundRobinOverApps(url: string, marker: string, home: string, rounds: number, apps = 10, calls = 100): Promise<RoundRobinResult> {
  const pool = makeBenchPool({ maxSize: apps });
  const names = Array.from({ length: apps }, (_, i) => `rr${i}`);
  const errorMessages: string[] = [];
  try {
    await pool.configure(names.map((n) => remoteApp(n, url, home)));
    const batches: ParallelRound[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const single = r === 0 ? NaN : (await pooledEcho(pool, names[r % apps], `rr-single-${r}`)).ms;
      const b = await batch(calls, (k) => pooledEcho(pool, names[k % apps], `rr-${r}-${k}`));
      batches.push({ wallMs: b.wallMs, singleMs: single, errors: b.errors, pids: b.pids, processes: processesMatching(marker).length });
      errorMessages.push(...b.messages);
    }
    const startsPerApp = names.map((n) => pool.snapshot(n)?.starts ?? 0);
    return { apps, calls, cold: batches[0], warm: batches.slice(1), startsPerApp, errorMessages };
  } finally {
    await pool.shutdown();
    pool.dispose();
  }
}
