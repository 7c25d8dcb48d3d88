// Shared vocabulary of the pool. Nothing in src/pool imports `vscode`.
import type { Icon, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

/** A validated app definition: what to run for one pooled app. */
export type AppSpec = RemoteAppSpec | StdioAppSpec;

interface AppSpecBase {
  /** Unique name of the app (the key in settings). */
  readonly name: string;
  /** Idle timeout override in milliseconds (0 = never evict for idleness). */
  readonly idleTimeoutMs?: number;
  /** Extra environment variables for the child process. */
  readonly env: Readonly<Record<string, string>>;
}

/** A remote MCP server reached through mcp-remote (stdio ↔ HTTP, OAuth). */
export interface RemoteAppSpec extends AppSpecBase {
  readonly kind: 'remote';
  readonly url: string;
  /** Extra mcp-remote arguments, e.g. `--transport http-only`, `--allow-http`. */
  readonly args: readonly string[];
  /** Headers passed as `--header Name:Value`; values may hold secrets and are never logged. */
  readonly headers: Readonly<Record<string, string>>;
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
}

export type AppStatus = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'crashed';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A point-in-time view of one app, safe to render (holds no secrets). */
export interface AppSnapshot {
  readonly name: string;
  readonly kind: AppSpec['kind'];
  /** URL (remote) or command line (stdio), for display. */
  readonly target: string;
  readonly status: AppStatus;
  /** When the current (or last) process was started; undefined if never started. */
  readonly createdAt?: number;
  readonly lastUsedAt?: number;
  readonly pid?: number;
  readonly inFlight: number;
  readonly calls: number;
  readonly errors: number;
  readonly starts: number;
  readonly lastError?: string;
  readonly exit?: ExitInfo;
  readonly serverName?: string;
  readonly serverVersion?: string;
  readonly toolCount?: number;
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
  /** True when this call had to start the process (cold start). */
  readonly coldStart: boolean;
  /** How long that start took (spawn + initialize), when known. */
  readonly startMs?: number;
  readonly pid?: number;
}

export type PoolEvent =
  | { readonly type: 'state'; readonly app: string; readonly snapshot: AppSnapshot }
  | { readonly type: 'started'; readonly app: string; readonly pid: number; readonly durationMs: number }
  /** `detail`: why, in words, when the reason alone does not say it (flooding: what the server sent, and the limit). */
  | { readonly type: 'stopped'; readonly app: string; readonly reason: StopReason; readonly detail?: string }
  | { readonly type: 'crashed'; readonly app: string; readonly exit: ExitInfo; readonly stderrTail: readonly string[] }
  | { readonly type: 'startFailed'; readonly app: string; readonly error: string; readonly stderrTail: readonly string[] }
  | { readonly type: 'stderr'; readonly app: string; readonly line: string }
  | { readonly type: 'authRequired'; readonly app: string; readonly url: string }
  | { readonly type: 'toolsChanged'; readonly app: string }
  /** The watchdog died and was replaced (or could not be); `app` is empty. */
  | { readonly type: 'watchdog'; readonly app: ''; readonly message: string };

/**
 * Why an app was stopped. `unused`: started for an invocation the user then cancelled.
 * `flooding`: the server sent more than the pool accepts (unsolicited messages past the budget,
 * bytes without a line break); its tree was killed.
 */
export type StopReason = 'idle' | 'lru' | 'user' | 'restart' | 'config' | 'shutdown' | 'removed' | 'hung' | 'unused' | 'unreachable' | 'flooding';
