// One live server process and the MCP client speaking to it. A Connection is used once:
// started, used, then stopped (or found dead); the pool makes a new one to restart.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { ChildProcessTransport } from './childTransport';
import { Liveness, type LivenessOptions } from './liveness';
import { ProcessTree } from './processTree';
import { StderrTail } from './stderrTail';
import { TREE_COOKIE_VAR, type TreeIdentity } from './treeMembers';
import type { CallOptions, ContentItem, ExitInfo, LaunchCommand, ToolInfo, ToolResult } from './types';

export interface ConnectionOptions {
  readonly app: string;
  readonly launch: LaunchCommand;
  readonly startTimeoutMs: number;
  /** How long a start may wait for the user once mcp-remote asks for authorization. */
  readonly authTimeoutMs: number;
  readonly stderrLines: number;
  readonly maxMessageBytes: number;
  readonly stopGraceMs: number;
  readonly clientInfo: { name: string; version: string };
  /** Receives every stderr line, already passed through `redact`. */
  readonly onStderr: (line: string) => void;
  /** Masks secrets in stderr lines, once per line, before they are kept or reported. */
  readonly redact?: (line: string) => string;
  /** mcp-remote's sign-in prompt (remote apps only: any other server printing one is just printing). */
  readonly onAuthUrl?: (url: string) => void;
  readonly onToolsChanged: () => void;
  /** Called once when the process or its stdio ends without stop() having been asked. */
  readonly onDeath: (exit: ExitInfo) => void;
  /** Pings while tool calls are in flight (liveness.ts); the connection supplies the ping. */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
  /** Watchdog that ends the tree if the pool's host dies without stopping it. */
  readonly reaper?: { track(root: number, identity?: TreeIdentity): void; untrack(root: number): void };
}

