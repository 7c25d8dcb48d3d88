// An app's life as one value. Which state it is in says everything the pool needs to know about
// it: what the sidebar shows (its status), whether it holds one of the pool's slots, whether a new
// call waits, joins a start or goes straight to the server. `PooledApp` changes it in one place
// (`setState`); the slot and eviction policy (slots.ts) and the views only read it. Generic over
// the connection so the policy can be tested with plain objects.
import type { AppStatus } from '../types';

/**
 * Not running. `crashed`: its last connection died; `failed`: its last start never completed (the
 * server or mcp-remote exited, the handshake timed out, a remote refused or could not be reached)
 * — nothing ran, so it is no crash. A start ended by a stop is neither.
 */
export interface Stopped<C> {
  readonly kind: 'stopped';
  readonly crashed: boolean;
  readonly failed?: boolean;
  /** A connection found dead whose end is not reported yet: it holds its slot until then (onDeath). */
  readonly dead?: C;
}

/** A start waiting in line for a free slot (it holds none yet); `cancel` gives up the place. */
export interface Waiting<C> {
  readonly kind: 'waiting';
  readonly start: Promise<C>;
  readonly cancel: AbortController;
  /** The connection this start replaces: found dead, its end not reported yet (it holds its slot until then). */
  readonly dead?: C;
}

/** A start that was given a slot: its link opens and the MCP handshake runs (`conn`, once made). */
export interface Starting<C> {
  readonly kind: 'starting';
  readonly start: Promise<C>;
  readonly conn?: C;
  readonly dead?: C;
}

/** A live connection; `busy` while requests are in flight. */
export interface Running<C> {
  readonly kind: 'running';
  readonly conn: C;
  readonly busy: boolean;
}

/** A stop (kill, restart, eviction, shutdown…) under way: calls wait for it. `holdsSlot`: it is ending a link that held one. */
export interface Stopping {
  readonly kind: 'stopping';
  readonly done: Promise<void>;
  readonly holdsSlot: boolean;
}

/**
 * The live connection is being ended outside a stop (hung: at once; unreachable: gracefully). It
 * no longer holds a slot and nobody waits for it: a call made meanwhile starts a fresh connection.
 */
export interface Ending {
  readonly kind: 'ending';
  readonly hung: boolean;
}

export type AppState<C> = Stopped<C> | Waiting<C> | Starting<C> | Running<C> | Stopping | Ending;

export const STOPPED: Stopped<never> = { kind: 'stopped', crashed: false };

/** What the sidebar, the CLI and the events show. */
export function statusOf(state: AppState<unknown>): AppStatus {
  switch (state.kind) {
    case 'stopped':
      return state.failed ? 'failed' : state.crashed ? 'crashed' : 'stopped';
    case 'waiting':
    case 'starting':
      return 'starting';
    case 'running':
      return state.busy ? 'busy' : 'idle';
    case 'stopping':
    case 'ending':
      return 'stopping';
  }
}

/**
 * Counts towards the pool's size: a link is up, being started (after its slot was granted), or
 * still being stopped, or a dead one's end is not reported yet. A start that only waits in line holds
 * nothing of its own; a link ended outside a stop holds nothing either.
 */
export function holdsSlot(state: AppState<unknown>): boolean {
  switch (state.kind) {
    case 'running':
    case 'starting':
      return true;
    case 'stopped':
    case 'waiting':
      return state.dead !== undefined;
    case 'stopping':
      return state.holdsSlot;
    default:
      return false;
  }
}

/** The app's connection: the live one, or one found dead whose end is not reported yet. */
export function currentConnection<C>(state: AppState<C>): C | undefined {
  if (state.kind === 'running') return state.conn;
  if (state.kind === 'stopped' || state.kind === 'waiting' || state.kind === 'starting') return state.dead;
  return undefined;
}
