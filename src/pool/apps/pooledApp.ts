// One pooled app: its definition, its life (one state value: appState.ts, changed only in
// setState), its connection when it has one, and its stats. Starts are single-flight; deaths are
// noticed at once; repeated failures back off. Every request to its server, whatever it asks for,
// goes through one route (`request`): started if needed, retried where that is safe, its failure
// described once (callFailure.ts).
import type { ResponseCacheStore } from '@modelcontextprotocol/client';
import { untilAborted } from '../../common/abort';
import type { Emitter } from '../../common/emitter';
import { PoolError } from '../errors';
import { isNotSent } from '../link';
import { describeTarget } from '../process/launch';
import { bridgedRevision } from '../process/mcpRemoteSaid';
import type { Redactor } from '../redact';
import type { ClientHooks } from '../session/clientHooks';
import type { EraMemory } from '../session/eraMemory';
import type { ResponseCaches } from '../session/responseCaches';
import { type Connection, describeExit, formatSeconds, type StartError } from '../session/connection';
import type { McpSession } from '../session/mcpSession';
import type { PoolSettings } from '../settings';
import type { AppSnapshot, AppSpec, AppStatus, CallOptions, CallOutcome, ExitInfo, PoolEvent, StopReason, ToolInfo } from '../types';
import { eraKeyOf, openConnection } from './appConnection';
import { AppFeatures } from './appFeatures';
import { AutoRoute } from './autoRoute';
import { type AppState, currentConnection, holdsSlot, STOPPED, statusOf } from './appState';
import { describeCallFailure, describeStartFailure, startFailureCause } from './callFailure';
import { CrashLoopGuard } from './crashLoopGuard';
import type { LinkFactory, LinkMaker } from './links';
import type { RequestOptions, Sent } from './request';
import type { Tenant } from './slots';
import { StartLedger } from './startLedger';

export interface AppHost {
  readonly settings: PoolSettings;
  /** Makes what carries each start's session (a process, a direct HTTP link). */
  readonly links: LinkFactory;
  readonly redactor: Redactor;
  readonly events: Emitter<PoolEvent>;
  /** The host's answers to what servers ask (roots, elicitation, sampling). */
  readonly clientHooks?: ClientHooks;
  /** The protocol era found for each server (eraMemory.ts). */
  readonly eras: EraMemory;
  /** The SDK's response caches, per server and authorization context (responseCaches.ts). */
  readonly responseCaches: ResponseCaches;
  /**
   * Waits (in line, first come first served) for room in the pool before a new link opens; may
   * evict idle apps. Calls `grantSlot` in the tick it decides this start may go. Rejects at once
   * when `signal` aborts (the app was stopped meanwhile).
   */
  reserveSlot(app: PooledApp, signal: AbortSignal): Promise<void>;
  /** Called whenever the app's state changes. */
  changed(app: PooledApp): void;
}

export class PooledApp implements Tenant {
  private _state: AppState<Connection> = STOPPED;
  /** A connection being ended outside a stop (endConnection): stop() and shutdown wait for it too, even after a new start took over. */
  private ending?: Promise<void>;
  /** Replaced or removed by a configuration change: never opens a link again. */
  private retired = false;
  private readonly ledger = new StartLedger();
  private createdAt?: number;
  private _lastUsedAt?: number;
  private active = 0;
  /** Of those, tool calls (what a server's own requests to the client usually belong to). */
  private callsActive = 0;
  private calls = 0;
  private errors = 0;
  private starts = 0;
  private lastError?: string;
  private exit?: ExitInfo;
  /** `exit` is that of a start that never completed (status `failed`), not of a running server's death. */
  private startFailed = false;
  private readonly crashLoop = new CrashLoopGuard(() => this.host.settings);
  private authUrl?: string;
  private okSinceStart = false;
  private toolCount?: number;
  /** The remote's revision mcp-remote said it bridges to, read per connection (eraOf). */
  private bridged?: { readonly conn: Connection; readonly version: string | undefined };
  /**
   * The SDK's response cache for this app's connections (2026-07-28 cache hints): kept across
   * restarts and shared with apps of the same server and authorization context (responseCaches.ts),
   * so a start within the ttl of the last tools/list lists nothing. An app whose era mcp-remote
   * negotiates has its own; a changed definition is a new app with its cache found again by key.
   */
  private readonly responses: ResponseCacheStore;
  /** Resources, prompts, completions, logging (appFeatures.ts). */
  readonly features: AppFeatures;
  /** Where "auto" made the app direct and a direct start failed lately, mcp-remote (autoRoute.ts). */
  private readonly autoRoute: AutoRoute;
  /** The definition the app runs: its spec, or the same through mcp-remote (autoRoute.ts); read at each start. */
  private running: AppSpec;

