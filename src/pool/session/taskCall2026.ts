// Tools that must run as tasks on a 2026-07-28 server, through the tasks extension
// (`io.modelcontextprotocol/tasks`, SEP-2663) and its client, @modelcontextprotocol/ext-tasks: the
// server answers tools/call with a task handle (`resultType: "task"`), the client polls tasks/get
// until the task ends (its result or error comes with the last status) and may send tasks/cancel.
// The 2025-11-25 tasks (tools/call with `task`, tasks/result) stay in taskCall.ts.
//
// When: only on a modern connection whose server declares the extension, and only for a tool that
// needs it — in 2026-07-28 a listing carries no `execution.taskSupport` (deleted vocabulary), so a
// tool is known to need a task when the server refused a plain call of it with -32021
// MissingRequiredClientCapability naming the extension (a refusal before running it: the call is
// sent again through the extension, never run twice) — remembered for the session — or when a
// listing still says `taskSupport: "required"`. The extension is declared (the request's
// clientCapabilities `extensions`) only on the requests sent through here, where the pool can take a
// task for an answer; every other call stays a plain SDK call.
//
// The package drives the task (creation, polling, cancel, a task created after the call gave up is
// cancelled); it needs the host's raw dispatch (rawRequests.ts) and the request framing. On top of
// it the pool keeps the promises of taskCall.ts: each new status or status message is reported
// (onStatus) and counts as a sign of life for the call's timeout; progress comes by the call's own
// token (mcpSession.ts); a call that ends early (cancelled, timed out, the server found gone)
// cancels the task on the server and fails at once; a failed task gives the server's error; polls
// are never closer than MIN_POLL_MS (and at most MAX_POLL_MS apart whatever the server suggests);
// the result is checked against the tool's output schema.
import type { CallToolResult, Client, ClientCapabilities, Implementation } from '@modelcontextprotocol/client';
import type { TaskEnabledSession, TaskView, ToolExecution } from '@modelcontextprotocol/ext-tasks/client' with { 'resolution-mode': 'import' };
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../../common/abort';
import { fromSdk } from './mcpErrors';
import { RawRequests, type RawResponse } from './rawRequests';
import { MIN_POLL_MS, type TaskCallOptions } from './taskCall';
import type { ToolInfo } from '../types';
import type { TaskInputQuestion } from './clientHooks';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** The longest wait between two polls, whatever the server suggests (as for 2025 tasks). */
export const MAX_POLL_MS = 5_000;
const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

export interface ExtensionTaskCallOptions extends TaskCallOptions {
  /** The call's own _meta (the log level), beside the progress token. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

interface ExtensionTasksOptions {
  readonly app: string;
  readonly clientInfo: Implementation;
  /** What the Client declares on every request; the extension is added on the requests sent here. */
  readonly capabilities: ClientCapabilities;
  readonly onProblem: (message: string) => void;
  /** What a task asks of the host (elicitation, sampling, roots), answered by the pool's hooks (clientHooks.ts). */
  readonly answer: (question: TaskInputQuestion, signal: AbortSignal) => Promise<unknown>;
}

/** The tasks extension on one modern connection; undefined where the server does not declare it. */
export class ExtensionTasks {
  private readonly raw: RawRequests;
  private session?: Promise<TaskEnabledSession>;
  /** Tools the server refused to run without the extension (this session). */
  private readonly needTask = new Set<string>();
  /** When the last tasks/get of each task in flight was sent. */
  private readonly lastPoll = new Map<string, number>();

  static offeredBy(client: Client): boolean {
    return client.getProtocolEra() === 'modern' && client.getServerCapabilities()?.extensions?.[TASKS_EXTENSION] !== undefined;
  }

  constructor(
    private readonly client: Client,
    transport: ConstructorParameters<typeof RawRequests>[0],
    private readonly o: ExtensionTasksOptions,
  ) {
    this.raw = new RawRequests(transport);
  }

  /** Whether a call of `name` goes through the extension. */
  wants(name: string, tool: ToolInfo | undefined): boolean {
    return this.needTask.has(name) || tool?.execution?.taskSupport === 'required';
  }

  /** A plain call's error: true when the server refused it for want of the extension (it is remembered; call through here). */
  refused(name: string, e: unknown): boolean {
    if (!(e instanceof McpError) || e.code !== MISSING_REQUIRED_CLIENT_CAPABILITY) return false;
    const required = (e.data as { requiredCapabilities?: { extensions?: Record<string, unknown> } } | undefined)?.requiredCapabilities;
    if (required?.extensions?.[TASKS_EXTENSION] === undefined) return false;
    this.needTask.add(name);
    return true;
  }

