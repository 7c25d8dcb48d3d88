// Diagnostic variants that explain the gap between a warm pooled call and the held client,
// by taking one difference away at a time (benchmark-only; nothing here changes src/):
//
//  - "quiet pool": a pool whose state events are switched off. Every state change of an app
//    (three per warm call: busy, busy again, idle) makes the pool build a full AppSnapshot and
//    fire it; here `changed` — the AppHost hook the apps call — does nothing instead.
//  - "held client in its own session": the pool starts every server detached (its own process
//    group and session, so the whole tree can be killed). On Linux with sched_autogroup each
//    session is also its own scheduling group; `setsid` gives the held client's server the same.
import { existsSync, readFileSync } from 'node:fs';
import type { Pool } from '../../src/pool';
import { resolveCommand } from '../../src/pool/process/launch';

/** Switches off the state events of `pool` (what-if measurement only; the pool still works). */
export function silenceStateEvents(pool: Pool): Pool {
  (pool as unknown as { changed: () => void }).changed = () => undefined;
  return pool;
}

/** `[command, args]` that runs `command args` in a new session, or undefined where `setsid` is missing. */
export function inOwnSession(command: string, args: readonly string[]): [string, string[]] | undefined {
  if (process.platform === 'win32' || !resolveCommand('setsid', process.env.PATH ?? '')) return undefined;
  return ['setsid', [command, ...args]];
}

/** Whether the kernel groups scheduling by session (Linux autogroup). */
export function autogroupEnabled(): boolean | undefined {
  const file = '/proc/sys/kernel/sched_autogroup_enabled';
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() === '1';
  } catch {
    return undefined;
  }
}
