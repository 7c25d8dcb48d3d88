// The MCP side of a connection: an SDK Client over any link's Transport (a process's stdio, HTTP). It
// lists and calls, reads resources and gets prompts, keeps everything the server sent (tool
// metadata, result _meta), relays what the server notifies, answers what the server asks of the
// host through its hooks (clientHooks.ts), runs task-required tools as tasks (2025: taskCall.ts;
// 2026-07-28, the tasks extension: taskCall2026.ts), and
// watches the server's liveness while calls are in flight. It knows nothing of processes or HTTP.
// Capability checks are the app's (appFeatures.ts): the session sends what it is asked to.
import {
  type CallToolResult,
  Client,
  type JsonSchemaType,
  LOG_LEVEL_META_KEY,
  type PriorDiscovery,
  type Progress,
  type Transport,
} from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../../common/abort';
import { CallClocks } from './callClock';
import { answerServerRequests, answerTaskInput, declaredCapabilities, type HostAnswers } from './clientHooks';
import { ListenStream } from './listenStream';
import { ProxyProbe } from './proxyProbe';
import { ListingCache, MAX_PAGES } from './listing';
import { Liveness } from './liveness';
import type { McpSessionOptions, NegotiatedEra, RequestLimits } from './sessionOptions';

export type { McpSessionOptions, Negotiation, NegotiatedEra, RequestLimits, ServerNotice } from './sessionOptions';
import { fromSdk, outputSchemaValidator, UNSUPPORTED_PROTOCOL_VERSION } from './mcpErrors';
import { MAX_TIMER_MS } from '../settings';
import { callToolAsTask } from './taskCall';
import { ExtensionTasks } from './taskCall2026';
import type {
  CallOptions,
  CompletionRef,
  CompletionResult,
  LogLevel,
  PromptInfo,
  PromptResult,
  ResourceInfo,
  ResourceReadResult,
  ResourceTemplateInfo,
  ServerFeatures,
  ToolInfo,
  ToolResult,
} from '../types';

export class McpSession {
  private readonly client: Client;
  private readonly liveness: Liveness;
  private readonly clocks = new CallClocks();
  // Listings: once per session, kept until the server says they changed.
  private readonly tools = new ListingCache<ToolInfo>();
  private readonly resources = new ListingCache<ResourceInfo>();
  private readonly templates = new ListingCache<ResourceTemplateInfo>();
  private readonly prompts = new ListingCache<PromptInfo>();
  /** Progress handlers of the task calls in flight, by their own token (taskCall.ts). */
  private readonly taskProgress = new Map<string, (p: Progress) => void>();
  private taskCalls = 0;
  /** Output validators of tools whose error results carry structuredContent (checked as a 1.x client did). */
  private readonly errorValidators = new WeakMap<ToolInfo, (value: unknown) => void>();
  /** The tools by name, for the listing `tools.peek()` holds. */
  private toolIndex?: { readonly of: readonly ToolInfo[]; readonly byName: ReadonlyMap<string, ToolInfo> };
  /** Modern era: the resource subscriptions (listenStream.ts) and the log level each request carries. */
  private readonly listen: ListenStream;
  private logLevel?: LogLevel;
  /** The liveness question through a proxy (proxyProbe.ts), once connected. */
  private proxyProbe?: ProxyProbe;
  /** A modern server's tasks extension (taskCall2026.ts), once connected, when it declares it. */
  private tasks2026?: ExtensionTasks;
  private readonly host: HostAnswers;

