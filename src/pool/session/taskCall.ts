// A tool whose `execution.taskSupport` is 'required' is called as a task (the 2025-11-25 tasks:
// tools/call with `task`, then tasks/get polling and tasks/result). SDK v2's Client has no
// experimental tasks API any more (tasks moved to an extension, `@modelcontextprotocol/ext-tasks`);
// the 2025 flow is three plain requests, sent here with the core schemas. On top of it:
//   - each new status (or status message) is reported (onStatus) and counts as a sign of life for
//     the call's timeout; progress arrives under the token of the creating request, as for a call;
//   - when the call ends early (cancelled, timed out, the server found gone) the task is cancelled
//     on the server (tasks/cancel) and the call fails at once, not after the next poll;
//   - a task that ends 'failed' gives its result (an error result) when the server has one, and
//     otherwise an error that says so with the status message;
//   - a server asking for a poll interval below MIN_POLL_MS is polled every MIN_POLL_MS, so no
//     server can make the host poll in a tight loop; the result is checked against the tool's
//     output schema (`validate`), as a plain call's is by the Client.
import { setMaxListeners } from 'node:events';
import type { CallToolResult, Client, Progress, Task } from '@modelcontextprotocol/client';
import { CallToolResultSchema, CancelTaskResultSchema, CreateTaskResultSchema, GetTaskResultSchema } from '@modelcontextprotocol/core';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../../common/abort';
import { fromSdk } from './mcpErrors';
import type { TaskStatusUpdate } from '../types';

export const MIN_POLL_MS = 50;

export interface TaskCallOptions {
  /** Ends the call (the caller's cancel, the call's timeout, the liveness check); the task is then cancelled. */
  readonly signal: AbortSignal;
  /** The SDK's timeout for each request of the task (the signal decides first). */
  readonly requestTimeoutMs: number;
  readonly onprogress?: (progress: Progress) => void;
  /**
   * Progress of a task arrives after the creating request's answer, when the SDK v2 Client has
   * forgotten its token: the session hands it here by a token of the task call's own (mcpSession.ts).
   */
  readonly progressToken?: string;
  readonly onStatus?: (task: TaskStatusUpdate) => void;
  /** A new status or status message: the call's timeout starts over. */
  readonly alive: () => void;
  /** How long tasks/cancel may take. */
  readonly cancelTimeoutMs: number;
  /** tasks/cancel could not be sent or was refused: a note for the log. */
  readonly onCancelFailed: (message: string) => void;
  /** Checks a result against the tool's output schema (throws when it does not match). */
  readonly validate?: (result: CallToolResult) => void;
}

export async function callToolAsTask(client: Client, name: string, args: Record<string, unknown>, o: TaskCallOptions): Promise<CallToolResult> {
  let taskId: string | undefined;
  let cancelling = false;
  const cancel = () => {
    if (taskId === undefined || cancelling) return;
    cancelling = true;
    const id = taskId;
    client
      .request({ method: 'tasks/cancel', params: { taskId: id } }, CancelTaskResultSchema, { timeout: o.cancelTimeoutMs })
      .catch((e: unknown) => o.onCancelFailed(`tasks/cancel of task ${id} ("${name}") failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  o.signal.addEventListener('abort', cancel, { once: true });
  try {
    return await untilAborted(follow(), o.signal, () =>
      o.signal.reason instanceof Error ? o.signal.reason : new McpError(ErrorCode.InternalError, 'the call was aborted'),
    );
  } catch (e) {
    throw fromSdk(e);
  } finally {
    o.signal.removeEventListener('abort', cancel);
  }

  async function follow(): Promise<CallToolResult> {
    // one abort listener per request of the task (every poll): the signal is this call's own
    setMaxListeners(0, o.signal);
    const requestOptions = { signal: o.signal, timeout: o.requestTimeoutMs };
    const meta = o.progressToken !== undefined ? { _meta: { progressToken: o.progressToken } } : {};
    const created = await client.request(
      { method: 'tools/call', params: { name, arguments: args, task: {}, ...meta } },
      CreateTaskResultSchema,
      requestOptions,
    );
    let task: Task = created.task;
    taskId = task.taskId;
    let last: Task | undefined;
    // Bounded: every request ends with the signal, and a terminal status ends the loop.
    for (;;) {
      if (last?.status !== task.status || last.statusMessage !== task.statusMessage) {
        o.alive();
        o.onStatus?.({ ...task });
      }
      last = task;
      if (task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled' || task.status === 'input_required') break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(MIN_POLL_MS, Math.min(task.pollInterval ?? MIN_POLL_MS, 5_000))));
      task = { ...task, ...(await client.request({ method: 'tasks/get', params: { taskId: task.taskId } }, GetTaskResultSchema, requestOptions)) };
    }
    if (task.status === 'cancelled')
      throw new McpError(ErrorCode.InternalError, `task ${task.taskId} was cancelled by the server${task.statusMessage ? `: ${task.statusMessage}` : ''}`);
    // tasks/result waits for the end (an input_required task asks the host meanwhile, through the hooks)
    const result = await client
      .request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema, requestOptions)
      .catch((e: unknown) => {
        if (task.status === 'failed' && !o.signal.aborted)
          throw new McpError(ErrorCode.InternalError, `task ${task.taskId} failed${task.statusMessage ? `: ${task.statusMessage}` : ''}`);
        throw e;
      });
    if (!result.isError) o.validate?.(result);
    return result;
  }
}
