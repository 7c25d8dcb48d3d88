// The MCP side of a connection: an SDK Client over any Transport (a process's stdio today). It
// lists and calls, keeps everything the server sent (tool metadata, result _meta), and watches
// the server's liveness while calls are in flight. It knows nothing of processes.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Liveness, type LivenessOptions } from './liveness';
import type { CallOptions, ContentItem, ToolInfo, ToolResult } from './types';

export interface McpSessionOptions {
  readonly clientInfo: { name: string; version: string };
  readonly onToolsChanged: () => void;
  /** Protocol-level problems (garbage, unknown responses): not fatal, a line for the log. */
  readonly onProtocolError: (message: string) => void;
  /** Pings while tool calls are in flight (liveness.ts); the session supplies the ping. */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
}

export class McpSession {
  private readonly client: Client;
  private readonly liveness: Liveness;
  private toolsCache?: Promise<ToolInfo[]>;

  constructor(opts: McpSessionOptions) {
    this.client = new Client(opts.clientInfo, { capabilities: {} });
    this.liveness = new Liveness({ ...opts.liveness, ping: (ms) => this.client.ping({ timeout: ms }) });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.toolsCache = undefined;
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

  /** No more pings; called as soon as the link is down or closing. */
  quiet(): void {
    this.liveness.dispose();
  }

  async close(): Promise<void> {
    this.liveness.dispose();
    await this.client.close().catch(() => undefined);
  }
}
