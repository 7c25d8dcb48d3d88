// Shared vocabulary of the pool. Nothing in src/pool imports `vscode`.
import type { Icon, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { RunningStatus } from '../common/appStatus';

export { isAlive, isRunning, type RunningStatus } from '../common/appStatus';

/** A validated app definition: what to run for one pooled app. */
export type AppSpec = RemoteAppSpec | StdioAppSpec;

interface AppSpecBase {
  /** Unique name of the app (the key in settings). */
  readonly name: string;
  /** Idle timeout override in milliseconds (0 = never evict for idleness). */
  readonly idleTimeoutMs?: number;
  /** Extra environment variables for the child process. */
  readonly env: Readonly<Record<string, string>>;
  /** What the app is for, in the user's words (the definition's `description`): shown, never run. */
  readonly description?: string;
}

/**
 * How a remote app is reached: through an mcp-remote process (stdio ↔ HTTP, its own OAuth), or
 * directly from the pool's host over HTTP (Streamable HTTP, or legacy SSE; httpLink.ts).
 */
export type RemoteTransport = 'mcp-remote' | 'direct';

/** The setting `mcpPool.remoteTransport`: one of the two, or `auto` (direct unless the app needs mcp-remote; remoteChoice.ts). */
export type RemoteTransportSetting = RemoteTransport | 'auto';

/** mcp-remote's `--transport` modes, which a direct app follows too (directTransport.ts). */
export const TRANSPORT_STRATEGIES = ['http-first', 'http-only', 'sse-only', 'sse-first'] as const;
export type TransportStrategy = (typeof TRANSPORT_STRATEGIES)[number];

/** A remote MCP server reached through mcp-remote or directly over HTTP. */
export interface RemoteAppSpec extends AppSpecBase {
  readonly kind: 'remote';
  readonly url: string;
  /** Extra mcp-remote arguments, e.g. `--transport http-only`, `--allow-http` (not used by a direct app). */
  readonly args: readonly string[];
  /** Headers sent to the server (mcp-remote: `--header Name:Value`); values may hold secrets and are never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined: through mcp-remote. */
  readonly transport?: RemoteTransport;
  /** Chosen by the setting's `auto`, and why (shown once in the app's log and in the hover). */
  readonly transportChoice?: string;
}

/** A local MCP server spoken to over stdio. */
export interface StdioAppSpec extends AppSpecBase {
  readonly kind: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** The concrete process to start for an app. Never run through a shell. */
export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Secrets the process reads from files (mode 0600), named at the end of its arguments: never on its command line. */
  readonly secretFiles?: readonly SecretFile[];
}

/** A file a process reads a secret from, named on its command line by `flag` (then `prefix` + its path). */
export interface SecretFile {
  readonly flag: string;
  /** Put before the path (`@` for mcp-remote's `--static-oauth-client-info @PATH`). */
  readonly prefix: string;
  readonly name: string;
  readonly content: string;
}

/** `crashed`: a running server died; `failed`: its last start never completed (the server exited during it). */
export type AppStatus = 'starting' | RunningStatus | 'stopping' | 'stopped' | 'crashed' | 'failed';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why a link that is no process ended (a direct connection: "the server ended the session"). */
  readonly reason?: string;
}

