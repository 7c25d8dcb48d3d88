// One pooled app: its definition, its current connection (if any), its state and its stats.
// Starts are single-flight; deaths are noticed at once; repeated failures back off.
import { untilAborted } from '../../common/abort';
import type { Emitter } from '../../common/emitter';
import { AppFeatures } from './appFeatures';
import { describeCallFailure } from './callFailure';
import type { ClientHooks } from '../session/clientHooks';
import type { ExternalRedirect } from '../direct/directAuth';
import { CrashLoopGuard } from './crashLoopGuard';
import { isNotSent } from '../link';
import { StartLedger } from './startLedger';
import { Connection, describeExit, formatSeconds, type StartError } from '../session/connection';
import { ProcessLink } from '../process/processLink';
import { HttpLink } from '../direct/httpLink';
import { type FetchLike, strategyOf } from '../direct/directTransport';
import type { SignIns } from '../direct/signIn';
import type { Link } from '../link';
import { PoolError } from '../errors';
import { describeTarget, launchCommand, type McpRemoteLauncher, preflight } from '../process/launch';
import type { Reaper } from '../process/watchdog';
import type { Redactor } from '../redact';
import type { PoolSettings } from '../settings';
import type { AppSnapshot, AppSpec, LaunchCommand, RemoteAppSpec, AppStatus, CallOptions, CallOutcome, ExitInfo, PoolEvent, StopReason, ToolInfo } from '../types';

export interface AppHost {
  readonly settings: PoolSettings;
  readonly launcher: McpRemoteLauncher;
  /** The fetch of direct remote apps (the editor's, with its proxy settings). */
  readonly fetch: FetchLike;
  /** Direct apps' OAuth sign-ins. */
  readonly signIns: SignIns;
  /** The sign-in redirect as the user's browser reaches it (directAuth.ts). */
  readonly externalRedirect?: ExternalRedirect;
  readonly redactor: Redactor;
  readonly events: Emitter<PoolEvent>;
  readonly reaper?: Reaper;
  /** The host's answers to what servers ask (roots, elicitation, sampling). */
  readonly clientHooks?: ClientHooks;
  /**
   * Waits (in line, first come first served) for room in the pool before a new process starts;
   * may evict idle apps. Rejects at once when `signal` aborts (the app was stopped meanwhile).
   */
  reserveSlot(app: PooledApp, signal: AbortSignal): Promise<void>;
  /** Called whenever the app's state changes. */
  changed(app: PooledApp): void;
}

export interface RequestOptions {
  /** Safe to send twice (a listing, a read): retried once on a connection that died under it. */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The caller across an interactive invocation (startLedger.ts). */
  readonly token?: object;
  /** A view refreshing what it shows: no use of the app, never retried. */
  readonly observe?: boolean;
}

export class PooledApp {
  private connection?: Connection;
  private starting?: Promise<Connection>;
  private stopping?: Promise<void>;
  /** The connection being started, so a stop can end it instead of waiting for its timeout. */
  private startingConn?: Connection;
  /** Aborts a start that is still waiting in line for a slot (a stop must not wait for it). */
  private slotWait?: AbortController;
  /** A start that was given a slot and has not finished yet. */
  private slotGranted = false;
  /** The stop in progress is ending a process (not just a start that waited in line). */
  private stoppingProcess = false;
  private readonly ledger = new StartLedger();
  /** A connection being ended outside a stop (endConnection): stop() and shutdown wait for it too. */
  private ending?: Promise<void>;
  /** Replaced or removed by a configuration change: never starts a process again. */
  private retired = false;
  private status: AppStatus = 'stopped';
  private createdAt?: number;
  private _lastUsedAt?: number;
  private inFlight = 0;
  /** Of those, tool calls (what a server's own requests to the client usually belong to). */
  private callsInFlight = 0;
  private calls = 0;
  private errors = 0;
  private starts = 0;
  private lastError?: string;
  private exit?: ExitInfo;
  private readonly crashLoop = new CrashLoopGuard(() => this.host.settings);
  private authUrl?: string;
  private okSinceStart = false;
  private toolCount?: number;
  /** Resources, prompts, completions, logging (appFeatures.ts). */
  readonly features: AppFeatures;

