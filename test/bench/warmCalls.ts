// Warm calls, many rounds, interleaved (Williams order): the pool against the held client, plus
// the diagnostic variants (see diagnostics.ts) when given. Used for the HTTP and the stdio path.
import type { Pool } from '../../src/pool';
import type { HeldClient } from './heldClient';
import { interleave } from './interleave';
import { pooledEcho } from './pooled';

export type WarmVariant = 'pooled' | 'held' | 'pooledQuiet' | 'heldOwnSession' | 'held1x';

export interface WarmSetup {
  readonly pool: Pool;
  readonly app: string;
  readonly held: HeldClient;
  /** A second pool with the same app and its state events switched off. */
  readonly quietPool?: Pool;
  /** A held client whose server runs in its own session, like the pool's. */
  readonly heldOwnSession?: HeldClient;
  /** The same held client on the SDK before v2 (1.x): what the SDK's own move costs. */
  readonly held1x?: HeldClient;
}

export interface WarmResult {
  /** Per variant, one duration per round (in `unit`), NaN where a call failed. */
  readonly samples: Partial<Record<WarmVariant, number[]>>;
  readonly errors: string[];
}

/** `rounds` rounds, each calling every variant once; `scale` converts ms (1000 → µs). */
export async function measureWarmCalls(setup: WarmSetup, rounds: number, scale = 1, warmup = 0): Promise<WarmResult> {
  const calls: [WarmVariant, (text: string) => Promise<number>][] = [
    ['pooled', async (t) => (await pooledEcho(setup.pool, setup.app, t)).ms],
    ['held', (t) => setup.held.echo(t)],
  ];
  const quiet = setup.quietPool;
  if (quiet) calls.push(['pooledQuiet', async (t) => (await pooledEcho(quiet, setup.app, t)).ms]);
  const own = setup.heldOwnSession;
  if (own) calls.push(['heldOwnSession', (t) => own.echo(t)]);
  const v1 = setup.held1x;
  if (v1) calls.push(['held1x', (t) => v1.echo(t)]);

  for (let i = 0; i < warmup; i++) for (const [, call] of calls) await call(`warm-${i}`);
  const { samples, errors } = await interleave(
    rounds,
    calls.map(([id, call]) => ({ id, run: async (i: number) => (await call(`${id}-${i}`)) * scale })),
  );
  return { samples: samples, errors };
}