/** A point-in-time view of one app, safe to render (holds no secrets). */
export interface AppSnapshot {
  readonly name: string;
  readonly kind: AppSpec['kind'];
  /** URL (remote) or command line (stdio), for display. */
  readonly target: string;
  /** The definition's `description`, if it has one. */
  readonly description?: string;
  readonly status: AppStatus;
  /** When the current (or last) connection was started; undefined if never started. */
  readonly createdAt?: number;
  readonly lastUsedAt?: number;
  readonly pid?: number;
  /** How the app is reached: its own process over stdio, through an mcp-remote process, or directly over HTTP from the host (no process). */
  readonly transport: 'stdio' | RemoteTransport;
  /** Why that transport, when the setting's `auto` chose it. */
  readonly transportChoice?: string;
  /** Requests in flight: tool calls and the other uses of the app (reads, prompts; not a view's listings). */
  readonly inFlight: number;
  /** Of those, tool calls. */
  readonly callsInFlight?: number;
  readonly calls: number;
  readonly errors: number;
  readonly starts: number;
  readonly lastError?: string;
  readonly exit?: ExitInfo;
  readonly serverName?: string;
  readonly serverVersion?: string;
  /**
   * The MCP protocol revision the running connection speaks (e.g. "2025-11-25", "2026-07-28") and
   * its era: 'modern' (2026-07-28 on: server/discover, no initialize) or 'legacy'. Through mcp-remote:
   * the remote's revision when mcp-remote bridges to a modern server (it says so on its stderr), else
   * the 2025 revision negotiated through it (which mcp-remote relays from the remote).
   */
  readonly protocolVersion?: string;
  readonly protocolEra?: 'legacy' | 'modern';
  readonly toolCount?: number;
  /**
   * What the server declared at its last start (undefined before the first one): views show only
   * the groups it has. A feature it does not declare fails at once with `unsupported`.
   */
  readonly capabilities?: ServerFeatures;
  /** The server's instructions (initialize result) at its last start, masked like stderr. */
  readonly instructions?: string;
  /** Counts from the last listing; undefined until listed, and again once the server says the list changed. */
  readonly resourceCount?: number;
  readonly resourceTemplateCount?: number;
  readonly promptCount?: number;
  /** Resources subscribed to, re-established after each start (appFeatures.ts); the pool always sets it. */
  readonly subscriptions?: readonly string[];
  /** The log level asked for with setLogLevel, sent after each start to a server that declares logging. */
  readonly logLevel?: LogLevel;
  /** Set while the crash-loop guard holds back the next start. */
  readonly backoffUntil?: number;
  readonly consecutiveFailures: number;
  /** Authorization URL printed by mcp-remote, while authorization is pending. */
  readonly authUrl?: string;
  readonly stderrTail: readonly string[];
}

/**
 * A tool as the server listed it, whole: every field the SDK's Tool schema knows is kept as it was
 * sent (unknown keys are dropped by the SDK's validation, not by the pool).
 */
export interface ToolInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** JSON Schema of the result's structuredContent; the SDK checks every result of the tool against it. */
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  /** Hints: title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint (untrusted unless the server is). */
  readonly annotations?: Readonly<ToolAnnotations>;
  readonly icons?: readonly Readonly<Icon>[];
  /** `taskSupport: 'required'`: the pool calls the tool as a task (see CallOptions.onStatus). */
  readonly execution?: { readonly taskSupport?: 'forbidden' | 'optional' | 'required' };
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** What a server declared in its capabilities, as flags (`subscribe`: resources.subscribe). */
export interface ServerFeatures {
  readonly tools: boolean;
  readonly resources: boolean;
  readonly subscribe: boolean;
  readonly prompts: boolean;
  readonly completions: boolean;
  readonly logging: boolean;
}

/**
 * Listings, reads, prompts and completions: `observe` (a view refreshing what it shows: on a
 * running app no use of it, never retried), `startToken` (see Pool.startInfo), `signal` (cancels
 * the request), `timeoutMs` (defaults to the pool's call timeout).
 */
