// One live connection to a server: a link (a process tree, or a direct HTTP session: link.ts)
// carrying an MCP session (mcpSession.ts). A Connection is used once: started, used, then stopped
// (or found dead); the app makes a new one to restart. It owns the start (handshake deadline,
// stretched once for a sign-in) and the death of the pair; the two halves know nothing of each
// other. Requests go to `session` directly: the connection only says whether it is still alive.
import { type PriorDiscovery, type ResponseCacheStore, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientHooks } from './clientHooks';
import type { EraMemory, EraVerdict } from './eraMemory';
import type { LivenessOptions } from './liveness';
import { serverWords } from './mcpErrors';
import { McpSession, type Negotiation, type NegotiatedEra, type ServerNotice } from './mcpSession';
import { describeExit, formatSeconds, type Link, StartError } from '../link';
import type { ExitInfo } from '../types';

export { describeExit, formatSeconds, StartError } from '../link';

export interface ConnectionOptions {
  readonly startTimeoutMs: number;
  /** How long a start may wait for the user once mcp-remote asks for authorization. */
  readonly authTimeoutMs: number;
  readonly clientInfo: { name: string; version: string };
  /** The app, named in every hook call; the host's answers to what servers ask (clientHooks.ts), and how long each may take. */
  readonly app: string;
  readonly hooks?: ClientHooks;
  readonly hookTimeoutMs: number;
  /** Makes the link (links.ts); `onAuthUrl` is for the link to call when the user is asked to sign in. */
  readonly link: (onAuthUrl: (url: string) => void) => Link;
  /** The user is asked to sign in (the first prompt of a start stretches its deadline, once). */
  readonly onAuthUrl?: (url: string) => void;
  readonly onToolsChanged: () => void;
  /** Resource and prompt list changes, resource updates, log messages (mcpSession.ts). */
  readonly onNotice: (notice: ServerNotice) => void;
  /** Protocol-level problems (garbage on stdout, unknown responses): not fatal, a note. */
  readonly onProtocolError: (message: string) => void;
  /** Called once when the link ends without stop() having been asked. */
  readonly onDeath: (exit: ExitInfo) => void;
  /** Pings while tool calls are in flight (liveness.ts). */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
  /**
   * How the protocol era is found (mcpSession.ts): 'auto' (server/discover, then initialize for a
   * legacy server) with the verdicts remembered under `era.key`; 'legacy' for a link that bridges
   * the eras itself (mcp-remote), or an app whose args say so; `{ pin }` for one pinned to a modern
   * revision. Only 'auto' reads and writes the era memory.
   */
  readonly negotiation: Negotiation;
  /** The revisions initialize may offer and accept (a pinned 2025 revision). */
  readonly protocolVersions?: readonly string[];
  /** The app chose its era itself (its `--protocol`): said with a handshake that failed for it, e.g. `the app's "args" hold "--protocol legacy": the pool spoke only the 2025 era`. */
  readonly pinned?: string;
  readonly era?: { readonly memory: EraMemory; readonly key: string };
  /** How long the era probe may go unanswered (a silent stdio server is a legacy one). */
  readonly probeTimeoutMs: number;
  /** How liveness asks (mcpSession.ts `probe`): 'discover' for a link whose other end answers ping itself. */
  readonly probe?: 'era' | 'discover';
  /** The app's response cache (modern cache hints), kept across its connections (mcpSession.ts). */
  readonly responseCache?: ResponseCacheStore;
}

