// When an app counts as running, said once for every room that reads an app's state: the pool
// (whose AppStatus in pool/types.ts is built on these words and re-exports them), the views, and
// the `mcp-pool` CLI, which gets the state as a plain string from the gateway and may not import
// the pool. Import-free: the CLI bundles it.

/** The states in which an app has a ready process (or session): using it starts nothing. */
export type RunningStatus = 'idle' | 'busy';

/** Running: idle or busy. */
export function isRunning(status: string | undefined): status is RunningStatus {
  return status === 'idle' || status === 'busy';
}

/**
 * Alive: running or on its way up (`starting`): what the status bar counts, and while an
 * authorization URL can still be answered (its process is there to receive the callback).
 */
export function isAlive(status: string | undefined): status is RunningStatus | 'starting' {
  return status === 'starting' || isRunning(status);
}