export class StartError extends Error {
  constructor(message: string, readonly stderrTail: readonly string[], readonly exit?: ExitInfo) {
    super(message);
    this.name = 'StartError';
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

export class Connection {
  private child?: ChildProcessWithoutNullStreams;
  private transport?: ChildProcessTransport;
  private tree?: ProcessTree;
  private readonly client: Client;
  private readonly stderr: StderrTail;
  private readonly liveness: Liveness;
  private toolsCache?: Promise<ToolInfo[]>;
  private exitInfo?: ExitInfo;
  private readonly exited: Promise<ExitInfo>;
  private resolveExited!: (e: ExitInfo) => void;
  private stopping?: Promise<void>;
  private dead = false;
  private authDeadlineExtended = false;
  private extendDeadline?: (ms: number) => void;

  constructor(private readonly opts: ConnectionOptions) {
    this.client = new Client(opts.clientInfo, { capabilities: {} });
    const onAuthUrl = opts.onAuthUrl;
    this.stderr = new StderrTail(
      opts.stderrLines,
      opts.onStderr,
      onAuthUrl &&
        ((url) => {
          // Only the first prompt of a start stretches its deadline (to authTimeoutMs), once.
          if (!this.authDeadlineExtended) {
            this.authDeadlineExtended = true;
            this.extendDeadline?.(opts.authTimeoutMs);
          }
          onAuthUrl(url);
        }),
      opts.redact,
    );
    this.exited = new Promise((r) => (this.resolveExited = r));
    this.liveness = new Liveness({ ...opts.liveness, ping: (ms) => this.client.ping({ timeout: ms }) });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.toolsCache = undefined;
      opts.onToolsChanged();
    });
    // Protocol-level problems (garbage on stdout, unknown responses) are not fatal; keep a note.
    // Redacted like every stderr line: a stray response from a server can carry anything.
    this.client.onerror = (e) => opts.onStderr(opts.redact ? opts.redact(`[pool] ${e.message}`) : `[pool] ${e.message}`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Why the connection ended itself: the server sent more than it may (see ChildProcessTransport.violation). */
  get violation(): string | undefined {
    return this.transport?.violation;
  }

  get server(): { name?: string; version?: string } {
    const v = this.client.getServerVersion();
    return { name: v?.name, version: v?.version };
  }

  /** The exit of the process, waiting up to `ms` for it; undefined if it is still running. */
  waitExit(ms: number): Promise<ExitInfo | undefined> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return Promise.race([this.exited, delay(ms).then(() => undefined)]);
  }

  stderrTail(n?: number): string[] {
    return this.stderr.tail(n);
  }

  /** Spawns the process and completes the MCP handshake, or kills the tree and throws. */
  async start(): Promise<void> {
    const { launch } = this.opts;
    // Marks every process of the tree, descendants included, so none escapes by leaving the group.
    const cookie = randomBytes(16).toString('hex');
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(launch.command, [...launch.args], {
        cwd: launch.cwd,
        env: { ...launch.env, [TREE_COOKIE_VAR]: cookie },
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // own process group on POSIX, so the whole tree can be signalled at once
        detached: process.platform !== 'win32',
      });
    } catch (e) {
      throw new StartError(`could not start "${launch.command}": ${(e as Error).message}`, []);
    }
    this.child = child;
    this.stderr.attach(child.stderr); // read before anything else: an unread pipe can stall the child
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (e) => reject(new StartError(`could not start "${launch.command}": ${e.message}`, this.stderr.tail()))),
    );
    spawnError.catch(() => undefined);
    child.once('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      this.resolveExited(this.exitInfo);
    });
    if (child.pid !== undefined) {
      this.tree = new ProcessTree(child.pid, cookie);
      this.opts.reaper?.track(child.pid, this.tree.identity);
    }

    const transport = (this.transport = new ChildProcessTransport(child, this.opts.maxMessageBytes));
    const exitedEarly = this.exited.then((exit) => {
      throw new StartError(`server exited during start (${describeExit(exit)})`, this.stderr.tail(), exit);
    });
    exitedEarly.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const arm = (ms: number) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(
          () => reject(new StartError(`server did not complete the MCP handshake within ${formatSeconds(ms)}`, this.stderr.tail())),
          ms,
        );
      };
      this.extendDeadline = arm;
      arm(this.opts.startTimeoutMs);
    });
    timeout.catch(() => undefined);
    try {
      await Promise.race([this.client.connect(transport), spawnError, exitedEarly, timeout]);
    } catch (e) {
      if (e instanceof StartError) {
        await this.kill();
        throw e;
      }
      // A server that flooded the handshake: that is the reason (it would not exit on its own).
      if (transport.violation) {
        await this.kill();
        throw new StartError(`the server ${transport.violation}`, this.stderr.tail());
      }
      // The handshake failed because the process ended? Then its exit is the real reason.
      const exit = await this.waitExit(500);
      await this.kill();
      if (exit) throw new StartError(`server exited during start (${describeExit(exit)})`, this.stderr.tail(), exit);
      throw new StartError(`MCP handshake failed: ${(e as Error).message}`, this.stderr.tail());
    } finally {
      if (timer) clearTimeout(timer);
      this.extendDeadline = undefined;
    }
    this.tree?.refresh();
    // From here on, an exit or a closed stdout is a death unless stop() asked for it.
    transport.onclose = chain(transport.onclose, () => this.markDead());
    if (this.exitInfo || child.stdout.readableEnded) this.markDead();
  }

  /**
   * The connection cannot be used any more (its stdio ended, or a message could not be written
   * to the process): the tree is ended unless a stop is under way, and onDeath reports it.
   */
  markDead(): void {
    if (this.dead) return;
    this.dead = true;
    this.liveness.dispose();
    if (this.stopping) return;
    // A closed stdout with a live process is a broken server too: end the tree so nothing leaks.
    void this.exitOrKill().then((exit) => this.opts.onDeath(exit));
  }

  private async exitOrKill(): Promise<ExitInfo> {
    const soon = await Promise.race([this.exited, delay(200).then(() => undefined)]);
    if (soon) {
      await this.tree?.kill(2000); // grandchildren of a dead wrapper, descendants that left the group
      this.release();
      return soon;
    }
    await this.kill();
    return this.exitInfo ?? { code: null, signal: null };
  }

  /** Tools, listed once per process and cached until the server says they changed. */
  listTools(): Promise<ToolInfo[]> {
    if (!this.toolsCache) {
      const listing = this.fetchTools();
      this.toolsCache = listing;
      listing.catch(() => {
        if (this.toolsCache === listing) this.toolsCache = undefined;
      });
    }
    return this.toolsCache;
  }

  private async fetchTools(): Promise<ToolInfo[]> {
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined);
      for (const t of page.tools) {
        tools.push({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  /** Rejects with a ServerLost when the liveness check finds the server gone meanwhile. */
  async callTool(name: string, args: Record<string, unknown>, timeoutMs: number, opts: CallOptions): Promise<ToolResult> {
    const raw = await this.liveness.watch(opts.signal, (signal) =>
      this.client.callTool({ name, arguments: args }, CallToolResultSchema, {
        signal,
        timeout: timeoutMs,
        resetTimeoutOnProgress: opts.onProgress !== undefined,
        onprogress: opts.onProgress ? (p) => opts.onProgress!({ progress: p.progress, total: p.total, message: p.message }) : undefined,
      }),
    );
    return {
      content: (raw.content ?? []) as ContentItem[],
      structuredContent: raw.structuredContent as Record<string, unknown> | undefined,
      isError: raw.isError === true,
    };
  }

  /** Whether the server answers a ping within `ms`. */
  async ping(ms: number): Promise<boolean> {
    try {
      await this.client.ping({ timeout: ms });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Graceful stop of the whole tree: close stdin → wait → SIGTERM → wait → SIGKILL.
   * Resolves once every process of the tree is gone (or SIGKILL was sent and waited for).
   */
  stop(opts: { force?: boolean } = {}): Promise<void> {
    this.liveness.dispose();
    this.stopping ??= opts.force ? this.kill() : this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.dead = true;
    const grace = this.opts.stopGraceMs;
    this.tree?.refresh();
    try {
      this.child?.stdin.end();
    } catch {
      // already closed
    }
    await this.client.close().catch(() => undefined);
    if (!this.tree) return;
    if (!(await this.tree.waitGone(grace))) {
      await this.tree.signal('SIGTERM');
      if (!(await this.tree.waitGone(grace))) await this.kill();
    }
    this.release();
  }

  /** The tree is gone: the watchdog need not look after it any more. */
  private release(): void {
    if (this.tree && !this.tree.alive()) this.opts.reaper?.untrack(this.tree.pid);
  }

  private async kill(): Promise<void> {
    this.dead = true;
    this.liveness.dispose();
    if (!this.tree) return;
    await this.tree.kill(2000);
    this.release();
    await this.client.close().catch(() => undefined);
  }
}

function chain(a: (() => void) | undefined, b: () => void): () => void {
  return () => {
    a?.();
    b();
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