  constructor(private readonly opts: McpSessionOptions) {
    // The output validator reports a mismatch as its own error (mcpErrors.ts), not as bad arguments.
    this.client = new Client(opts.clientInfo, {
      capabilities: declaredCapabilities(opts.hooks),
      jsonSchemaValidator: outputSchemaValidator(),
      listMaxPages: MAX_PAGES,
      // both eras (eraMemory.ts, connection.ts): server/discover first, initialize when the server is legacy
      versionNegotiation: {
        mode: typeof opts.negotiation === 'string' ? opts.negotiation : { ...opts.negotiation },
        probe: { timeoutMs: opts.probeTimeoutMs },
      },
      ...(opts.protocolVersions ? { supportedProtocolVersions: [...opts.protocolVersions] } : {}),
      ...(opts.responseCache ? { responseCacheStore: opts.responseCache } : {}),
    });
    this.listen = new ListenStream({
      client: this.client,
      listChanges: () => {
        const c = this.client.getServerCapabilities() ?? {};
        return {
          ...(c.tools?.listChanged ? { toolsListChanged: true } : {}),
          ...(c.prompts?.listChanged ? { promptsListChanged: true } : {}),
          ...(c.resources?.listChanged ? { resourcesListChanged: true } : {}),
        };
      },
      timeoutMs: () => opts.liveness.timing().pingTimeoutMs * 4,
      onProblem: opts.onProtocolError,
      sdk: (p) => this.sdk(p),
    });
    this.host = { app: opts.app, hooks: opts.hooks ?? {}, timeoutMs: opts.hookTimeoutMs, hold: (answer) => this.clocks.hold(answer) };
    answerServerRequests(this.client, this.host);
    this.liveness = new Liveness({ ...opts.liveness, ping: (ms) => this.probeOnce(ms) });
    this.client.setNotificationHandler('notifications/tools/list_changed', () => {
      this.tools.drop();
      opts.onToolsChanged();
    });
    // The spec has one notification for both resources and their templates.
    this.client.setNotificationHandler('notifications/resources/list_changed', () => {
      this.resources.drop();
      this.templates.drop();
      opts.onNotice({ kind: 'resourcesChanged' });
    });
    this.client.setNotificationHandler('notifications/resources/updated', (n) => opts.onNotice({ kind: 'resourceUpdated', uri: n.params.uri }));
    this.client.setNotificationHandler('notifications/prompts/list_changed', () => {
      this.prompts.drop();
      opts.onNotice({ kind: 'promptsChanged' });
    });
    this.client.setNotificationHandler('notifications/message', (n) =>
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

  /**
   * The MCP handshake over `transport`: server/discover then (for a legacy server) initialize, or
   * with a remembered verdict (`prior`) initialize at once (legacy) or nothing at all (modern).
   */
  async connect(transport: Transport, prior?: PriorDiscovery): Promise<void> {
    await this.sdk(this.client.connect(transport, prior ? { prior } : undefined));
    // A task's progress comes after the answer that created it, when the Client has forgotten the
    // token: it is taken off the stream here, by the task call's own token (taskCall.ts).
    const deliver = transport.onmessage;
    const probe = this.opts.probe === 'discover' && this.client.getProtocolEra() !== 'modern' ? new ProxyProbe(transport) : undefined;
    this.proxyProbe = probe;
    transport.onmessage = (message, extra) => {
      if (probe?.take(message)) return;
      if ('method' in message && message.method === 'notifications/progress' && !('id' in message)) {
        const params = message.params as (Progress & { progressToken?: unknown }) | undefined;
        const handler = typeof params?.progressToken === 'string' ? this.taskProgress.get(params.progressToken) : undefined;
        if (handler && params) return handler({ progress: params.progress, total: params.total, message: params.message });
      }
      deliver?.(message, extra);
    };
    if (ExtensionTasks.offeredBy(this.client))
      this.tasks2026 = new ExtensionTasks(this.client, transport, {
        app: this.opts.app,
        clientInfo: this.opts.clientInfo,
        capabilities: declaredCapabilities(this.opts.hooks),
        onProblem: this.opts.onProtocolError,
        answer: (question, signal) => answerTaskInput(this.host, question, signal),
      });
    // a modern server's list changes come only on a subscriptions/listen stream: opened after the first request (listenStream.ts)
    if (this.modern) this.listen.arm();
  }

  /** One request of the session's user (not one the session makes on its own, such as the listing before a call): the list-change stream waits for the first. */
  private first<T>(p: Promise<T>): Promise<T> {
    return this.listen.afterFirst(p);
  }

  /** The era this connection speaks (undefined before the handshake). */
  get era(): NegotiatedEra | undefined {
    const protocolVersion = this.client.getNegotiatedProtocolVersion();
    if (protocolVersion === undefined) return undefined;
    const discover = this.client.getDiscoverResult();
    return this.client.getProtocolEra() === 'modern' && discover ? { kind: 'modern', protocolVersion, discover } : { kind: 'legacy', protocolVersion };
  }

  private get modern(): boolean {
    return this.client.getProtocolEra() === 'modern';
  }

  /** The log level a modern request carries in its _meta (that era has no logging/setLevel). */
  private levelMeta(): { _meta?: Record<string, unknown> } {
    return this.logLevel && this.modern ? { _meta: { [LOG_LEVEL_META_KEY]: this.logLevel } } : {};
  }

  /**
   * One listing through `cache`: kept until the server says the list changed or, for a modern
   * server's result with a `ttlMs` hint, until that passed (a modern session hears list changes
   * on its subscriptions/listen stream, from just after its first request: listenStream.ts). 0 or
   * no hint: until the list changes.
   */
  private listed<R extends object, T>(cache: ListingCache<T>, fetch: () => Promise<R>, items: (r: R) => T[]): Promise<T[]> {
    let ttl: number | undefined;
    return cache.get(
      async () => {
        const r = await this.sdk(fetch());
        const hint = (r as { ttlMs?: unknown }).ttlMs;
        ttl = typeof hint === 'number' ? hint : undefined;
        return items(r);
      },
      () => ttl,
    );
  }

  /** Tools, listed once per session and cached until the server says they changed or (modern) their ttlMs passed. */
  listTools(): Promise<ToolInfo[]> {
    return this.first(this.toolListing());
  }

  /** The tools listing itself (also what a call looks its tool up in). */
  private toolListing(): Promise<ToolInfo[]> {
    // whole: title, icons, annotations, outputSchema, execution, _meta
    return this.listed(
      this.tools,
      () => this.client.listTools(),
      (r) => r.tools.map((t) => ({ ...t })),
    );
  }

  /** Every resource (all pages), cached like the tools; the first caller's timeout applies to the listing. */
  listResources(timeoutMs: number): Promise<ResourceInfo[]> {
    return this.first(
      this.listed(
        this.resources,
        () => this.client.listResources(undefined, { timeout: timeoutMs }),
        (r) => r.resources,
      ),
    );
  }

  /** Every resource template (all pages), cached like the resources. */
  listResourceTemplates(timeoutMs: number): Promise<ResourceTemplateInfo[]> {
    return this.first(
      this.listed(
        this.templates,
        () => this.client.listResourceTemplates(undefined, { timeout: timeoutMs }),
        (r) => r.resourceTemplates,
      ),
    );
  }

  /** Every prompt (all pages), cached like the tools. */
  listPrompts(timeoutMs: number): Promise<PromptInfo[]> {
    return this.first(
      this.listed(
        this.prompts,
        () => this.client.listPrompts(undefined, { timeout: timeoutMs }),
        (r) => r.prompts.map((p) => ({ ...p, arguments: p.arguments ?? [] })),
      ),
    );
  }

  /** A resource's contents, whole (never cached). Rejects with a ServerLost when the liveness check finds the server gone meanwhile. */
  async readResource(uri: string, limits: RequestLimits): Promise<ResourceReadResult> {
    const raw = await this.first(
      this.clocked(limits, (request) => this.client.readResource({ uri, ...this.levelMeta() }, { ...request, cacheMode: 'bypass' })),
    );
    return { contents: raw.contents };
  }

  /** A prompt with its arguments, every message whole. */
  async getPrompt(name: string, args: Readonly<Record<string, string>>, limits: RequestLimits): Promise<PromptResult> {
    const raw = await this.first(this.clocked(limits, (request) => this.client.getPrompt({ name, arguments: { ...args }, ...this.levelMeta() }, request)));
    return { description: raw.description, messages: raw.messages.map((m) => ({ role: m.role, content: m.content })) };
  }

  /**
   * A request that may ask the host something while it runs (a prompt, a read: elicitation,
   * sampling, roots), timed like a tool call: its clock stands still while the host answers.
   */
  private clocked<T>(limits: RequestLimits, send: (request: { signal: AbortSignal; timeout: number }) => Promise<T>): Promise<T> {
    return this.liveness.watch(limits.signal, async (_signal, call) => {
      const clock = this.clocks.start(limits.timeoutMs, call);
      try {
        // the clock decides when the request has taken too long; the SDK's own timeout never fires first
        return await this.sdk(send({ signal: clock.signal, timeout: MAX_TIMER_MS }));
      } finally {
        clock.dispose();
      }
    });
  }

  /** Completions for one argument of a prompt or one variable of a resource template. */
  async complete(
    ref: CompletionRef,
    argument: { name: string; value: string },
    context: Readonly<Record<string, string>> | undefined,
    limits: RequestLimits,
  ): Promise<CompletionResult> {
    const params = { ref: { ...ref }, argument: { ...argument }, ...(context ? { context: { arguments: { ...context } } } : {}), ...this.levelMeta() };
    const raw = await this.first(this.liveness.watch(limits.signal, (signal) => this.sdk(this.client.complete(params, { signal, timeout: limits.timeoutMs }))));
    const c = raw.completion;
    return { values: c.values, ...(c.total !== undefined ? { total: c.total } : {}), hasMore: c.hasMore === true };
  }

  /** 2025: resources/subscribe; 2026-07-28: the resource joins the session's subscriptions/listen stream (listenStream.ts). */
  async subscribe(uri: string, limits: RequestLimits): Promise<void> {
    if (this.modern) return this.listen.add(uri, limits);
    await this.sdk(this.client.subscribeResource({ uri }, { signal: limits.signal, timeout: limits.timeoutMs }));
  }

  async unsubscribe(uri: string, limits: RequestLimits): Promise<void> {
    if (this.modern) return this.listen.remove(uri, limits);
    await this.sdk(this.client.unsubscribeResource({ uri }, { signal: limits.signal, timeout: limits.timeoutMs }));
  }

  /** 2025: logging/setLevel; 2026-07-28: nothing is sent, every later request carries the level in its _meta. */
  async setLogLevel(level: LogLevel, limits: RequestLimits): Promise<void> {
    if (this.modern) {
      this.logLevel = level;
      return;
    }
    await this.sdk(this.client.setLoggingLevel(level, { signal: limits.signal, timeout: limits.timeoutMs }));
  }

  /** The tools by name (listing them first if this session has not yet). */
  private async toolsByName(): Promise<ReadonlyMap<string, ToolInfo>> {
    const tools = this.tools.peek() ?? (await this.toolListing());
    if (this.toolIndex?.of !== tools) this.toolIndex = { of: tools, byName: new Map(tools.map((t) => [t.name, t])) };
    return this.toolIndex.byName;
  }

  /**
   * The listed tool, listing first when this session has not yet: the SDK then knows each tool's
   * output schema (it checks results against it) and the pool which tools need a task. A listing
   * that fails for another reason than the call ending leaves the call to go ahead unchecked.
   */
  private toolFor(name: string, signal: AbortSignal): { tool: ToolInfo | undefined } | Promise<{ tool: ToolInfo | undefined }> {
    const listed = this.tools.peek();
    // listed already (every warm call): no turn of its own
    if (listed && this.toolIndex?.of === listed) return { tool: this.toolIndex.byName.get(name) };
    return this.listToolFor(name, signal).then((tool) => ({ tool }));
  }

  private async listToolFor(name: string, signal: AbortSignal): Promise<ToolInfo | undefined> {
    try {
      return (await untilAborted(this.toolsByName(), signal, () => reasonOf(signal))).get(name);
    } catch (e) {
      if (signal.aborted) throw e;
      // The server is not of this connection's era: the call is not sent (it could not be read back either).
      if (e instanceof McpError && e.code === UNSUPPORTED_PROTOCOL_VERSION) throw e;
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
    const raw = await this.first(
      this.liveness.watch(opts.signal, async (_signal, call): Promise<CallToolResult> => {
        const clock = this.clocks.start(timeoutMs, call);
        try {
          const found = this.toolFor(name, clock.signal);
          const { tool } = found instanceof Promise ? await found : found;
          const onProgress = opts.onProgress;
          const onprogress = onProgress
            ? (p: Progress) => {
                clock.touch();
                onProgress({ progress: p.progress, total: p.total, message: p.message });
              }
            : undefined;
          // The clock decides when the call has taken too long; the SDK's own timeout never fires first.
          const request = { signal: clock.signal, timeout: MAX_TIMER_MS, onprogress };
          // As a task: 2026-07-28 through the tasks extension (taskCall2026.ts), 2025-11-25 with the core's tasks (taskCall.ts).
          const asTask = async (extension?: ExtensionTasks): Promise<CallToolResult> => {
            const progressToken = onprogress ? `pool-task-${++this.taskCalls}` : undefined;
            if (progressToken && onprogress) this.taskProgress.set(progressToken, onprogress);
            try {
              const task = {
                ...request,
                progressToken,
                requestTimeoutMs: extension ? timeoutMs : MAX_TIMER_MS,
                onStatus: opts.onStatus,
                alive: clock.touch,
                cancelTimeoutMs: this.opts.liveness.timing().pingTimeoutMs,
                onCancelFailed: this.opts.onProtocolError,
                validate: tool?.outputSchema ? (result: CallToolResult) => checkOutput(tool, result) : undefined,
              };
              return await (extension ? extension.call(name, args, { ...task, meta: this.levelMeta()._meta }) : callToolAsTask(this.client, name, args, task));
            } finally {
              if (progressToken) this.taskProgress.delete(progressToken);
            }
          };
          const extension = this.tasks2026;
          if (extension?.wants(name, tool)) return await asTask(extension);
          if (tool?.execution?.taskSupport === 'required') return await asTask();
          let result: CallToolResult;
          try {
            result = await this.sdk(this.client.callTool({ name, arguments: args, ...this.levelMeta() }, request));
          } catch (e) {
            // A modern server that runs this tool only as a task refused the plain call (not run): once more, through the extension.
            if (extension?.refused(name, e)) return await asTask(extension);
            throw e;
          }
          // SDK v2 checks only results that are no error; the pool checks an error result's structuredContent too, as it always did
          if (result.isError && result.structuredContent !== undefined && tool?.outputSchema) this.checkErrorOutput(tool, result.structuredContent);
          return result;
        } finally {
          clock.dispose();
        }
      }),
    );
    return {
      content: raw.content ?? [],
      structuredContent: raw.structuredContent as ToolResult['structuredContent'], // an object in both eras' results the pool reads (SEP-2106 allows any JSON value)
      isError: raw.isError === true,
      ...(raw._meta !== undefined ? { _meta: raw._meta } : {}),
    };
  }

  /** Tells the server the host's roots changed (only declared when the host gave a roots hook). */
  rootsChanged(): void {
    if (!this.opts.hooks?.roots) return;
    if (this.client.getProtocolEra() === 'modern') return; // the modern era has no roots/list_changed: roots go with each input request
    this.client.sendRootsListChanged().catch((e: unknown) => this.opts.onProtocolError(`notifications/roots/list_changed not sent: ${(e as Error).message}`));
  }

  /** Whether the server answers a ping (modern, or through a proxy: server/discover) within `ms`; any JSON-RPC error it sends back is an answer. */
  async ping(ms: number): Promise<boolean> {
    try {
      await this.probeOnce(ms);
      return true;
    } catch (e) {
      return e instanceof McpError && e.code !== (ErrorCode.RequestTimeout as number) && e.code !== (ErrorCode.ConnectionClosed as number);
    }
  }

  /** One liveness question (see McpSessionOptions.probe): resolves when answered, rejects with the pool's error otherwise. */
  private probeOnce(ms: number): Promise<unknown> {
    if (this.proxyProbe) return this.proxyProbe.ask(ms);
    if (this.modern) return this.sdk(this.client.discover({ timeout: ms }));
    return this.sdk(this.client.ping({ timeout: ms }));
  }

  private checkErrorOutput(tool: ToolInfo, value: unknown): void {
    let check = this.errorValidators.get(tool);
    if (!check) {
      const validate = outputSchemaValidator().getValidator(tool.outputSchema as JsonSchemaType);
      check = (v) => void validate(v);
      this.errorValidators.set(tool, check);
    }
    try {
      check(value);
    } catch (e) {
      throw fromSdk(e);
    }
  }

  /** The call's promise, its SDK v2 error (if any) turned into the pool's (mcpErrors.ts); an era refusal is told to the connection. */
  private sdk<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      const error = fromSdk(e);
      if (error instanceof McpError && error.code === UNSUPPORTED_PROTOCOL_VERSION) this.opts.onEraRefused?.(error);
      throw error;
    });
  }

  /** No more pings; called as soon as the link is down or closing. */
  quiet(): void {
    this.liveness.dispose();
    this.listen.dispose();
    this.proxyProbe?.dispose();
    this.tasks2026?.dispose();
  }

  async close(): Promise<void> {
    this.liveness.dispose();
    this.listen.dispose();
    this.proxyProbe?.dispose();
    this.tasks2026?.dispose();
    await this.client.close().catch(() => undefined);
    this.clocks.dispose();
  }
}

/** A task's result against its tool's output schema (a plain call's is checked by the Client). */
function checkOutput(tool: ToolInfo, result: CallToolResult): void {
  if (!tool.outputSchema) return;
  if (result.structuredContent === undefined)
    throw new McpError(ErrorCode.InvalidRequest, `Tool ${tool.name} has an output schema but did not return structured content`);
  outputSchemaValidator().getValidator(tool.outputSchema)(result.structuredContent);
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
