// What carries an MCP session, seen from the Connection that drives it: a process tree
// (processLink.ts) or a direct HTTP connection to the remote server (httpLink.ts). What both share:
// the Link contract, the start failure, and the error that proves a message never left.
import type { Transport } from '@modelcontextprotocol/client';
import type { ExitInfo } from './types';

export class StartError extends Error {
  constructor(
    message: string,
    readonly stderrTail: readonly string[],
    readonly exit?: ExitInfo,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StartError';
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export function describeExit(exit: ExitInfo): string {
  if (exit.reason) return exit.reason;
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** What carries an MCP session. A Connection drives it; the session only sees the Transport. */
export interface Link {
  /** Opens the link. `failed` rejects (with a StartError) if it breaks before the handshake is done. */
  open(): { transport: Transport; failed: Promise<never> };
  /** Called once the handshake succeeded: from now on `onDown` reports a break. */
  established(onDown: () => void): void;
  readonly pid?: number;
  stderrTail(n?: number): string[];
  /** Why the link went down, waiting up to `ms` for it (a process's exit); undefined if not (yet) known. */
  waitExit(ms: number): Promise<ExitInfo | undefined>;
  /** Why the link ended itself (a process link: the server sent more than it may); undefined otherwise. */
  readonly violation?: string;
  /** The link broke on its own: ends what is left of it and says why. */
  endBroken(): Promise<ExitInfo>;
  /** Ends it gracefully (`closeSession` first), or at once with `force`; resolves when nothing is left. */
  close(closeSession: () => Promise<void>, force: boolean): Promise<void>;
}

/** The message was provably never handed to the server: it is safe to send it elsewhere. */
export class NotSentError extends Error {
  constructor(readonly reason: string) {
    super(`message not sent: ${reason}`);
    this.name = 'NotSentError';
  }
}

/** Whether `e` (or an error it was caused by) says the request was never written to the server. */
export function isNotSent(e: unknown): boolean {
  for (let cur = e as { cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
    if (cur instanceof NotSentError) return true;
  }
  return false;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
