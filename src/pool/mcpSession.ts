// The MCP side of a connection: an SDK Client over any Transport (a process's stdio today). It
// lists and calls, reads resources and gets prompts, keeps everything the server sent (tool
// metadata, result _meta), relays what the server notifies, and watches the server's liveness
// while calls are in flight. It knows nothing of processes. Capability checks are the app's
// (appFeatures.ts): the session sends what it is asked to.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { ListingCache, allPages } from './listing';
import { Liveness, type LivenessOptions } from './liveness';
import type {
  CallOptions,
  CompletionRef,
  CompletionResult,
  ContentItem,
  LogLevel,
  PromptInfo,
  PromptResult,
  ResourceInfo,
  ResourceReadResult,
  ResourceTemplateInfo,
  ServerFeatures,
  ToolInfo,
  ToolResult,
} from './types';

/** What a server tells the client on its own, beyond tools/list_changed. */
export type ServerNotice =
  | { readonly kind: 'resourcesChanged' }
  | { readonly kind: 'resourceUpdated'; readonly uri: string }
  | { readonly kind: 'promptsChanged' }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly logger?: string; readonly data: unknown };

export interface McpSessionOptions {
  readonly clientInfo: { name: string; version: string };
  readonly onToolsChanged: () => void;
  /** Resource and prompt list changes, resource updates and log messages (after the session dropped its cached listings). */
  readonly onNotice: (notice: ServerNotice) => void;
  /** Protocol-level problems (garbage, unknown responses): not fatal, a line for the log. */
  readonly onProtocolError: (message: string) => void;
  /** Pings while tool calls are in flight (liveness.ts); the session supplies the ping. */
  readonly liveness: Omit<LivenessOptions, 'ping'>;
}

/** How long one request may take and who may cancel it. */
export interface RequestLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export class McpSession {
  private readonly client: Client;
  private readonly liveness: Liveness;
  // Listings: once per session, kept until the server says they changed.
  private readonly tools = new ListingCache<ToolInfo>();
  private readonly resources = new ListingCache<ResourceInfo>();
  private readonly templates = new ListingCache<ResourceTemplateInfo>();
  private readonly prompts = new ListingCache<PromptInfo>();

  constructor(opts: McpSessionOptions) {
    this.client = new Client(opts.clientInfo, { capabilities: {} });
    this.liveness = new Liveness({ ...opts.liveness, ping: (ms) => this.client.ping({ timeout: ms }) });
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.tools.drop();
      opts.onToolsChanged();
    });
    // The spec has one notification for both resources and their templates.
    this.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      this.resources.drop();
      this.templates.drop();
      opts.onNotice({ kind: 'resourcesChanged' });
    });
    this.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => opts.onNotice({ kind: 'resourceUpdated', uri: n.params.uri }));
    this.client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
      this.prompts.drop();
      opts.onNotice({ kind: 'promptsChanged' });
    });
    this.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) =>
      opts.onNotice({ kind: 'log', level: n.params.level, logger: n.params.logger, data: n.params.data }),
    );
    this.client.onerror = (e) => opts.onProtocolError(e.message);
  }

  get server(): { name?: string; version?: string } {
    const v = this.client.getServerVersion();
    return { name: v?.name, version: v?.version };
  }

  /** What the server declared in its initialize result (all false before the handshake). */
  get features(): ServerFeatures {
    const c = this.client.getServerCapabilities() ?? {};
    return {
      tools: c.tools !== undefined,
      resources: c.resources !== undefined,
      subscribe: c.resources?.subscribe === true,
      prompts: c.prompts !== undefined,
      completions: c.completions !== undefined,
      logging: c.logging !== undefined,
    };
  }

  get instructions(): string | undefined {
    return this.client.getInstructions();
  }

  /** The MCP handshake over `transport`. */
  connect(transport: Transport): Promise<void> {
    return this.client.connect(transport);
  }

  /** Tools, listed once per session and cached until the server says they changed. */
  listTools(): Promise<ToolInfo[]> {
    return this.tools.get(() =>
      allPages(
        (cursor) => this.client.listTools(cursor ? { cursor } : undefined),
        (page) => page.tools.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema })),
      ),
    );
  }

  /** Every resource (all pages), cached like the tools; the first caller's timeout applies to the listing. */
  listResources(timeoutMs: number): Promise<ResourceInfo[]> {
    return this.resources.get(() => allPages((cursor) => this.client.listResources(cursor ? { cursor } : undefined, { timeout: timeoutMs }), (page) => page.resources));
  }

  /** Every resource template (all pages), cached like the resources. */
  listResourceTemplates(timeoutMs: number): Promise<ResourceTemplateInfo[]> {
    return this.templates.get(() =>
      allPages((cursor) => this.client.listResourceTemplates(cursor ? { cursor } : undefined, { timeout: timeoutMs }), (page) => page.resourceTemplates),
    );
  }

  /** Every prompt (all pages), cached like the tools. */
  listPrompts(timeoutMs: number): Promise<PromptInfo[]> {
    return this.prompts.get(() =>
      allPages(
        (cursor) => this.client.listPrompts(cursor ? { cursor } : undefined, { timeout: timeoutMs }),
        (page) => page.prompts.map((p) => ({ ...p, arguments: p.arguments ?? [] })),
      ),
    );
  }

  /** A resource's contents, whole (never cached). Rejects with a ServerLost when the liveness check finds the server gone meanwhile. */
  async readResource(uri: string, limits: RequestLimits): Promise<ResourceReadResult> {
    const raw = await this.liveness.watch(limits.signal, (signal) => this.client.readResource({ uri }, { signal, timeout: limits.timeoutMs }));
    return { contents: raw.contents };
  }

  /** A prompt with its arguments, every message whole. */
  async getPrompt(name: string, args: Readonly<Record<string, string>>, limits: RequestLimits): Promise<PromptResult> {
    const raw = await this.liveness.watch(limits.signal, (signal) => this.client.getPrompt({ name, arguments: { ...args } }, { signal, timeout: limits.timeoutMs }));
    return { description: raw.description, messages: raw.messages.map((m) => ({ role: m.role, content: m.content })) };
  }

  /** Completions for one argument of a prompt or one variable of a resource template. */
  async complete(ref: CompletionRef, argument: { name: string; value: string }, context: Readonly<Record<string, string>> | undefined, limits: RequestLimits): Promise<CompletionResult> {
    const params = { ref: { ...ref }, argument: { ...argument }, ...(context ? { context: { arguments: { ...context } } } : {}) };
    const raw = await this.liveness.watch(limits.signal, (signal) => this.client.complete(params, { signal, timeout: limits.timeoutMs }));
    const c = raw.completion;
    return { values: c.values, ...(c.total !== undefined ? { total: c.total } : {}), hasMore: c.hasMore === true };
  }

  async subscribe(uri: string, limits: RequestLimits): Promise<void> {
    await this.client.subscribeResource({ uri }, { signal: limits.signal, timeout: limits.timeoutMs });
  }

  async unsubscribe(uri: string, limits: RequestLimits): Promise<void> {
    await this.client.unsubscribeResource({ uri }, { signal: limits.signal, timeout: limits.timeoutMs });
  }

  async setLogLevel(level: LogLevel, limits: RequestLimits): Promise<void> {
    await this.client.setLoggingLevel(level, { signal: limits.signal, timeout: limits.timeoutMs });
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