  async call(name: string, args: Record<string, unknown>, o: ExtensionTaskCallOptions): Promise<CallToolResult> {
    // The execution's own lifetime: it ends once the task is cancelled on the server (or at once before there is a task).
    const local = new AbortController();
    let execution: ToolExecution<unknown> | undefined;
    const cancel = () => {
      if (execution?.kind !== 'task') return local.abort(o.signal.reason);
      const id = execution.handle.taskId;
      execution
        .cancel(AbortSignal.timeout(o.cancelTimeoutMs))
        .catch((e: unknown) => o.onCancelFailed(`tasks/cancel of task ${id} ("${name}") failed: ${describe(e)}`))
        .finally(() => local.abort(o.signal.reason));
    };
    o.signal.addEventListener('abort', cancel, { once: true });
    const follow = async (): Promise<CallToolResult> => {
      const session = await this.open();
      const meta = { ...o.meta, ...(o.progressToken !== undefined ? { progressToken: o.progressToken } : {}) };
      execution = await session.callTool(name, args as never, {
        signal: local.signal,
        requestTimeoutMs: o.requestTimeoutMs,
        ...(Object.keys(meta).length ? { metadata: meta } : {}),
      });
      if (o.signal.aborted) cancel();
      let last: TaskView | undefined;
      const { outcome } = await execution.settle({
        onEvent: (event) => {
          if (event.type !== 'task') return;
          const task = event.task;
          if (last?.status === task.status && last.statusMessage === task.statusMessage) return;
          last = task;
          o.alive();
          o.onStatus?.({
            taskId: task.taskId,
            status: task.status,
            ...(task.statusMessage !== undefined ? { statusMessage: task.statusMessage } : {}),
            createdAt: task.createdAt ?? '',
            lastUpdatedAt: task.lastUpdatedAt ?? '',
            ...(task.suggestedPollIntervalMs !== undefined ? { pollInterval: task.suggestedPollIntervalMs } : {}),
            ttl: task.retentionMs,
          });
        },
      });
      const id = execution.kind === 'task' ? execution.handle.taskId : undefined;
      if (outcome.status === 'cancelled') throw new McpError(ErrorCode.InternalError, `task ${id} ("${name}") was cancelled by the server`);
      if (outcome.status === 'failed') {
        const { code, data, message } = outcome.error;
        throw new McpError(code ?? ErrorCode.InternalError, `task ${id} ("${name}") failed: ${message}`, data);
      }
      const { resultType: _complete, ...result } = outcome.result as CallToolResult & { resultType?: unknown };
      if (!result.isError) o.validate?.(result);
      return result;
    };
    try {
      return await untilAborted(follow(), o.signal, () =>
        o.signal.reason instanceof Error ? o.signal.reason : new McpError(ErrorCode.InternalError, 'the call was aborted'),
      );
    } catch (e) {
      throw poolError(e);
    } finally {
      o.signal.removeEventListener('abort', cancel);
      if (execution?.kind === 'task') this.lastPoll.delete(execution.handle.taskId);
    }
  }

  /** The connection ends: requests in flight fail as closed, the extension's session lets go of the Client. */
  dispose(): void {
    this.raw.dispose();
    void this.session?.then((s) => s.close()).catch(() => undefined);
  }

  /** The extension's session over this Client, made at the first task call (the package is ESM: loaded then). */
  private open(): Promise<TaskEnabledSession> {
    this.session ??= import('@modelcontextprotocol/ext-tasks/client').then(({ createTaskSessionFromClient }) =>
      // the same Client: its typings come twice (the CommonJS and the ESM build of the SDK)
      createTaskSessionFromClient(this.client as never, {
        endpointId: `mcp-pool:${this.o.app}`,
        rawDispatch: (request, options) =>
          this.dispatch(request as { method: string; params?: Record<string, unknown> }, options?.context?.requestTimeoutMs) as never,
        v2RequestFraming: {
          protocolVersion: this.client.getNegotiatedProtocolVersion() ?? '',
          clientInfo: { ...this.o.clientInfo },
          clientCapabilities: { ...this.o.capabilities } as never,
        },
        // the pool knows its tools: the package lists nothing itself
        tools: { currentTool: () => undefined },
        onError: (e) => this.o.onProblem(`tasks extension: ${e.message}`),
        // a task that is input_required (or a call answered input_required) asks the host through the same hooks
        onInputRequest: (question, context) => this.o.answer(question, context.signal ?? new AbortController().signal) as never,
      }),
    );
    return this.session;
  }

  /** One request of the package: polls spaced by MIN_POLL_MS at least, the suggested interval kept within our bounds. */
  private async dispatch(request: { method: string; params?: Record<string, unknown> }, timeoutMs = MAX_POLL_MS * 6): Promise<RawResponse> {
    const taskId = typeof request.params?.taskId === 'string' ? request.params.taskId : undefined;
    if (request.method === 'tasks/get' && taskId !== undefined) {
      const wait = (this.lastPoll.get(taskId) ?? 0) + MIN_POLL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastPoll.set(taskId, Date.now());
    }
    const response = await this.raw.send(request, timeoutMs);
    if (response.kind !== 'result' || !isRecord(response.result) || typeof response.result.pollIntervalMs !== 'number') return response;
    const pollIntervalMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.round(response.result.pollIntervalMs)));
    return { kind: 'result', result: { ...response.result, pollIntervalMs } };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The package's errors as the pool's: a server's error answer as an McpError; a request of ours that failed, as its own error. */
function poolError(e: unknown): unknown {
  if (e instanceof McpError) return e;
  const err = e as { name?: string; code?: unknown; message?: string; data?: unknown; cause?: unknown };
  if (err?.name === 'JsonRpcResponseError' && typeof err.code === 'number') return new McpError(err.code, err.message ?? 'error', err.data);
  if (err?.name === 'DispatchError' && err.cause !== undefined) return poolError(err.cause);
  return fromSdk(e);
}
