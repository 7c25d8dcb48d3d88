// The modern (2026-07-28) notification stream of a session. That era has no GET stream and no
// resources/subscribe: the client holds one `subscriptions/listen` request open whose filter names
// what it wants to hear (the list changes the server declares, the resources subscribed to); the
// server's notifications/*/list_changed and resources/updated come on it and reach the Client's
// ordinary notification handlers (mcpSession.ts), the SDK's response cache evicting first.
//
// One stream per session, opened once the session asks for list changes (listenForChanges(),
// after its first request: a start with a remembered verdict stays free of requests before it) or
// subscribes to a resource. A change of the filter opens a new stream with the whole filter, then
// closes the old one (changes that come together share one new stream). A stream the server ended,
// or that dropped while the connection is still up, is opened again after a growing pause, at most
// MAX_REOPENS times in a row; a new connection of the app (a restart) listens again on a stream of
// its own (its resource subscriptions come back through subscribe(): appFeatures.ts restore).
import type { Client, McpSubscription, SubscriptionFilter } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** More subscribed resources than this on one app is refused (the filter travels whole in one request). */
export const MAX_LISTEN_URIS = 1000;
/** Reopens of a stream that ended on its own, in a row, before the session gives up on it (and says so). */
const MAX_REOPENS = 3;
const REOPEN_PAUSE_MS = 1000;
const STEADY_MS = 30_000;
/** How long after a modern start with no request the list changes are listened for anyway. */
const LISTEN_AFTER_MS = 1000;

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
  /** The list changes the server declares are asked for (listenForChanges()). */
  private changes = false;
  /** arm(): the list changes are listened for once the first request settles, or LISTEN_AFTER_MS passed. */
  private armed = false;
  private armTimer?: NodeJS.Timeout;

  constructor(private readonly opts: ListenStreamOptions) {}

  /** The resources subscribed to on this connection. */
  get subscribed(): readonly string[] {
    return [...this.uris];
  }

  /**
   * The connection is up (modern): the list changes are listened for once its first request
   * settles (afterFirst), so neither the start nor the first request waits for the stream or
   * follows it on the wire (a start with a remembered verdict sends nothing before its first
   * request), or LISTEN_AFTER_MS after the start when no request comes.
   */
  arm(): void {
    if (this.disposed || this.changes) return;
    this.armed = true;
    this.armTimer = setTimeout(() => this.fire(), LISTEN_AFTER_MS);
    this.armTimer.unref();
  }

  /** `p`, a request of the session's user: once it settles, an armed stream is opened. */
  afterFirst<T>(p: Promise<T>): Promise<T> {
    if (this.armed) {
      const fire = () => this.fire();
      void p.then(fire, fire);
    }
    return p;
  }

  private fire(): void {
    if (!this.armed) return;
    this.armed = false;
    if (this.armTimer) clearTimeout(this.armTimer);
    this.armTimer = undefined;
    this.listenForChanges(this.opts.timeoutMs());
  }

  /**
   * Asks for the list changes the server declares (tools, prompts, resources), on the stream the
   * resource subscriptions share; nothing is opened when it declares none. A failure is a line in
   * the app's log: the listings then follow their `ttlMs` alone.
   */
  listenForChanges(timeoutMs: number): void {
    if (this.changes || this.disposed) return;
    this.changes = true;
    if (this.empty()) return;
    this.sync({ timeoutMs }).catch((e: unknown) =>
      this.opts.onProblem(
        `opening the subscriptions/listen stream for list changes failed: ${(e as Error).message}; listings are refreshed when their ttlMs passes`,
      ),
    );
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
    this.armed = false;
    if (this.armTimer) clearTimeout(this.armTimer);
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
    return { ...this.opts.listChanges(), ...(this.uris.size ? { resourceSubscriptions: [...this.uris].sort() } : {}) };
  }

  /** Nothing to listen for: no resource subscribed, and no list changes asked for (or none declared). */
  private empty(): boolean {
    return this.uris.size === 0 && (!this.changes || Object.values(this.opts.listChanges()).every((v) => v !== true));
  }

  /** Opens a stream with the current filter (none when there is nothing to listen for), then closes the old one. */
  private async open(limits: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    const filter = this.filter();
    const key = JSON.stringify(filter);
    if (this.current && key === this.openedWith) return;
    const old = this.current;
    if (this.empty()) {
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
        `the server ended the subscriptions/listen stream ${MAX_REOPENS + 1} times in a row; list changes and resource updates are not heard until the app restarts (listings are refreshed when their ttlMs passes)`,
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
