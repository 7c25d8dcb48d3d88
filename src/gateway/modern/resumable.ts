// One request of a modern (2026-07-28) client whose result may be `input_required`: in that
// revision `tools/call`, `prompts/get` and `resources/read` (the methods the SDK v2 server's
// multi-round-trip seam serves). The request is started upstream on the client's first exchange;
// each retry that carries the requestState it was given resumes it (never sends it again) with
// the client's `inputResponses`; a question of the upstream server meanwhile ends the exchange
// with `input_required` and parks the request (inputRequired.ts: one table per app, the same
// bounds for every method).
import { type ClientCapabilities, ProtocolError, ProtocolErrorCode, type ServerContext } from '@modelcontextprotocol/server';
import { type AskingMethod, type InputMethod, ModernCall } from './inputRequired';
import type { AppRoom } from './requests';

type Progress = { progress: number; total?: number; message?: string };

/** What the request is, as its retries must repeat it: the method, the tool / prompt / URI, its arguments. */
export interface Asking {
  readonly method: AskingMethod;
  readonly name: string;
  readonly args?: unknown;
  /** The progress token of this exchange (tools/call), if the client gave one. */
  readonly progressToken?: string | number;
}

/**
 * Runs (first exchange) or resumes (a retry with requestState) one asking request; answers its
 * outcome, or `input_required` with the questions that wait for the client.
 */
export async function resumable<T, R>(
  room: AppRoom,
  x: ServerContext,
  asking: Asking,
  run: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>,
  toResult: (outcome: T) => R,
): Promise<R> {
  const binding = bindingOf(asking, x);
  const state = x.mcpReq.requestState<unknown>();
  let call: ModernCall<T>;
  if (typeof state === 'string') {
    const resumed = room.parked.resume(state, binding) as ModernCall<T> | undefined;
    if (!resumed)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid or expired requestState: app "${room.app}" has no ${asking.method} of this client waiting for these answers (it expired, was answered already, or was made with other arguments); send it again without requestState`,
      );
    call = resumed;
    call.answer(x.mcpReq.inputResponses ?? {});
  } else {
    const caps = (x.mcpReq.envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientCapabilities'] as ClientCapabilities | undefined;
    call = new ModernCall<T>(asking.method, caps ?? {}, async (signal) => {
      try {
        return await run(signal, (p) => call.progress?.(p));
      } finally {
        room.calls.delete(call);
      }
    });
    room.calls.add(call);
  }
  // this exchange's progress token and its stream: closing it cancels the request
  const token = asking.progressToken;
  // progress goes out before the answer (the exchange's stream ends with it): the sends are awaited before answering
  let sent = Promise.resolve();
  call.progress =
    token === undefined
      ? undefined
      : (p) => {
          const note = x.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, ...p } }).catch(() => undefined);
          sent = sent.then(() => note);
        };
  const onAbort = () => call.cancel(new Error('the client closed the request (cancelled)'));
  if (x.mcpReq.signal.aborted) onAbort();
  x.mcpReq.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const turn = await call.next();
    await sent;
    if (turn.kind === 'done') return toResult(turn.result);
    const requestState = room.parked.park(call, binding);
    if (requestState === undefined) {
      call.cancel(new Error('too many requests wait for their clients'));
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `app "${room.app}" has too many requests waiting for their clients' answers (input_required); answer or abandon those first, then send it again`,
      );
    }
    const inputRequests: Record<string, { method: InputMethod; params?: unknown }> = {};
    for (const [key, q] of turn.questions) inputRequests[key] = q.params === undefined ? { method: q.method } : { method: q.method, params: q.params };
    return { resultType: 'input_required', inputRequests, requestState } as R;
  } finally {
    x.mcpReq.signal.removeEventListener('abort', onAbort);
    call.progress = undefined;
  }
}

/** What a retry must repeat to resume a request: the client's name, the method, the tool / prompt / URI and its arguments. */
function bindingOf(asking: Asking, x: ServerContext): string {
  const info = (x.mcpReq.envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientInfo'] as { name?: string } | undefined;
  return JSON.stringify([info?.name ?? '', asking.method, asking.name, asking.args ?? {}]);
}
