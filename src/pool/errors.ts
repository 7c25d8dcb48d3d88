// Errors the pool reports to its callers. Each says what happened to which app and what to do.

export type PoolErrorCode =
  | 'unknown-app'
  | 'start-failed'
  | 'backoff'
  | 'pool-full'
  | 'crashed'
  | 'stopped'
  | 'timeout'
  /** The proxy could not forward the request (the remote server is down, answered an HTTP error, or lost the session). */
  | 'unreachable'
  /** The server sent more than the pool accepts (a flood of unsolicited messages, bytes without a line break): it was stopped. */
  | 'flooding'
  | 'cancelled'
  | 'invalid-arguments'
  /** The app's server does not declare the capability (resources, prompts, completions, logging, resources.subscribe) the request needs. */
  | 'unsupported'
  | 'shutting-down'
  | 'protocol';

export class PoolError extends Error {
  constructor(
    readonly code: PoolErrorCode,
    readonly app: string,
    message: string,
    readonly stderrTail: readonly string[] = [],
    /** What the server itself said (e.g. why it rejected the arguments), without the pool's framing. */
    readonly reason?: string,
    /** The server's own JSON-RPC error, when it answered with one: passed on as it is by the gateway. */
    readonly rpc?: { readonly code: number; readonly data?: unknown },
  ) {
    super(message);
    this.name = 'PoolError';
  }

  /** The message followed by the server's last stderr lines, for output channels. */
  get details(): string {
    return this.stderrTail.length ? `${this.message}\nLast stderr lines:\n  ${this.stderrTail.join('\n  ')}` : this.message;
  }
}
