// Resource subscriptions on a modern (2026-07-28) connection. That era has no resources/subscribe:
// the client holds one `subscriptions/listen` request open whose filter names the resources it
// wants to hear of (and the list changes); the server's notifications/resources/updated and
// list_changed come on it and reach the Client's ordinary notification handlers (mcpSession.ts).
//
// One stream per session, opened only while the app has subscriptions (a session without any
// sends nothing it was not asked for: a start with a remembered verdict stays free of requests).
// A change of the set opens a new stream with the whole filter, then closes the old one (changes
// that come together share one new stream). A stream the server ended, or that dropped while the
// connection is still up, is opened again after a pause, at most MAX_REOPENS times in a row; a new
// connection of the app (a restart) gets its subscriptions back through subscribe() (appFeatures.ts
// restore), on a stream of its own.
import type { Client, McpSubscription, SubscriptionFilter } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** More subscribed resources than this on one app is refused (the filter travels whole in one request). */
export const MAX_LISTEN_URIS = 1000;
/** Reopens of a stream that ended on its own, in a row, before the session gives up on it (and says so). */
const MAX_REOPENS = 3;
const REOPEN_PAUSE_MS = 1000;
const STEADY_MS = 30_000;

export interface ListenStreamOptions {
  readonly client: Client;
  /** What else the stream asks for (the list changes the server declares). */
  readonly listChanges: () => Omit<SubscriptionFilter, 'resourceSubscriptions'>;
  /** How long a reopen may wait for the server's acknowledgement. */
  readonly timeoutMs: () => number;
  /** A line for the app's log (a stream the server ended, a reopen that failed). */
  readonly onProblem: (message: string) => void;
  /** Turns the SDK's errors into the pool's (mcpErrors.ts). */
  readonly sdk: <T>(p: Promise<T>) => Promise<T>;
}

export class ListenStream {
  private readonly uris = new Set<string>();
  private current?: McpSubscription;
  /** The filter `current` was opened with. */
  private openedWith = '';
  private syncing?: Promise<void>;
  private dirty = false;
  private reopens = 0;
  /** When `current` was opened (performance.now()): a stream that lived STEADY_MS starts the reopen count afresh. */
  private openedAt = 0;
  private reopenTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly opts: ListenStreamOptions) {}

  /** The resources subscribed to on this connection. */
  get subscribed(): readonly string[] {
    return [...this.uris];
  }

  /** Subscribes to `uri`: resolves once the server acknowledged a stream that holds it. */
  async add(uri: string, limits: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    if (this.uris.has(uri)) return;
    if (this.uris.size >= MAX_LISTEN_URIS)
      throw new McpError(ErrorCode.InvalidRequest, `at most ${MAX_LISTEN_URIS} resources can be subscribed to on one server`);
    this.uris.add(uri);
    try {
      await this.sync(limits);
    } catch (e) {
      this.uris.delete(uri);
      throw e;
    }
    const honored = this.current?.honoredFilter.resourceSubscriptions;
    if (honored && !honored.includes(uri)) {
      this.uris.delete(uri);
      void this.sync(limits).catch(() => undefined);
      throw new McpError(ErrorCode.InvalidParams, `the server did not accept a subscription to ${uri} (subscriptions/listen)`);
    }
  }

  async remove(uri: string, limits: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    if (!this.uris.delete(uri)) return;
    await this.sync(limits);
  }

  /** The connection ends: the stream with it (nothing is sent: the transport is closing). */
  dispose(): void {
    this.disposed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    const old = this.current;
    this.current = undefined;
    if (old) void old.close().catch(() => undefined);
  }

  /** Brings the stream in line with the set; changes made meanwhile join the next round. */
  private sync(limits: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    this.dirty = true;
    this.syncing ??= (async () => {
      try {
        while (this.dirty && !this.disposed) {
          this.dirty = false;
          await this.open(limits);
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private filter(): SubscriptionFilter {
    return { ...this.opts.listChanges(), resourceSubscriptions: [...this.uris].sort() };
  }

  /** Opens a stream with the current filter (none when nothing is subscribed), then closes the old one. */
  private async open(limits: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    const filter = this.filter();
    const key = JSON.stringify(filter);
    if (this.current && key === this.openedWith) return;
    const old = this.current;
    if (this.uris.size === 0) {
      this.current = undefined;
      this.openedWith = '';
      if (old) await old.close().catch(() => undefined);
      return;
    }
    const next = await this.opts.sdk(this.opts.client.listen(filter, { timeout: limits.timeoutMs, signal: limits.signal }));
    if (this.disposed) {
      void next.close().catch(() => undefined);
      return;
    }
    this.current = next;
    this.openedWith = key;
    this.openedAt = performance.now();
    void next.closed.then((how) => this.ended(next, how));
    if (old) await old.close().catch(() => undefined);
  }

  /** A stream ended: if it is still the one in use and it was not us, it is opened again (bounded). */
  private ended(stream: McpSubscription, how: 'local' | 'graceful' | 'remote'): void {
    if (how === 'local' || this.disposed || this.current !== stream) return;
    this.current = undefined;
    this.openedWith = '';
    if (performance.now() - this.openedAt > STEADY_MS) this.reopens = 0;
    if (++this.reopens > MAX_REOPENS) {
      this.opts.onProblem(
        `the server ended the subscriptions/listen stream ${MAX_REOPENS + 1} times in a row; resource updates are not heard until the app restarts`,
      );
      return;
    }
    this.opts.onProblem(`the server ended the subscriptions/listen stream (${how}); opening it again`);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      this.sync({ timeoutMs: this.opts.timeoutMs() }).catch((e: unknown) =>
        this.opts.onProblem(`reopening the subscriptions/listen stream failed: ${(e as Error).message}`),
      );
    }, REOPEN_PAUSE_MS * this.reopens);
    this.reopenTimer.unref();
  }
}