export interface FeatureOptions {
  readonly observe?: boolean;
  /** Who subscribes or unsubscribes (subscriptions are counted per subscriber); default: the host. */
  readonly subscriber?: object;
  readonly startToken?: object;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** A resource as the server listed it (fields beyond these, such as `_meta` or `icons`, are kept). */
export interface ResourceInfo {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

/** A resource template (RFC 6570 `uriTemplate`) as the server listed it. */
export interface ResourceTemplateInfo {
  readonly uriTemplate: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

/** One item of a resource's contents: text, or a base64 `blob`. */
export type ResourceContents =
  { readonly uri: string; readonly mimeType?: string; readonly text: string } | { readonly uri: string; readonly mimeType?: string; readonly blob: string };

/** A resource read, whole: every item of its contents. */
export interface ResourceReadResult {
  readonly contents: readonly ResourceContents[];
}

export interface PromptArgumentInfo {
  readonly name: string;
  readonly description?: string;
  readonly required?: boolean;
}

/** A prompt as the server listed it. */
export interface PromptInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly arguments: readonly PromptArgumentInfo[];
}

/** One message of a prompt: its content is text, image, audio, an embedded resource or a resource_link. */
export interface PromptMessage {
  readonly role: 'user' | 'assistant';
  readonly content: ContentItem;
}

/** A prompt got with its arguments, whole: every message as the server sent it. */
export interface PromptResult {
  readonly description?: string;
  readonly messages: readonly PromptMessage[];
}

/** What a completion is for: a prompt's argument, or a variable of a resource template. */
export type CompletionRef = { readonly type: 'ref/prompt'; readonly name: string } | { readonly type: 'ref/resource'; readonly uri: string };

export interface CompletionResult {
  readonly values: readonly string[];
  readonly total?: number;
  readonly hasMore: boolean;
}

/** MCP log levels, least severe first (RFC 5424 severities). */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One content item of a tool result, as the server sent it. */
export type ContentItem = Readonly<Record<string, unknown>> & { readonly type: string };

/** A tool result, whole: every content item, structured content, the error flag and `_meta`. */
export interface ToolResult {
  readonly content: readonly ContentItem[];
  readonly structuredContent?: Readonly<Record<string, unknown>>;
  readonly isError: boolean;
  /** As the server sent it; a task's result also names its task (`io.modelcontextprotocol/related-task`). */
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** Where a task stands (a tool called as a task), as the server reported it. */
export interface TaskStatusUpdate {
  readonly taskId: string;
  readonly status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  readonly statusMessage?: string;
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  readonly pollInterval?: number;
  readonly ttl: number | null;
}

export interface CallOptions {
  /** Cancels the call; the server receives `notifications/cancelled`. */
  readonly signal?: AbortSignal;
  /** Per-call timeout in ms (defaults to the pool's call timeout). */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
  /**
   * A tool called as a task: each new status (created, status message changed, ended). A new status
   * counts as progress for the timeout; a cancelled or timed-out call cancels the task on the server.
   */
  readonly onStatus?: (task: TaskStatusUpdate) => void;
}

export interface CallOutcome {
  readonly result: ToolResult;
  readonly durationMs: number;
  /** True when this call had to start the app (cold start: a process, or a direct session). */
  readonly coldStart: boolean;
  /** How long that start took (spawn + initialize), when known. */
  readonly startMs?: number;
  readonly pid?: number;
}

export type PoolEvent =
  | { readonly type: 'state'; readonly app: string; readonly snapshot: AppSnapshot }
  /** `pid` is the server process's; undefined for a direct app, which has no process. */
  | { readonly type: 'started'; readonly app: string; readonly pid: number | undefined; readonly durationMs: number }
  /** `detail`: why, in words, when the reason alone does not say it (flooding: what the server sent, and the limit). */
  | { readonly type: 'stopped'; readonly app: string; readonly reason: StopReason; readonly detail?: string }
  | { readonly type: 'crashed'; readonly app: string; readonly exit: ExitInfo; readonly stderrTail: readonly string[] }
  | { readonly type: 'startFailed'; readonly app: string; readonly error: string; readonly stderrTail: readonly string[] }
  | { readonly type: 'stderr'; readonly app: string; readonly line: string }
  | { readonly type: 'authRequired'; readonly app: string; readonly url: string }
  | { readonly type: 'toolsChanged'; readonly app: string }
  /** The server's resource list (or its templates) changed: the cached listing was dropped. */
  | { readonly type: 'resourcesChanged'; readonly app: string }
  /** A resource the app is subscribed to changed: read it again to see how. */
  | { readonly type: 'resourceUpdated'; readonly app: string; readonly uri: string }
  | { readonly type: 'promptsChanged'; readonly app: string }
  /** A log message from the server (`notifications/message`); `logger` and `data` masked like stderr. */
  | { readonly type: 'log'; readonly app: string; readonly level: LogLevel; readonly logger?: string; readonly data: unknown }
  /** The watchdog died and was replaced (or could not be); `app` is empty. */
  | { readonly type: 'watchdog'; readonly app: ''; readonly message: string };

/**
 * Why an app was stopped. `unused`: started for an invocation the user then cancelled.
 * `flooding`: the server sent more than the pool accepts (unsolicited messages past the budget,
 * bytes without a line break); its tree was killed.
 */
export type StopReason = 'idle' | 'lru' | 'user' | 'restart' | 'config' | 'shutdown' | 'removed' | 'hung' | 'unused' | 'unreachable' | 'flooding';