  constructor(
    private _spec: AppSpec,
    private readonly host: AppHost,
  ) {
    const spec = _spec;
    this.autoRoute = new AutoRoute(host.eras);
    this.running = this.autoRoute.route(spec);
    this.responses = host.responseCaches.of(eraKeyOf(spec));
    for (const v of Object.values(spec.kind === 'remote' ? spec.headers : {})) host.redactor.addSecret(v);
    for (const v of Object.values(spec.env)) if (v.length >= 12) host.redactor.addSecret(v);
    this.features = new AppFeatures({
      app: spec.name,
      settings: () => host.settings,
      redactor: host.redactor,
      request: (what, op, o) => this.request(what, op, o),
      liveSession: () => this.liveConnection?.session,
      changed: () => host.changed(this),
      fire: (event) => host.events.fire(event),
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /** The app's life, as one value (appState.ts). */
  get state(): AppState<Connection> {
    return this._state;
  }

  get status(): AppStatus {
    return statusOf(this._state);
  }

  get lastUsedAt(): number {
    return this._lastUsedAt ?? this.createdAt ?? 0;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.active;
  }

  get idleTimeoutMs(): number {
    return this.spec.idleTimeoutMs ?? this.host.settings.idleTimeoutMs;
  }

  /** Called by the pool in the same tick it decides this start may go, so no other start sees the slot as free. */
  grantSlot(): void {
    const s = this._state;
    if (s.kind === 'waiting') this.setState({ kind: 'starting', start: s.start, dead: s.dead });
  }

  /** The live connection, if the app runs; never starts one. */
  get liveConnection(): Connection | undefined {
    const s = this._state;
    return s.kind === 'running' && !s.conn.isDead ? s.conn : undefined;
  }

  private masked?: { readonly version: number; readonly text: string };

  /** The target for display, masked (once per set of known secrets: snapshots are taken on every state change). */
  private maskedTarget(): string {
    const r = this.host.redactor;
    if (this.masked?.version !== r.version) this.masked = { version: r.version, text: r.redact(describeTarget(this.spec)) };
    return this.masked.text;
  }

  get spec(): AppSpec {
    return this._spec;
  }

  /**
   * The next start tries directly again where "auto" went through mcp-remote after a failed direct
   * start (a restart, a sign-out); returns whether there was such a route.
   */
  forgetRoute(): boolean {
    const had = this.autoRoute.forget(this.spec);
    if (had) this.running = this.autoRoute.route(this.spec);
    return had;
  }

  /** A definition that runs the same (sameRun): taken without a restart (e.g. only why "auto" chose the transport differs). */
  adopt(spec: AppSpec): void {
    this._spec = spec;
    this.running = this.autoRoute.route(spec);
    this.choiceSaid = false;
    this.host.changed(this);
  }

  /** How the app is reached (AppSnapshot.transport). */
  get transport(): AppSnapshot['transport'] {
    return this.running.kind === 'stdio' ? 'stdio' : (this.running.transport ?? 'mcp-remote');
  }

  snapshot(): AppSnapshot {
    const conn = currentConnection(this._state);
    const server = conn?.session.server;
    return {
      name: this.name,
      kind: this.spec.kind,
      transport: this.transport,
      ...(this.running.kind === 'remote' && this.running.transportChoice ? { transportChoice: this.running.transportChoice } : {}),
      target: this.maskedTarget(),
      ...(this.spec.description ? { description: this.spec.description } : {}),
      status: this.status,
      createdAt: this.createdAt,
      lastUsedAt: this._lastUsedAt,
      pid: conn?.pid,
      inFlight: this.active,
      callsInFlight: this.callsActive,
      calls: this.calls,
      errors: this.errors,
      starts: this.starts,
      lastError: this.lastError,
      exit: this.exit,
      serverName: server?.name,
      serverVersion: server?.version,
      ...this.eraOf(conn),
      toolCount: this.toolCount,
      ...this.features.snapshot(),
      backoffUntil: this.crashLoop.backoffUntil(),
      consecutiveFailures: this.crashLoop.consecutiveFailures,
      authUrl: this.authUrl,
      stderrTail: conn?.stderrTail(20) ?? [], // redacted as each line arrived
    };
  }

  /**
   * The revision the app's server speaks. Through mcp-remote the pool's own session is always 2025:
   * when mcp-remote says (stderr) it bridges to a modern remote, that remote's revision is shown.
   * Read once per connection (the line may scroll out of the tail later).
   */
  private eraOf(conn: Connection | undefined): Pick<AppSnapshot, 'protocolVersion' | 'protocolEra'> {
    if (!conn) return {};
    if (this.transport === 'mcp-remote') {
      if (this.bridged?.conn !== conn || this.bridged.version === undefined) this.bridged = { conn, version: bridgedRevision(conn.stderrTail()) };
      if (this.bridged.version) return { protocolVersion: this.bridged.version, protocolEra: 'modern' };
    }
    return { protocolVersion: conn.era?.protocolVersion, protocolEra: conn.era?.kind };
  }

  // ---- the life: every transition goes through setState -----------------------------------

  private setState(next: AppState<Connection>): void {
    this._state = next;
    this.host.changed(this);
  }

  /**
   * The live connection, started if needed (concurrent callers share one start). `token`
   * identifies a caller across several operations (an interactive invocation): the pool then
   * knows whether that caller waited for a start, and whether it alone has used what it started.
   */
  async acquire(token?: object, observe = false): Promise<{ connection: Connection; cold: boolean }> {
    return this.acquireLive(token, observe) ?? this.acquireSlow(token, observe);
  }

  /** The live connection when there is one to use at once (no start, no stop in the way): the hot path of every warm request, without a turn of its own. */
  private acquireLive(token: object | undefined, observe: boolean): { connection: Connection; cold: boolean } | undefined {
    const s = this._state;
    if (s.kind !== 'running' || s.conn.isDead || this.retired) return undefined;
    this.ledger.noteUse(token, observe, true);
    return { connection: s.conn, cold: false };
  }

  private async acquireSlow(token: object | undefined, observe: boolean): Promise<{ connection: Connection; cold: boolean }> {
    this.ledger.noteUse(token, observe, currentConnection(this._state) !== undefined);
    for (let s = this._state; s.kind === 'stopping'; s = this._state) await s.done;
    // a link opened now would belong to no app of the pool: nothing would ever end it
    if (this.retired) throw new PoolError('stopped', this.name, `app "${this.name}" was stopped: its definition changed or was removed`);
    const s = this._state;
    if (s.kind === 'running' && !s.conn.isDead) return { connection: s.conn, cold: false };
    let start: Promise<Connection>;
    if (s.kind === 'waiting' || s.kind === 'starting') start = s.start;
    else {
      this.ledger.noteStart(token);
      start = this.begin(currentConnection(s));
    }
    this.ledger.noteWait(token);
    return { connection: await start, cold: true };
  }

  /** Whether the caller with `token` waited for a start, and how long the last start took. */
  startInfo(token: object): { waited: boolean; startMs?: number } {
    return this.ledger.info(token);
  }

  /**
   * Stops the app if the caller with `token` started it and nobody else has used it since
   * (no other call, listing or start joined; nothing in flight). Returns whether it stopped it.
   */
  async stopIfUnused(token: object): Promise<boolean> {
    if (!this.ledger.ownsUnused(token) || this.active > 0) return false;
    if (this.status !== 'idle' && this.status !== 'starting') return false;
    await this.stop('unused');
    return true;
  }

  /**
   * Begins a start (waiting for a slot first), or refuses it at once: held back by the crash-loop
   * guard, or a command that cannot run. `dead`: the connection it replaces, found dead, its end not
   * reported yet.
   */
  private begin(dead: Connection | undefined): Promise<Connection> {
    const heldBack = this.crashLoop.heldBack(this.name, this.lastError, Date.now());
    if (heldBack) return Promise.reject(heldBack);
    let makeLink: LinkMaker;
    try {
      this.running = this.autoRoute.route(this.spec);
      makeLink = this.host.links.prepare(this.running);
    } catch (e) {
      // (a command or link that cannot be prepared: a start that failed before it began)
      this.recordFailure((e as Error).message);
      this.startFailed = true;
      this.exit = undefined;
      this.setState({ kind: 'stopped', crashed: false, failed: true, dead });
      return Promise.reject(new PoolError('start-failed', this.name, (e as Error).message));
    }
    const cancel = new AbortController();
    // the state first: the slot may be granted in the very tick the start asks for it
    const start = Promise.resolve().then(() => this.start(makeLink, cancel.signal));
    this.setState({ kind: 'waiting', start, cancel, dead });
    return start;
  }

  /** The transport choice of "auto" was said in the log. */
  private choiceSaid = false;

  private async start(makeLink: LinkMaker, signal: AbortSignal): Promise<Connection> {
    try {
      await this.host.reserveSlot(this, signal);
    } catch (e) {
      const s = this._state;
      if (s.kind === 'waiting')
        this.setState({ kind: 'stopped', crashed: this.exit !== undefined && !this.startFailed, failed: this.startFailed, dead: s.dead });
      throw e;
    }
    const t0 = Date.now();
    const granted = this._state;
    if (granted.kind !== 'starting') throw this.stoppedWhileStarting();
    // (the setting's "auto" chose the transport: said once, in the app's log)
    this.sayChoice();
    this.starts++;
    // a prompt of an earlier start that failed is no longer the one to open
    this.authUrl = undefined;
    let conn = this.connection(makeLink);
    // a stop from now on ends this connection instead of waiting for its handshake's timeout
    this.setState({ ...granted, conn });
    /** The direct start's failure, when this start went on through mcp-remote (autoRoute.ts). */
    let direct: string | undefined;
    for (;;) {
      try {
        await conn.start();
        break;
      } catch (e) {
        // (mcp-remote said only "fetch failed": the resolver names the cause, before the state is read)
        const cause = await startFailureCause(this.running, e as StartError);
        // ended by a stop (kill, restart, shutdown) while starting: not a failure of the server
        const now = this._state;
        if (now.kind !== 'starting') {
          // (stopped during the mcp-remote attempt: nothing was learnt)
          if (direct !== undefined) this.running = this.autoRoute.route(this.spec);
          throw this.stoppedWhileStarting();
        }
        const err = e as StartError;
        let reason = this.host.redactor.redact(describeStartFailure(this.running, err, cause));
        const next = direct === undefined ? this.autoRoute.fallBack(this.running, err, reason) : undefined;
        const nextLink = next && this.prepareOrNot(next);
        if (next && nextLink) {
          direct = reason;
          this.running = next;
          // mcp-remote's own sign-in prompt is the one to show now (the direct one's listener is closed)
          this.authUrl = undefined;
          this.say(`[pool] remoteTransport "auto": the direct start failed (${reason}); trying mcp-remote`);
          conn = this.connection(nextLink);
          this.setState({ ...now, conn });
          continue;
        }
        if (direct !== undefined) {
          // neither got through: nothing is remembered, the next start tries directly again
          this.running = this.spec;
          reason = `directly: ${direct}; through mcp-remote: ${reason}`;
        }
        // (this start's exit, or none: an earlier crash's is not this failure's)
        this.exit = err.exit;
        this.recordFailure(`start failed: ${reason}`);
        this.host.events.fire({ type: 'startFailed', app: this.name, error: reason, stderrTail: err.stderrTail ?? [] });
        // (whatever ended it: the server exiting, its handshake timing out, a remote refusing or unreachable)
        this.startFailed = true;
        this.setState({ kind: 'stopped', crashed: false, failed: this.startFailed, dead: now.dead });
        throw new PoolError('start-failed', this.name, `app "${this.name}" could not start: ${reason}`, err.stderrTail ?? []);
      }
    }
    if (direct !== undefined) {
      this.autoRoute.remember(this.spec, direct);
      this.say(`[pool] remoteTransport "auto": ${this.running.kind === 'remote' ? this.running.transportChoice : ''}`);
    }
    if (this._state.kind !== 'starting') {
      // stopped (e.g. pool shutdown) while starting: don't keep what just started
      await conn.stop();
      throw this.stoppedWhileStarting();
    }
    this.createdAt = Date.now();
    this._lastUsedAt = this.createdAt;
    this.exit = undefined;
    this.startFailed = false;
    this.authUrl = undefined;
    this.okSinceStart = false;
    this.crashLoop.started();
    this.setState({ kind: 'running', conn, busy: false });
    this.ledger.lastStartMs = Date.now() - t0;
    this.host.events.fire({ type: 'started', app: this.name, pid: conn.pid, durationMs: this.ledger.lastStartMs });
    // the remembered subscriptions and log level, before the callers waiting for this start go on (appFeatures.ts)
    await this.features.restore(conn);
    // stopped meanwhile: the callers waiting hear it, as for a stop during the start (a death is theirs to find)
    if (this.stateNow() === 'stopping') throw this.stoppedWhileStarting();
    return conn;
  }

  /** A line in the app's log. */
  private say(line: string): void {
    this.host.events.fire({ type: 'stderr', app: this.name, line });
  }

  /** Why the setting "auto" chose the transport, once per definition. */
  private sayChoice(): void {
    const run = this.running;
    if (run.kind !== 'remote' || !run.transportChoice || this.choiceSaid) return;
    this.choiceSaid = true;
    this.say(`[pool] remoteTransport "auto": ${run.transportChoice}`);
  }

  /** The link for `spec`, or undefined where it cannot be made (mcp-remote's launcher missing: said in the log). */
  private prepareOrNot(spec: AppSpec): LinkMaker | undefined {
    try {
      return this.host.links.prepare(spec);
    } catch (e) {
      this.say(`[pool] remoteTransport "auto": mcp-remote cannot be tried: ${this.host.redactor.redact((e as Error).message)}`);
      return undefined;
    }
  }

  /** A connection for one start of the definition the app runs, over the link `makeLink` makes (appConnection.ts). */
  private connection(makeLink: LinkMaker): Connection {
    const host = this.host;
    return openConnection(this.running, makeLink, {
      app: this.name,
      settings: host.settings,
      hooks: host.clientHooks,
      eras: host.eras,
      responses: this.responses,
      onAuthUrl: (url) => {
        if (this.authUrl !== undefined) return;
        this.authUrl = url;
        host.events.fire({ type: 'authRequired', app: this.name, url });
        host.changed(this);
      },
      say: (line) => this.say(line),
      redact: (text) => host.redactor.redact(text),
      onToolsChanged: () => {
        this.toolCount = undefined;
        host.events.fire({ type: 'toolsChanged', app: this.name });
      },
      onNotice: (notice) => this.features.onNotice(notice),
      onDeath: (conn, exit) => this.onDeath(conn, exit),
      onLost: (conn) => void this.endConnection(conn, 'unreachable'),
      timing: () => host.settings,
    });
  }

  /** The state's kind now (past an await, where TypeScript would still assume the one before it). */
  private stateNow(): AppState<Connection>['kind'] {
    return this._state.kind;
  }

  private stoppedWhileStarting(): PoolError {
    return new PoolError('stopped', this.name, `app "${this.name}" was stopped while starting`);
  }

  private recordFailure(message: string): void {
    this.errors++;
    this.lastError = message;
    this.crashLoop.failed();
  }

  private onDeath(conn: Connection, exit: ExitInfo): void {
    const s = this._state;
    if (currentConnection(s) !== conn) return;
    this.authUrl = undefined;
    this.exit = exit;
    this.startFailed = false;
    const tail = conn.stderrTail(10);
    const uptime = Date.now() - (this.createdAt ?? Date.now());
    if (this.okSinceStart || uptime >= this.host.settings.stableAfterMs) this.crashLoop.succeeded();
    const last = tail.length ? `: ${tail[tail.length - 1]}` : '';
    // A connection that ended itself because the server flooded it: its link was ended for that
    // reason, which is what the app says (and a crash-loop failure: a restart that floods again waits).
    const violation = conn.violation;
    this.recordFailure(violation ? `app "${this.name}" ${violation}` : `crashed (${describeExit(exit)})${last}`);
    // A call may already have seen the dead connection and started a replacement: that start goes on.
    if (s.kind === 'waiting' || s.kind === 'starting') this.setState({ ...s, dead: undefined });
    else this.setState({ kind: 'stopped', crashed: true });
    if (violation) this.host.events.fire({ type: 'stopped', app: this.name, reason: 'flooding', detail: violation });
    else this.host.events.fire({ type: 'crashed', app: this.name, exit, stderrTail: tail });
  }

  /**
   * Ends the live connection outside a stop: a hung server (at once, the app is then 'crashed') or
   * a proxy that could not forward a request or was found unreachable by the liveness check
   * mid-call (gracefully; the next call starts a fresh one). stop() and shutdown wait for it. A
   * call made meanwhile may have started a fresh connection: that one keeps its state.
   */
  private async endConnection(conn: Connection, reason: 'hung' | 'unreachable'): Promise<void> {
    const s = this._state;
    if (s.kind !== 'running' || s.conn !== conn) return;
    const hung = reason === 'hung';
    this.setState({ kind: 'ending', hung });
    const ending = conn.stop({ force: hung });
    this.ending = ending;
    await ending;
    if (this.ending === ending) this.ending = undefined;
    if (this._state.kind === 'ending') this.setState({ kind: 'stopped', crashed: hung });
    this.host.events.fire({ type: 'stopped', app: this.name, reason });
  }

  /** Stops the app for good, after its definition changed or was removed from the pool. */
  retire(reason: 'config' | 'removed'): Promise<void> {
    this.retired = true;
    return this.stop(reason);
  }

  /** Ends the app's link (if any), or a start under way. In-flight requests fail with a clear error. */
  stop(reason: StopReason): Promise<void> {
    const s = this._state;
    if (s.kind === 'stopping') return s.done;
    if (s.kind === 'ending' || (s.kind === 'stopped' && !s.dead)) {
      if (reason === 'user' || reason === 'restart') {
        // the user has seen the failed start: stopped, no longer an error in the status bar
        if (s.kind === 'stopped' && s.failed) {
          this.startFailed = false;
          this.setState(STOPPED);
        }
        this.resetFailures();
      }
      return this.ending ?? Promise.resolve();
    }
    const conn = currentConnection(s);
    const starting = s.kind === 'starting' ? s.conn : undefined;
    const start = s.kind === 'waiting' || s.kind === 'starting' ? s.start : undefined;
    const done = Promise.resolve().then(async () => {
      // a start in flight is ended now (not after its timeout) and discards its link
      await Promise.all([conn?.stop(), starting?.stop(), this.ending]);
      await start?.catch(() => undefined);
      if (reason === 'user' || reason === 'restart') this.resetFailures();
      // the link is gone: its slot is free before anyone hears 'stopped'
      this.setState(STOPPED);
      this.host.events.fire({ type: 'stopped', app: this.name, reason });
    });
    this.authUrl = undefined;
    this.setState({ kind: 'stopping', done, holdsSlot: holdsSlot(s) });
    if (s.kind === 'waiting') s.cancel.abort(); // a start still waiting in line gives up its place at once
    return done;
  }

  private resetFailures(): void {
    this.crashLoop.reset();
    this.host.changed(this);
  }

  // ---- requests: one route for all ---------------------------------------------------------

  /**
   * One request to the app's server, whatever it asks (tools, resources, prompts, completions,
   * logging): on the live connection, started if needed. Retried once on a fresh connection when
   * it provably never reached the server (the link was gone before it was sent), and, if
   * `idempotent` (listings, reads), when the connection died under it. Never retried for an
   * observer (a view refreshing): that would start a replacement, and the crash would not show.
   * What it counts as for the app: RequestOptions.use.
   */
  async request<T>(what: string, op: (session: McpSession) => Promise<T>, o: RequestOptions): Promise<Sent<T>> {
    if (o.use === 'look') return this.send(what, op, o);
    const call = o.use === 'call';
    this.active++;
    if (call) {
      this.callsActive++;
      this.calls++;
    }
    this._lastUsedAt = Date.now();
    this.refreshBusy();
    try {
      const sent = await this.send(what, op, o);
      if (call) {
        this.okSinceStart = true;
        this.crashLoop.succeeded();
      }
      return sent;
    } catch (e) {
      if (!call) throw e;
      const err = e instanceof PoolError ? e : new PoolError('protocol', this.name, (e as Error).message);
      // A user's cancel is no error of the app; a backoff refusal quotes lastError (recording it
      // would nest the message in itself).
      if (err.code !== 'cancelled') this.errors++;
      if (err.code !== 'backoff' && err.code !== 'cancelled') this.lastError = err.message;
      throw err;
    } finally {
      this.active--;
      if (call) this.callsActive--;
      this._lastUsedAt = Date.now();
      this.refreshBusy();
    }
  }

  private async send<T>(what: string, op: (session: McpSession) => Promise<T>, o: RequestOptions): Promise<Sent<T>> {
    let cold = false;
    for (let attempt = 0; ; attempt++) {
      if (o.signal?.aborted) throw new PoolError('cancelled', this.name, `${what} was cancelled`);
      // A cancel while the app is still starting (up to minutes during a sign-in) ends this request
      // at once; the start goes on for whoever else waits for it.
      const acquired =
        this.acquireLive(o.token, o.observe === true) ??
        (await untilAborted(
          this.acquireSlow(o.token, o.observe === true),
          o.signal,
          () => new PoolError('cancelled', this.name, `${what} was cancelled while "${this.name}" was starting`),
        ));
      cold ||= acquired.cold;
      this.refreshBusy();
      const conn = acquired.connection;
      try {
        return { value: await op(conn.session), conn, cold };
      } catch (e) {
        if (attempt === 0 && !o.observe && (isNotSent(e) || (o.idempotent && conn.isDead))) {
          conn.markDead(); // gone even if its end is not reported yet: the retry must not pick it again
          continue;
        }
        throw await this.describeFailure(e, conn, what, o.timeoutMs, o.signal);
      }
    }
  }

  async listTools(token?: object, observe = false): Promise<ToolInfo[]> {
    const { value: tools } = await this.request('listing tools', (s) => s.listTools(), {
      use: 'look',
      idempotent: true,
      token,
      observe,
      timeoutMs: this.host.settings.callTimeoutMs,
    });
    this.toolCount = tools.length;
    this.host.changed(this);
    return tools;
  }

  async callTool(tool: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<CallOutcome> {
    const t0 = Date.now();
    const timeoutMs = opts.timeoutMs ?? this.host.settings.callTimeoutMs;
    // A tool call is never idempotent: retried only if it provably never reached the server.
    const {
      value: result,
      conn,
      cold,
    } = await this.request(`call to "${tool}"`, (s) => s.callTool(tool, args, timeoutMs, opts), {
      use: 'call',
      idempotent: false,
      signal: opts.signal,
      timeoutMs,
    });
    return { result, durationMs: Date.now() - t0, coldStart: cold, pid: conn.pid };
  }

  private describeFailure(e: unknown, conn: Connection, what: string, timeoutMs: number, signal?: AbortSignal): Promise<PoolError> {
    const s = this._state;
    return describeCallFailure(
      e,
      conn,
      what,
      timeoutMs,
      {
        app: this.name,
        redact: (text) => this.host.redactor.redact(text),
        stopped: s.kind === 'stopping' || s.kind === 'ending' || (s.kind === 'stopped' && !s.crashed),
        onTimeout: () => void this.checkHung(conn, what, timeoutMs),
        onUnforwarded: () => void this.endConnection(conn, 'unreachable'),
      },
      signal,
    );
  }

  /** After a call timeout: a server that also ignores a ping is hung, and its link is ended. */
  private async checkHung(conn: Connection, what: string, timeoutMs: number): Promise<void> {
    if (conn !== this.liveConnection) return;
    if (await conn.session.ping(this.host.settings.pingTimeoutMs)) return;
    // a ping that failed because the link went down is a crash (onDeath reports it), not a hang
    if (conn !== this.liveConnection) return;
    const ended = conn.pid === undefined ? 'its connection closed' : 'process tree killed';
    this.lastError = `hung: no answer to ${what} within ${formatSeconds(timeoutMs)}, nor to a ping; ${ended}`;
    this.errors++;
    // It already ignored a call and a ping: no graceful steps (stdin close, SIGTERM), SIGKILL now.
    await this.endConnection(conn, 'hung');
  }

  /** The host's roots changed: a running server is told. */
  rootsChanged(): void {
    this.liveConnection?.session.rootsChanged();
  }

  /** idle ⇄ busy as requests come and go; no event when the status stays the same (hot path). */
  private refreshBusy(): void {
    const s = this._state;
    if (s.kind !== 'running') return;
    const busy = this.active > 0;
    if (busy !== s.busy) this.setState({ kind: 'running', conn: s.conn, busy });
  }
}
