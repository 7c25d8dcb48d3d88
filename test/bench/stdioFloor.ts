// Stdio floor: warm calls to a local stdio fixture server (no HTTP hop, no mcp-remote), through
// the pool and through a held SDK client, interleaved — the difference is the pool's own cost.
import type { Pool } from '../../src/pool';
import { STDIO_FIXTURE } from '../fixtures/paths';
import { inOwnSession, silenceStateEvents } from './diagnostics';
import { type HeldClient, openHeldClient } from './heldClient';
import { stdioApp } from './pooled';
import { measureWarmCalls, type WarmResult } from './warmCalls';

export const STDIO_APP = 'stdio';

/**
 * Configures the stdio app in the fresh `pool` (and, silenced, in `quietPool`), opens the held
 * clients, warms everything up, then runs `rounds` interleaved rounds (µs).
 */
export async function measureStdioFloor(pool: Pool, quietPool: Pool, marker: string, rounds: number, warmup: number): Promise<WarmResult> {
  await pool.configure([stdioApp(STDIO_APP, marker)]);
  await quietPool.configure([stdioApp(STDIO_APP, marker)]);
  silenceStateEvents(quietPool);
  const args = [STDIO_FIXTURE, marker, '--name=held'];
  const held = await openHeldClient(process.execPath, args, {});
  const own = inOwnSession(process.execPath, args);
  let heldOwnSession: HeldClient | undefined;
  let held1x: HeldClient | undefined;
  try {
    heldOwnSession = own ? await openHeldClient(own[0], own[1], {}) : undefined;
    held1x = await openHeldClient(process.execPath, args, {}, '1.x');
    // as the held clients did: list once, so every side validates echo's output schema
    await pool.listTools(STDIO_APP);
    await quietPool.listTools(STDIO_APP);
    return await measureWarmCalls({ pool, app: STDIO_APP, held, quietPool, heldOwnSession, held1x }, rounds, 1000, warmup);
  } finally {
    await held.close();
    await heldOwnSession?.close();
    await held1x?.close();
  }
}
