// The MCP side of a connection: an SDK Client over any Transport (a process's stdio today). It
// lists and calls, keeps everything the server sent (tool metadata, result _meta), answers what the
// server asks of the host through its hooks (clientHooks.ts), runs task-required tools as tasks
// (taskCall.ts), and watches the server's liveness while calls are in flight. It knows nothing of
// processes.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, CallToolResultSchema, ErrorCode, McpError, type Progress, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../common/abort';
import { CallClocks } from './callClock';
import { answerServerRequests, type ClientHooks, declaredCapabilities } from './clientHooks';
import { Liveness, type LivenessOptions } from './liveness';
import { outputSchemaValidator } from './mcpErrors';
import { MAX_TIMER_MS } from './settings';
import { callToolAsTask } from './taskCall';
import type { CallOptions, ToolInfo, ToolResult } from './types';

export interface McpSessionOptions {
  /** The app this session belongs to: named in every hook call. */
  readonly app: string;
  readonly clientInfo: { name: string; version: string };
  /** What the host answers when the server asks (roots, elicitation, sampling); declared only where given. */
  readonly hooks?: ClientHooks;
  /** How long a hook may take before the server is told the host did not answer. */
  readonly hookTimeoutMs: number;
  readonly onToolsChanged: () => void;
  /** Protocol-level problems (garbage, unknown responses): not fatal, a line for the log. */
  readonly onProtocolError: (message: string) => void;
  /** Pings while tool calls are in flight (liveness.ts); the session supplies the ping. */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
}

interface ToolIndex {
  readonly tools: ToolInfo[];
  readonly byName: ReadonlyMap<string, ToolInfo>;
}

export class McpSession {
  private readonly client: Client;
  private readonly liveness: Liveness;
  private readonly clocks = new CallClocks();
  private toolsCache?: Promise<ToolIndex>;
  /** The cached listing once it arrived (a warm call reads it without waiting). */
  private toolIndex?: ToolIndex;

  constructor(private readonly opts: McpSessionOptions) {
    // The output validator reports a mismatch as its own error (mcpErrors.ts), not as bad arguments.
    this.client = new Client(opts.clientInfo, { capabilities: declaredCapabilities(opts.hooks), jsonSchemaValidator: outputSchemaValidator() });
    answerServerRequests(this.client, { app: opts.app, hooks: opts.hooks ?? {}, timeoutMs: opts.hookTimeoutMs, hold: (answer) => this.clocks.hold(answer) });
    this.liveness = new Liveness({ ...opts.liveness, ping: (ms) => this.client.ping({ timeout: ms }) });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.toolsCache = undefined;
      this.toolIndex = undefined;
      opts.onToolsChanged();
    });
    this.client.onerror = (e) => opts.onProtocolError(e.message);
  }

  get server(): { name?: string; version?: string } {
    const v = this.client.getServerVersion();
    return { name: v?.name, version: v?.version };
  }

  /** The MCP handshake over `transport`. */
  connect(transport: Transport): Promise<void> {
    return this.client.connect(transport);
  }

  /** Tools, listed once per session and cached until the server says they changed. */
  async listTools(): Promise<ToolInfo[]> {
    return (await this.tools()).tools;
  }

  private tools(): Promise<ToolIndex> {
    if (!this.toolsCache) {
      const listing = this.fetchTools();
      this.toolsCache = listing;
      listing.then(
        (index) => {
          if (this.toolsCache === listing) this.toolIndex = index;
        },
        () => {
          if (this.toolsCache === listing) this.toolsCache = undefined;
        },
      );
    }
    return this.toolsCache;
  }

  private async fetchTools(): Promise<ToolIndex> {
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined);
      for (const t of page.tools) tools.push({ ...t });
      cursor = page.nextCursor;
    } while (cursor);
    return { tools, byName: new Map(tools.map((t) => [t.name, t])) };
  }

  /**
   * The listed tool, listing first when this session has not yet: the SDK then knows each tool's
   * output schema (it checks results against it) and the pool which tools need a task. A listing
   * that fails for another reason than the call ending leaves the call to go ahead unchecked.
   */
  private async toolFor(name: string, signal: AbortSignal): Promise<ToolInfo | undefined> {
    if (this.toolIndex) return this.toolIndex.byName.get(name);
    try {
      return (await untilAborted(this.tools(), signal, () => reasonOf(signal))).byName.get(name);
    } catch (e) {
      if (signal.aborted) throw e;
      // A connection that ended (or a request never sent) fails the call itself in a moment.
      if (!(e instanceof McpError) || e.code === (ErrorCode.ConnectionClosed as number)) return undefined;
      this.opts.onProtocolError(`listing tools before calling "${name}" failed (${(e as Error).message}); calling it without its output schema`);
      return undefined;
    }
  }

  /**
   * Calls the tool (as a task when it requires one), under a timeout that progress restarts and that
   * stands still while the host answers the server. Rejects with a ServerLost when the liveness check
   * finds the server gone meanwhile.
   */
  async callTool(name: string, args: Record<string, unknown>, timeoutMs: number, opts: CallOptions): Promise<ToolResult> {
    const raw = await this.liveness.watch(opts.signal, async (signal): Promise<CallToolResult> => {
      const clock = this.clocks.start(timeoutMs, signal);
      try {
        const tool = await this.toolFor(name, clock.signal);
        const onProgress = opts.onProgress;
        const onprogress = onProgress
          ? (p: Progress) => {
              clock.touch();
              onProgress({ progress: p.progress, total: p.total, message: p.message });
            }
          : undefined;
        // The clock decides when the call has taken too long; the SDK's own timeout never fires first.
        const request = { signal: clock.signal, timeout: MAX_TIMER_MS, onprogress };
        if (tool?.execution?.taskSupport === 'required') {
          return await callToolAsTask(this.client, name, args, {
            ...request,
            requestTimeoutMs: MAX_TIMER_MS,
            onStatus: opts.onStatus,
            alive: clock.touch,
            cancelTimeoutMs: this.opts.liveness.timing().pingTimeoutMs,
            onCancelFailed: this.opts.onProtocolError,
          });
        }
        return (await this.client.callTool({ name, arguments: args }, CallToolResultSchema, request)) as CallToolResult;
      } finally {
        clock.dispose();
      }
    });
    return {
      content: raw.content ?? [],
      structuredContent: raw.structuredContent,
      isError: raw.isError === true,
      ...(raw._meta !== undefined ? { _meta: raw._meta } : {}),
    };
  }

  /** Tells the server the host's roots changed (only declared when the host gave a roots hook). */
  rootsChanged(): void {
    if (!this.opts.hooks?.roots) return;
    this.client.sendRootsListChanged().catch((e: unknown) => this.opts.onProtocolError(`notifications/roots/list_changed not sent: ${(e as Error).message}`));
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

  /** No more pings; called as soon as the link is down or closing. */
  quiet(): void {
    this.liveness.dispose();
  }

  async close(): Promise<void> {
    this.liveness.dispose();
    await this.client.close().catch(() => undefined);
  }
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
