// Shared vocabulary of the pool. Nothing in src/pool imports `vscode`.

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

export interface ToolInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** One content item of a tool result, as the server sent it. */
export type ContentItem = Readonly<Record<string, unknown>> & { readonly type: string };

/** A tool result, whole: every content item, structured content and the error flag. */
export interface ToolResult {
  readonly content: readonly ContentItem[];
  readonly structuredContent?: Readonly<Record<string, unknown>>;
  readonly isError: boolean;
}

export interface CallOptions {
  /** Cancels the call; the server receives `notifications/cancelled`. */
  readonly signal?: AbortSignal;
  /** Per-call timeout in ms (defaults to the pool's call timeout). */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
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
