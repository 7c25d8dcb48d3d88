// The vocabulary of the one route every request to an app's server takes (PooledApp.request):
// tools, resources, prompts, completions and logging alike.
import type { Connection } from '../session/connection';

/**
 * What a request counts as for the app: `call`, a tool call (counted; in flight, so no idle
 * eviction meanwhile; its last use; its failure is the app's last error); `use`, in flight and its
 * last use; `look`, nothing (a listing of tools, a view refreshing what it shows).
 */
export type RequestUse = 'call' | 'use' | 'look';

export interface RequestOptions {
  readonly use: RequestUse;
  /** Safe to send twice (a listing, a read): retried once on a connection that died under it. */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The caller across an interactive invocation (startLedger.ts). */
  readonly token?: object;
  /** A view refreshing what it shows: no use of the app, never retried. */
  readonly observe?: boolean;
}

/** A request's answer, with the connection that gave it and whether the app had to start for it. */
export interface Sent<T> {
  readonly value: T;
  readonly conn: Connection;
  readonly cold: boolean;
}
