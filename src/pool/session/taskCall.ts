// A tool whose `execution.taskSupport` is 'required' is called as a task, through the SDK's
// experimental tasks API: callToolStream creates the task (tools/call with `task`), polls tasks/get
// and fetches tasks/result, validating the result against the tool's output schema. On top of it:
//   - each new status (or status message) is reported (onStatus) and counts as a sign of life for
//     the call's timeout; progress arrives under the token of the creating request, as for a call;
//   - when the call ends early (cancelled, timed out, the server found gone) the task is cancelled
//     on the server (tasks/cancel) and the call fails at once, not after the next poll;
//   - a task that ends 'failed' gives its result (an error result) when the server has one, and
//     otherwise an error that says so with the status message;
//   - a server asking for a poll interval below MIN_POLL_MS is polled every MIN_POLL_MS (the
//     stream is pulled no faster), so no server can make the host poll in a tight loop.
import { setMaxListeners } from 'node:events';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type CallToolResult, CallToolResultSchema, ErrorCode, McpError, type Progress, type Task } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../../common/abort';
import type { TaskStatusUpdate } from '../types';

const MIN_POLL_MS = 50;

export interface TaskCallOptions {
  /** Ends the call (the caller's cancel, the call's timeout, the liveness check); the task is then cancelled. */
  readonly signal: AbortSignal;
  /** The SDK's timeout for each request of the task (the signal decides first). */
  readonly requestTimeoutMs: number;
  readonly onprogress?: (progress: Progress) => void;
  readonly onStatus?: (task: TaskStatusUpdate) => void;
  /** A new status or status message: the call's timeout starts over. */
  readonly alive: () => void;
  /** How long tasks/cancel may take. */
  readonly cancelTimeoutMs: number;
  /** tasks/cancel could not be sent or was refused: a note for the log. */
  readonly onCancelFailed: (message: string) => void;
}

export async function callToolAsTask(client: Client, name: string, args: Record<string, unknown>, o: TaskCallOptions): Promise<CallToolResult> {
  let taskId: string | undefined;
  let cancelling = false;
  const cancel = () => {
    if (taskId === undefined || cancelling) return;
    cancelling = true;
    const id = taskId;
    client.experimental.tasks
      .cancelTask(id, { timeout: o.cancelTimeoutMs })
      .catch((e: unknown) => o.onCancelFailed(`tasks/cancel of task ${id} ("${name}") failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  o.signal.addEventListener('abort', cancel, { once: true });
  try {
    return await untilAborted(follow(), o.signal, () =>
      o.signal.reason instanceof Error ? o.signal.reason : new McpError(ErrorCode.InternalError, 'the call was aborted'),
    );
  } finally {
    o.signal.removeEventListener('abort', cancel);
  }

  async function follow(): Promise<CallToolResult> {
    // The SDK adds an abort listener to the signal for each request of the stream (every poll) and
    // never removes it; the signal is this call's own, so they go with it, but Node would warn past 10.
    setMaxListeners(0, o.signal);
    const requestOptions = { signal: o.signal, timeout: o.requestTimeoutMs };
    const stream = client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, {
      ...requestOptions,
      onprogress: o.onprogress,
      task: {},
    });
    let last: Task | undefined;
    let pulled = Date.now();
    // Bounded: the stream ends with a result or an error, and every request in it ends with the signal.
    for await (const message of stream) {
      if (message.type === 'taskCreated' || message.type === 'taskStatus') {
        taskId = message.task.taskId;
        if (last?.status !== message.task.status || last.statusMessage !== message.task.statusMessage) {
          o.alive();
          o.onStatus?.({ ...message.task });
        }
        last = message.task;
        const wait = MIN_POLL_MS - (Date.now() - pulled);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        pulled = Date.now();
      } else if (message.type === 'result') {
        return message.result;
      } else {
        if (last?.status === 'failed') {
          const result = await client.experimental.tasks.getTaskResult(last.taskId, CallToolResultSchema, requestOptions).catch(() => undefined);
          if (result) return result;
        }
        if (last?.status === 'failed' || last?.status === 'cancelled') {
          throw new McpError(
            ErrorCode.InternalError,
            `task ${last.taskId} ${last.status === 'failed' ? 'failed' : 'was cancelled by the server'}${last.statusMessage ? `: ${last.statusMessage}` : ''}`,
          );
        }
        throw message.error;
      }
    }
    throw new McpError(ErrorCode.InternalError, `the task of "${name}" ended without a result`);
  }
}