  constructor(
    readonly spec: AppSpec,
    private readonly host: AppHost,
  ) {
    for (const v of Object.values(spec.kind === 'remote' ? spec.headers : {})) host.redactor.addSecret(v);
    for (const v of Object.values(spec.env)) if (v.length >= 12) host.redactor.addSecret(v);
    this.features = new AppFeatures(this, host);
  }

  get name(): string {
    return this.spec.name;
  }

  get lastUsedAt(): number {
    return this._lastUsedAt ?? this.createdAt ?? 0;
  }

  /**
   * Counts towards the pool's size: a process is running, being started (after its slot was
   * granted), or still being stopped. A start that is only waiting in line holds nothing.
   */
  get holdsSlot(): boolean {
    return this.connection !== undefined || this.slotGranted || (this.stopping !== undefined && this.stoppingProcess);
  }

  /** Called by the pool in the same tick it decides this start may go, so no other start sees the slot as free. */
  grantSlot(): void {
    this.slotGranted = true;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Why this app holds its slot, for the pool-full message. */
  get slotUse(): string {
    if (this.stopping) return 'stopping';
    if (this.slotGranted && !this.connection) return 'starting';
    return this.inFlight > 0 ? `busy (${this.inFlight} call${this.inFlight === 1 ? '' : 's'})` : 'idle';
  }

  get isIdle(): boolean {
    return this.status === 'idle' && this.inFlight === 0 && this.starting === undefined;
  }

  get idleTimeoutMs(): number {
    return this.spec.idleTimeoutMs ?? this.host.settings.idleTimeoutMs;
  }

  private masked?: { readonly version: number; readonly text: string };

  /** The target for display, masked (once per set of known secrets: snapshots are taken on every state change). */
  private maskedTarget(): string {
    const r = this.host.redactor;
    if (this.masked?.version !== r.version) this.masked = { version: r.version, text: r.redact(describeTarget(this.spec)) };
    return this.masked.text;
  }

  /** How the app is reached (AppSnapshot.transport). */
  get transport(): AppSnapshot['transport'] {
    return this.spec.kind === 'stdio' ? 'stdio' : (this.spec.transport ?? 'mcp-remote');
  }

  snapshot(): AppSnapshot {
    const server = this.connection?.server;
    return {
      name: this.name,
      kind: this.spec.kind,
      transport: this.transport,
      target: this.maskedTarget(),
      status: this.status,
      createdAt: this.createdAt,
      lastUsedAt: this._lastUsedAt,
      pid: this.connection?.pid,
      inFlight: this.inFlight,
      callsInFlight: this.callsInFlight,
      calls: this.calls,
      errors: this.errors,
      starts: this.starts,
      lastError: this.lastError,
      exit: this.exit,
      serverName: server?.name,
      serverVersion: server?.version,
      toolCount: this.toolCount,
      ...this.features.snapshot(),
      backoffUntil: this.crashLoop.backoffUntil(),
      consecutiveFailures: this.crashLoop.consecutiveFailures,
      authUrl: this.authUrl,
      stderrTail: this.connection?.stderrTail(20) ?? [], // redacted as each line arrived
    };
  }

  /**
   * The live connection, started if needed (concurrent callers share one start). `token`
   * identifies a caller across several operations (an interactive invocation): the pool then
   * knows whether that caller waited for a start, and whether it alone has used what it started.
   */
  async acquire(token?: object, observe = false): Promise<{ connection: Connection; cold: boolean }> {
    this.ledger.noteUse(token, observe, this.connection !== undefined);
    if (this.stopping) await this.stopping;
    // a process started now would belong to no app of the pool: nothing would ever stop it
    if (this.retired) throw new PoolError('stopped', this.name, `app "${this.name}" was stopped: its definition changed or was removed`);
    if (this.connection && !this.connection.isDead) return { connection: this.connection, cold: false };
    if (!this.starting) {
      this.ledger.noteStart(token);
      const start = this.start();
      this.starting = start;
      const clear = () => {
        if (this.starting === start) this.starting = undefined;
      };
      start.then(clear, clear);
    }
    this.ledger.noteWait(token);
    return { connection: await this.starting, cold: true };
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
    if (!this.ledger.ownsUnused(token) || this.inFlight > 0) return false;
    if (this.status !== 'idle' && this.status !== 'starting') return false;
    await this.stop('unused');
    return true;
  }

  private async start(): Promise<Connection> {
    const now = Date.now();
    const heldBack = this.crashLoop.heldBack(this.name, this.lastError, now);
    if (heldBack) throw heldBack;
    const direct = this.transport === 'direct';
    const launch = direct ? undefined : launchCommand(this.spec, this.host.launcher);
    try {
      if (launch) preflight(this.name, launch, this.spec.kind === 'remote' ? 'launcher' : 'command');
    } catch (e) {
      this.recordFailure((e as Error).message);
      throw new PoolError('start-failed', this.name, (e as Error).message);
    }
    this.setStatus('starting');
    const wait = new AbortController();
    this.slotWait = wait;
    try {
      await this.host.reserveSlot(this, wait.signal);
    } catch (e) {
      if (!this.stopping) this.setStatus(this.exit ? 'crashed' : 'stopped');
      throw e;
    } finally {
      this.slotWait = undefined;
    }
    try {
      return await this.startGranted(launch, Date.now());
    } finally {
      this.slotGranted = false;
      this.host.changed(this);
    }
  }

  /** What carries the app's session: its process (stdio, or mcp-remote), or a direct HTTP connection. */
  private makeLink(launch: LaunchCommand | undefined, onAuthUrl: (url: string) => void): Link {
    const s = this.host.settings;
    const onLog = (line: string) => this.host.events.fire({ type: 'stderr', app: this.name, line });
    const redact = (line: string) => this.host.redactor.redact(line);
    if (!launch) {
      const spec = this.spec as RemoteAppSpec;
      return new HttpLink({
        url: spec.url,
        headers: spec.headers,
        fetch: this.host.fetch,
        // mcp-remote's --transport, when the app has it (imported definitions do), means the same here
        strategy: strategyOf(spec.args),
        signIn: { app: this.name, signIns: this.host.signIns, clientName: `${s.clientInfo.name} (${this.name})`, externalRedirect: this.host.externalRedirect },
        onAuthUrl,
        logLines: s.stderrLines,
        maxMessageBytes: s.maxMessageBytes,
        stopGraceMs: s.stopGraceMs,
        onLog,
        redact,
      });
    }
    return new ProcessLink({
      launch,
      stderrLines: s.stderrLines,
      maxMessageBytes: s.maxMessageBytes,
      stopGraceMs: s.stopGraceMs,
      onStderr: onLog,
      redact,
      // mcp-remote's sign-in prompt (a stdio server printing one is just printing)
      onAuthUrl: this.spec.kind === 'remote' ? onAuthUrl : undefined,
      reaper: this.host.reaper,
    });
  }

  private async startGranted(launch: LaunchCommand | undefined, t0: number): Promise<Connection> {
    const s = this.host.settings;
    const conn: Connection = new Connection({
      startTimeoutMs: s.startTimeoutMs,
      authTimeoutMs: s.authTimeoutMs,
      clientInfo: s.clientInfo,
      app: this.name, hooks: this.host.clientHooks, hookTimeoutMs: s.hookTimeoutMs,
      link: (onAuthUrl) => this.makeLink(launch, onAuthUrl),
      // the first prompt of each start
      onAuthUrl: (url) => {
        if (this.authUrl !== undefined) return;
        this.authUrl = url;
        this.host.events.fire({ type: 'authRequired', app: this.name, url });
        this.host.changed(this);
      },
      // Redacted like every stderr line: a stray response from a server can carry anything.
      onProtocolError: (message) => this.host.events.fire({ type: 'stderr', app: this.name, line: this.host.redactor.redact(`[pool] ${message}`) }),
      onToolsChanged: () => {
        this.toolCount = undefined;
        this.host.events.fire({ type: 'toolsChanged', app: this.name });
      },
      onNotice: (notice) => this.features.onNotice(notice),
      onDeath: (exit) => this.onDeath(conn, exit),
      // A remote app's pings go to the remote: two missed in a row mean it (or the proxy) hangs.
      // A stdio server may legitimately be too busy to answer (see liveness.ts).
      liveness: {
        timing: () => this.host.settings,
        missesToFail: this.spec.kind === 'remote' ? 2 : 0,
        onLost: () => void this.endConnection(conn, 'unreachable'),
      },
    });
    this.starts++;
    this.startingConn = conn;
    try {
      await conn.start();
    } catch (e) {
      if (this.stopping) {
        // ended by a stop (kill, restart, shutdown) while starting: not a failure of the server
        throw new PoolError('stopped', this.name, `app "${this.name}" was stopped while starting`);
      }
      const err = e as StartError;
      const reason = this.host.redactor.redact(err.message);
      if (err.exit) this.exit = err.exit;
      this.recordFailure(`start failed: ${reason}`);
      this.host.events.fire({ type: 'startFailed', app: this.name, error: reason, stderrTail: err.stderrTail ?? [] });
      this.setStatus(err.exit ? 'crashed' : 'stopped');
      throw new PoolError('start-failed', this.name, `app "${this.name}" could not start: ${reason}`, err.stderrTail ?? []);
    } finally {
      this.startingConn = undefined;
    }
    if (this.stopping || this.status !== 'starting') {
      // stopped (e.g. pool shutdown) while starting: don't keep what just started
      await conn.stop();
      throw new PoolError('stopped', this.name, `app "${this.name}" was stopped while starting`);
    }
    this.connection = conn;
    this.createdAt = Date.now();
    this._lastUsedAt = this.createdAt;
    this.exit = undefined;
    this.authUrl = undefined;
    this.okSinceStart = false;
    this.crashLoop.started();
    this.setStatus('idle');
    this.ledger.lastStartMs = Date.now() - t0;
    this.host.events.fire({ type: 'started', app: this.name, pid: conn.pid ?? -1, durationMs: this.ledger.lastStartMs });
    // the remembered subscriptions and log level, before the callers waiting for this start go on (appFeatures.ts)
    await this.features.restore(conn);
    // stopped meanwhile: the callers waiting hear it, as for a stop during the start (a death is theirs to find)
    if (this.stopping && this.connection !== conn) throw new PoolError('stopped', this.name, `app "${this.name}" was stopped while starting`);
    return conn;
  }

  private recordFailure(message: string): void {
    this.errors++;
    this.lastError = message;
    this.crashLoop.failed();
  }

  private onDeath(conn: Connection, exit: ExitInfo): void {
    if (this.connection !== conn) return;
    this.connection = undefined;
    this.authUrl = undefined;
    this.exit = exit;
    const tail = conn.stderrTail(10);
    const uptime = Date.now() - (this.createdAt ?? Date.now());
    if (this.okSinceStart || uptime >= this.host.settings.stableAfterMs) this.crashLoop.succeeded();
    const last = tail.length ? `: ${tail[tail.length - 1]}` : '';
    // A connection that ended itself because the server flooded it: its tree was killed for that
    // reason, which is what the app says (and a crash-loop failure: a restart that floods again waits).
    const violation = conn.violation;
    this.recordFailure(violation ? `app "${this.name}" ${violation}` : `crashed (${describeExit(exit)})${last}`);
    // A call may already have seen the dead connection and started a replacement: its status
    // ('starting') stays, or start() would take it for a stop and discard the new process.
    if (this.starting) this.host.changed(this);
    else this.setStatus('crashed');
    if (violation) this.host.events.fire({ type: 'stopped', app: this.name, reason: 'flooding', detail: violation });
    else this.host.events.fire({ type: 'crashed', app: this.name, exit, stderrTail: tail });
  }

  /**
   * One request on the live connection, started if needed. Retried once on a fresh connection
   * when it provably never reached the server (the process was gone before it was written), and,
   * if `idempotent` (listings, reads), when the connection died under it. Never retried for an
   * observer (a view refreshing): that would start a replacement, and the crash would not show.
   */
  private async request<T>(what: string, op: (conn: Connection) => Promise<T>, o: RequestOptions): Promise<{ value: T; conn: Connection; cold: boolean }> {
    let cold = false;
    for (let attempt = 0; ; attempt++) {
      if (o.signal?.aborted) throw new PoolError('cancelled', this.name, `${what} was cancelled`);
      // A cancel while the app is still starting (up to minutes during a sign-in) ends this request
      // at once; the start goes on for whoever else waits for it.
      const acquired = await untilAborted(this.acquire(o.token, o.observe), o.signal, () => new PoolError('cancelled', this.name, `${what} was cancelled while "${this.name}" was starting`));
      cold ||= acquired.cold;
      this.refreshBusy();
      const conn = acquired.connection;
      try {
        return { value: await op(conn), conn, cold };
      } catch (e) {
        if (attempt === 0 && !o.observe && (isNotSent(e) || (o.idempotent && conn.isDead))) {
          conn.markDead(); // gone even if its exit is not reported yet: the retry must not pick it again
          continue;
        }
        throw await this.wrapCallError(e, conn, what, o.timeoutMs, o.signal);
      }
    }
  }

  /** The live connection, if a process is running; never starts one. */
  get liveConnection(): Connection | undefined {
    return this.connection && !this.connection.isDead ? this.connection : undefined;
  }

  /**
   * One request for the features beyond tools (appFeatures.ts), through request() and its retry
   * rules. Unless observing, it is a use of the app: in flight while it runs (no idle eviction
   * meanwhile) and its last use.
   */
  async serve<T>(what: string, op: (conn: Connection) => Promise<T>, o: RequestOptions): Promise<T> {
    if (o.observe) return (await this.request(what, op, o)).value;
    this.inFlight++;
    this._lastUsedAt = Date.now();
    try {
      return (await this.request(what, op, o)).value;
    } finally {
      this.inFlight--;
      this._lastUsedAt = Date.now();
      this.refreshBusy();
    }
  }

  async listTools(token?: object, observe = false): Promise<ToolInfo[]> {
    const { value: tools } = await this.request('listing tools', (c) => c.listTools(), { idempotent: true, token, observe, timeoutMs: this.host.settings.callTimeoutMs });
    this.toolCount = tools.length;
    this.host.changed(this);
    return tools;
  }

  async callTool(tool: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<CallOutcome> {
    const t0 = Date.now();
    this.inFlight++;
    this.callsInFlight++;
    this._lastUsedAt = t0;
    this.calls++;
    this.refreshBusy();
    const timeoutMs = opts.timeoutMs ?? this.host.settings.callTimeoutMs;
    try {
      // A tool call is never idempotent: retried only if it provably never reached the server.
      const { value: result, conn, cold } = await this.request(`call to "${tool}"`, (c) => c.callTool(tool, args, timeoutMs, opts), { idempotent: false, signal: opts.signal, timeoutMs });
      this.okSinceStart = true;
      this.crashLoop.succeeded();
      return { result, durationMs: Date.now() - t0, coldStart: cold, pid: conn.pid };
    } catch (e) {
      const err = e instanceof PoolError ? e : new PoolError('protocol', this.name, (e as Error).message);
      // A user's cancel is no error of the app; a backoff refusal quotes lastError (recording it
      // would nest the message in itself).
      if (err.code !== 'cancelled') this.errors++;
      if (err.code !== 'backoff' && err.code !== 'cancelled') this.lastError = err.message;
      throw err;
    } finally {
      this.inFlight--;
      this.callsInFlight--;
      this._lastUsedAt = Date.now();
      this.refreshBusy();
    }
  }

  private wrapCallError(e: unknown, conn: Connection, what: string, timeoutMs: number, signal?: AbortSignal): Promise<PoolError> {
    return describeCallFailure(e, conn, what, timeoutMs, {
      app: this.name,
      redact: (text) => this.host.redactor.redact(text),
      stopped: !!this.stopping || this.status === 'stopping' || this.status === 'stopped',
      onTimeout: () => void this.checkHung(conn, what, timeoutMs),
      onUnforwarded: () => void this.endConnection(conn, 'unreachable'),
    }, signal);
  }

  /** After a call timeout: a server that also ignores a ping is hung, and its tree is replaced. */
  private async checkHung(conn: Connection, what: string, timeoutMs: number): Promise<void> {
    if (conn !== this.connection || conn.isDead) return;
    if (await conn.ping(this.host.settings.pingTimeoutMs)) return;
    // a ping that failed because the process died is a crash (onDeath reports it), not a hang
    if (conn !== this.connection || conn.isDead) return;
    this.lastError = `hung: no answer to ${what} within ${formatSeconds(timeoutMs)}, nor to a ping; process tree killed`;
    this.errors++;
    // It already ignored a call and a ping: no graceful steps (stdin close, SIGTERM), SIGKILL now.
    await this.endConnection(conn, 'hung');
  }

  /**
   * Ends the live connection outside a stop: a hung tree (SIGKILL at once, the app is then
   * 'crashed') or a proxy that could not forward a request or was found unreachable by the
   * liveness check mid-call (graceful; the next call starts a fresh one). stop() and shutdown
   * wait for it. A call made meanwhile may have started a fresh process: that one keeps its status.
   */
  private async endConnection(conn: Connection, reason: 'hung' | 'unreachable'): Promise<void> {
    if (conn !== this.connection || this.stopping) return;
    this.connection = undefined;
    this.setStatus('stopping');
    const ending = conn.stop({ force: reason === 'hung' });
    this.ending = ending;
    await ending;
    if (this.ending === ending) this.ending = undefined;
    if (!this.connection && !this.starting) this.setStatus(reason === 'hung' ? 'crashed' : 'stopped');
    this.host.events.fire({ type: 'stopped', app: this.name, reason });
  }

  /** The host's roots changed: a running server is told. */
  rootsChanged(): void {
    this.connection?.rootsChanged();
  }

  /** idle ⇄ busy as calls come and go; no event when the status stays the same (hot path). */
  private refreshBusy(): void {
    if (this.status !== 'idle' && this.status !== 'busy') return;
    const next = this.inFlight > 0 ? 'busy' : 'idle';
    if (next !== this.status) this.setStatus(next);
  }

  private setStatus(status: AppStatus): void {
    this.status = status;
    this.host.changed(this);
  }

  /** Stops the app for good, after its definition changed or was removed from the pool. */
  retire(reason: 'config' | 'removed'): Promise<void> {
    this.retired = true;
    return this.stop(reason);
  }

  /** Stops the process tree (if any). In-flight calls fail with a clear error. */
  stop(reason: StopReason): Promise<void> {
    if (this.stopping) return this.stopping;
    const conn = this.connection;
    if (!conn && !this.starting) {
      if (reason === 'user' || reason === 'restart') this.resetFailures();
      return this.ending ?? Promise.resolve();
    }
    this.stoppingProcess = conn !== undefined || this.slotGranted;
    this.stopping = (async () => {
      this.slotWait?.abort(); // a start still waiting in line gives up its place at once
      this.setStatus('stopping');
      this.connection = undefined;
      this.authUrl = undefined;
      // a start in flight is ended now (not after its timeout) and discards its process
      await Promise.all([conn?.stop(), this.startingConn?.stop(), this.ending]);
      await this.starting?.catch(() => undefined);
      if (reason === 'user' || reason === 'restart') this.resetFailures();
      this.stoppingProcess = false; // the process is gone: its slot is free before anyone hears 'stopped'
      this.setStatus('stopped');
      this.host.events.fire({ type: 'stopped', app: this.name, reason });
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private resetFailures(): void {
    this.crashLoop.reset();
    this.host.changed(this);
  }
}

