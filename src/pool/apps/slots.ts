// The pool's slot and eviction policy, apart from the apps it decides about: who may start now,
// which idle apps make room (least recently used first), which have been idle too long, and what
// the pool-full error says. It reads only each app's state value (appState.ts) and use counters,
// so it is tested with plain objects (test/unit/slots.test.ts); pool.ts applies its decisions.
import { PoolError } from '../errors';
import { type AppState, holdsSlot } from './appState';

/** What the policy reads of an app. */
export interface Tenant {
  readonly name: string;
  readonly state: AppState<unknown>;
  /** Its last use (or its start), in ms since the epoch. */
  readonly lastUsedAt: number;
  /** Requests in flight (they keep it from being evicted). */
  readonly inFlight: number;
  /** 0: never evicted for being idle. */
  readonly idleTimeoutMs: number;
}

/** Running with nothing in flight: may be evicted. */
export function isIdle(t: Tenant): boolean {
  return t.state.kind === 'running' && !t.state.busy && t.inFlight === 0;
}

/** Why the app holds its slot, for the pool-full message. */
export function slotUse(t: Tenant): string {
  if (t.state.kind === 'stopping') return 'stopping';
  if (t.state.kind === 'starting') return 'starting';
  return t.inFlight > 0 ? `busy (${t.inFlight} call${t.inFlight === 1 ? '' : 's'})` : 'idle';
}

export type SlotDecision<T extends Tenant> =
  | { readonly grant: true }
  | {
      readonly grant: false;
      /** The other apps holding slots (for the pool-full message). */
      readonly holders: readonly T[];
      /** Idle apps to stop to make room, least recently used first. */
      readonly evict: readonly T[];
    };

/**
 * Whether the start at `position` in line (0: first) may go now, given every other app of the pool.
 * Starts wait in line and hold no slot while they wait; the first `free` of them go. When the line
 * is longer than the free slots, the least recently used idle apps are stopped to make room: as many
 * as the line needs up to this start, beyond the stops already under way.
 */
export function decideSlot<T extends Tenant>(position: number, others: readonly T[], maxSize: number): SlotDecision<T> {
  const holders = others.filter((t) => holdsSlot(t.state));
  const free = maxSize - holders.length;
  if (position < free) return { grant: true };
  const stopping = holders.filter((t) => t.state.kind === 'stopping').length;
  const stillNeeded = Math.max(0, position + 1 - Math.max(0, free) - stopping);
  const idle = holders.filter(isIdle).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  return { grant: false, holders, evict: idle.slice(0, stillNeeded) };
}

/** The idle apps whose idle timeout has passed at `now`. Never a busy one. */
export function expired<T extends Tenant>(tenants: readonly T[], now: number): T[] {
  return tenants.filter((t) => isIdle(t) && t.idleTimeoutMs > 0 && now - t.lastUsedAt >= t.idleTimeoutMs);
}

/** The error for a start that waited too long for a slot, saying what the slots were doing. */
export function poolFull(
  app: string,
  holders: readonly Tenant[],
  position: number,
  limits: { readonly maxSize: number; readonly acquireTimeoutMs: number },
): PoolError {
  const secs = Math.round(limits.acquireTimeoutMs / 1000);
  const allBusy = holders.length > 0 && holders.every((t) => t.inFlight > 0 && t.state.kind !== 'stopping' && t.state.kind !== 'starting');
  const uses = holders.map((t) => `${t.name}: ${slotUse(t)}`).join(', ');
  const ahead = position > 0 ? `; ${position} start${position === 1 ? '' : 's'} waited before it` : '';
  const why = allBusy ? `every running app stayed busy for ${secs} s` : `no slot became free in ${secs} s`;
  return new PoolError(
    'pool-full',
    app,
    `cannot start "${app}": the pool is full (mcpPool.maxSize = ${limits.maxSize}) and ${why} (${uses}${ahead}). Raise mcpPool.maxSize or stop an app.`,
  );
}