/** UnsupportedProtocolVersion: the server refuses the era it was addressed in. */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export class Connection {
  private link: Link;
  private _session: McpSession;
  /** The verdict this connection started from (undefined: it probed). */
  private startedFrom?: EraVerdict;
  private stopping?: Promise<void>;
  private dead = false;
  private authDeadlineExtended = false;
  private extendDeadline?: (ms: number) => void;
  private _eraProblem?: string;

  constructor(private readonly opts: ConnectionOptions) {
    this.link = this.makeLink();
    this._session = this.makeSession();
  }

  /** The MCP session: every request of the app goes to it (pooledApp.ts `request`). */
  get session(): McpSession {
    return this._session;
  }

  /** The protocol era and revision the connection speaks (undefined before the handshake). */
  get era(): NegotiatedEra | undefined {
    return this._session.era;
  }

  private makeLink(): Link {
    const opts = this.opts;
    return opts.link((url) => {
      if (!this.authDeadlineExtended) {
        this.authDeadlineExtended = true;
        this.extendDeadline?.(opts.authTimeoutMs);
      }
      opts.onAuthUrl?.(url);
    });
  }

  /** The MCP session; `probeTimeoutMs`: a longer era probe than the settings say (a retry, see start()). */
  private makeSession(probeTimeoutMs = this.opts.probeTimeoutMs): McpSession {
    const opts = this.opts;
    return new McpSession({
      app: opts.app,
      clientInfo: opts.clientInfo,
      hooks: opts.hooks,
      hookTimeoutMs: opts.hookTimeoutMs,
      onToolsChanged: opts.onToolsChanged,
      onNotice: opts.onNotice,
      onProtocolError: opts.onProtocolError,
      liveness: opts.liveness,
      negotiation: opts.negotiation,
      protocolVersions: opts.protocolVersions,
      probeTimeoutMs,
      onEraRefused: (e) => this.eraRefused(e),
      responseCache: opts.responseCache,
      probe: opts.probe,
    });
  }

  /** The process tree's root, for a process link; undefined for a direct one. */
  get pid(): number | undefined {
    return this.link.pid;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Why the connection ended itself: the server sent more than it may (the link's `violation`). */
  get violation(): string | undefined {
    return this.link.violation;
  }

  /** Why the link went down (a process's exit), waiting up to `ms` for it; undefined if it is still up. */
  waitExit(ms: number): Promise<ExitInfo | undefined> {
    return this.link.waitExit(ms);
  }

  stderrTail(n?: number): string[] {
    return this.link.stderrTail(n);
  }

  /**
   * Opens the link and completes the MCP handshake, or ends the link and throws. The era: a
   * remembered verdict is used as it is (no probe; eraMemory.ts); without one the session probes
   * and the verdict is remembered. A verdict the server refuses (a legacy one, for a server that
   * became modern-only) is forgotten and the start tried once more on a fresh link, probing; so is
   * a probe that ended the server (servers that exit on any request before initialize: legacy).
   */
  async start(): Promise<void> {
    const era = this.opts.negotiation === 'auto' ? this.opts.era : undefined;
    const remembered = era?.memory.get(era.key);
    try {
      await this.attempt(remembered);
    } catch (e) {
      const retry = era && this.retryVerdict(e, remembered);
      // (a stop during the start ended it: nothing is tried again)
      if (!retry || !era || this.stopping) throw e;
      if (retry === 'probe') era.memory.forget(era.key);
      else if (retry === 'legacy') era.memory.remember(era.key, { kind: 'legacy' });
      this.opts.onProtocolError(
        retry === 'probe'
          ? `the server refused the protocol era remembered for it (${remembered?.kind}); probing it again`
          : retry === 'legacy'
            ? 'the server ended the connection on the era probe (server/discover): it is treated as a legacy (2025) server'
            : `the server did not answer the era probe (server/discover) within ${formatSeconds(this.opts.probeTimeoutMs)}, then refused the 2025 revision: it speaks 2026-07-28 but was slow to start; probing again, waiting up to the start timeout`,
      );
      this.dead = false;
      this.link = this.makeLink();
      this._session = this.makeSession(retry === 'slow-probe' ? this.opts.startTimeoutMs : undefined);
      await this.attempt(era.memory.get(era.key));
    }
    const now = this._session.era;
    if (era && now) era.memory.remember(era.key, now.kind === 'modern' ? { kind: 'modern', discover: now.discover } : { kind: 'legacy' });
  }

  /** Whether a failed start is worth one more (and how): see start(). */
  private retryVerdict(e: unknown, remembered: EraVerdict | undefined): 'probe' | 'legacy' | 'slow-probe' | undefined {
    const cause = e instanceof StartError ? e.cause : e;
    const refused = cause instanceof McpError && cause.code === UNSUPPORTED_PROTOCOL_VERSION;
    if (remembered) return refused ? 'probe' : undefined;
    // probed, found silent (legacy), then initialize was refused: a modern server that took longer than the probe to start
    if (refused) return 'slow-probe';
    // the SDK's typed verdict for a connection that closed while it probed in place
    // (the process exited while the SDK probed in place: its typed verdict, with the exit)
    if (cause instanceof SdkError && cause.code === SdkErrorCode.EraNegotiationFailed && e instanceof StartError && e.exit) return 'legacy';
    return undefined;
  }

  /** Why this connection ended for its era (a request refused in it, or answered in another), in words for the call that met it. */
  get eraProblem(): string | undefined {
    return this._eraProblem;
  }

  /** A request on a connection started from a modern verdict was refused for its era: the verdict goes, and so does this connection. */
  private eraRefused(e: McpError): void {
    const era = this.opts.era;
    if (!era || this.startedFrom?.kind !== 'modern') return;
    this._eraProblem ??= `${serverWords(e)} — the pool had remembered this server as a 2026-07-28 (modern) one; it forgot that, and the next request starts a fresh connection that probes the era again`;
    era.memory.forget(era.key);
    this.opts.onProtocolError(`the server refused the modern protocol era remembered for it (${e.message}); the next start probes its era again`);
    this.markDead();
  }

  private async attempt(verdict: EraVerdict | undefined): Promise<void> {
    this.startedFrom = verdict;
    const prior: PriorDiscovery | undefined = verdict
      ? verdict.kind === 'modern'
        ? { kind: 'modern', discover: verdict.discover }
        : { kind: 'legacy' }
      : undefined;
    const { transport, failed } = this.link.open();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const arm = (ms: number) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => reject(new StartError(`server did not complete the MCP handshake within ${formatSeconds(ms)}`, this.link.stderrTail())), ms);
      };
      this.extendDeadline = arm;
      arm(this.opts.startTimeoutMs);
    });
    timeout.catch(() => undefined);
    try {
      await Promise.race([this._session.connect(transport, prior), failed, timeout]);
    } catch (e) {
      if (e instanceof StartError) {
        await this.kill();
        throw e;
      }
      // A server that flooded the handshake: that is the reason (it would not exit on its own).
      if (this.link.violation) {
        await this.kill();
        throw new StartError(`the server ${this.link.violation}`, this.link.stderrTail());
      }
      // The handshake failed because the link went down (a process exited)? Then that is the real reason.
      const exit = await this.link.waitExit(500);
      await this.kill();
      if (exit) throw new StartError(`server exited during start (${describeExit(exit)})`, this.link.stderrTail(), exit, e);
      throw new StartError(`MCP handshake failed: ${describeHandshakeFailure(e, this.opts.pinned)}`, this.link.stderrTail(), undefined, e);
    } finally {
      if (timer) clearTimeout(timer);
      this.extendDeadline = undefined;
    }
    // From here on, a closed transport or a dead link is a death unless stop() asked for it.
    const onclose = transport.onclose;
    transport.onclose = () => {
      onclose?.();
      this.markDead();
    };
    this.link.established(() => this.markDead());
  }

  /**
   * The connection cannot be used any more (its link went down, or a message could not be sent
   * on it): the link is ended unless a stop is under way, and onDeath reports it.
   */
  markDead(): void {
    if (this.dead) return;
    this.dead = true;
    this._session.quiet();
    if (this.stopping) return;
    void this.link.endBroken().then((exit) => this.opts.onDeath(exit));
  }

  /**
   * Graceful stop: the session closes, then the link ends (a process tree: stdin close → wait →
   * SIGTERM → wait → SIGKILL; a direct session: HTTP DELETE, bounded). `force`: at once. Resolves
   * once nothing of it is left.
   */
  stop(opts: { force?: boolean } = {}): Promise<void> {
    this._session.quiet();
    if (!this.stopping) {
      this.dead = true;
      this.stopping = this.link.close(() => this._session.close(), opts.force === true);
    }
    return this.stopping;
  }

  private async kill(): Promise<void> {
    this.dead = true;
    await this.link.close(() => this._session.close(), true);
  }
}

