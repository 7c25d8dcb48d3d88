// One live connection to a server: a link (a process tree, or a direct HTTP session: link.ts)
// carrying an MCP session (mcpSession.ts). A Connection is used once: started, used, then stopped
// (or found dead); the app makes a new one to restart. It owns the start (handshake deadline,
// stretched once for a sign-in) and the death of the pair; the two halves know nothing of each
// other. Requests go to `session` directly: the connection only says whether it is still alive.
import type { ClientHooks } from './clientHooks';
import type { LivenessOptions } from './liveness';
import { McpSession, type ServerNotice } from './mcpSession';
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
}

export class Connection {
  private readonly link: Link;
  /** The MCP session: every request of the app goes to it (pooledApp.ts `request`). */
  readonly session: McpSession;
  private stopping?: Promise<void>;
  private dead = false;
  private authDeadlineExtended = false;
  private extendDeadline?: (ms: number) => void;

  constructor(private readonly opts: ConnectionOptions) {
    this.link = opts.link((url) => {
      if (!this.authDeadlineExtended) {
        this.authDeadlineExtended = true;
        this.extendDeadline?.(opts.authTimeoutMs);
      }
      opts.onAuthUrl?.(url);
    });
    this.session = new McpSession({
      app: opts.app,
      clientInfo: opts.clientInfo,
      hooks: opts.hooks,
      hookTimeoutMs: opts.hookTimeoutMs,
      onToolsChanged: opts.onToolsChanged,
      onNotice: opts.onNotice,
      onProtocolError: opts.onProtocolError,
      liveness: opts.liveness,
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

  /** Opens the link and completes the MCP handshake, or ends the link and throws. */
  async start(): Promise<void> {
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
      await Promise.race([this.session.connect(transport), failed, timeout]);
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
      if (exit) throw new StartError(`server exited during start (${describeExit(exit)})`, this.link.stderrTail(), exit);
      throw new StartError(`MCP handshake failed: ${(e as Error).message}`, this.link.stderrTail());
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
    this.session.quiet();
    if (this.stopping) return;
    void this.link.endBroken().then((exit) => this.opts.onDeath(exit));
  }

  /**
   * Graceful stop: the session closes, then the link ends (a process tree: stdin close → wait →
   * SIGTERM → wait → SIGKILL; a direct session: HTTP DELETE, bounded). `force`: at once. Resolves
   * once nothing of it is left.
   */
  stop(opts: { force?: boolean } = {}): Promise<void> {
    this.session.quiet();
    if (!this.stopping) {
      this.dead = true;
      this.stopping = this.link.close(() => this.session.close(), opts.force === true);
    }
    return this.stopping;
  }

  private async kill(): Promise<void> {
    this.dead = true;
    await this.link.close(() => this.session.close(), true);
  }
}