/** A handshake's failure in words that name the era when it is the era that failed (item 6 of issue 21). */
function describeHandshakeFailure(e: unknown, pinned?: string): string {
  const message = (e as Error)?.message ?? String(e);
  // the app chose the era itself: the server not speaking it is the reason, and the advice is the app's args
  if (pinned && eraFailure(e, message))
    return `${message} — ${pinned}; remove "--protocol" from the app's "args" (or use "--protocol auto") to reach the server in the era it speaks`;
  if (e instanceof McpError && e.code === UNSUPPORTED_PROTOCOL_VERSION)
    return `${message} — the server does not speak the protocol revision the pool offered it (2025 revisions through initialize, 2026-07-28 through server/discover); update the server or the extension`;
  if (e instanceof SdkError && e.code === SdkErrorCode.EraNegotiationFailed) {
    // the probe never got an answer (nothing listening, a TLS or network error): that, not the era
    const probe = /^Version negotiation probe failed: ([\s\S]+)$/.exec(message);
    if (probe) return probe[1];
    return `${message} — the pool and the server share no protocol revision (the pool speaks 2024-11-05 … 2025-11-25 and 2026-07-28)`;
  }
  return message;
}

/** Whether a handshake failed for its era: refused (-32022), no shared revision, or a revision the client does not accept. */
function eraFailure(e: unknown, message: string): boolean {
  if (e instanceof McpError && e.code === UNSUPPORTED_PROTOCOL_VERSION) return true;
  if (e instanceof SdkError && e.code === SdkErrorCode.EraNegotiationFailed) return !/^Version negotiation probe failed: /.test(message);
  // (over HTTP the refusal may come as the status line: "HTTP 400 …: Unsupported protocol version: 2025-11-25")
  return /protocol version is not supported|unsupported protocol version/i.test(message);
}
