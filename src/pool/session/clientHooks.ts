// What servers may ask of the host, and how the pool answers: roots (roots/list and
// notifications/roots/list_changed), elicitation (form and URL mode) and sampling. The host gives
// hooks (PoolOptions.clientHooks); each capability is declared to servers only when its hook is
// there, so a server never waits for a question nobody will answer. A request for a feature without
// a hook, or one whose hook fails, gets a JSON-RPC error at once; a hook is told (its AbortSignal)
// when the server cancels the request or the connection ends, and is given up on after
// hookTimeoutMs. The SDK's Client does the protocol: its request handlers validate what comes and goes.
import type {
  Client,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  Root,
} from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { untilAborted } from '../../common/abort';

export type { CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams, ElicitResult, Root } from '@modelcontextprotocol/client';

/** The host's roots (e.g. the workspace folders), the same for every app. */
export interface RootsHook {
  list(app: string, signal: AbortSignal): Promise<readonly Root[]> | readonly Root[];
  /** Fires when the roots change: every running app is sent notifications/roots/list_changed. */
  onDidChange(listener: () => void): { dispose(): void };
}

/**
 * What the host answers when a server asks. Every hook is named the app that asks and gets a signal
 * that aborts when the server cancels its request, the connection ends, or hookTimeoutMs passes (the
 * server then gets an error; a late answer is dropped). A hook that throws sends the server an error:
 * an McpError's code and message as they are (e.g. -1 "User rejected sampling request"), any other
 * error as InternalError with its message. While a hook runs, the timeouts of the app's calls in
 * flight stand still (the server waits for the host, not the other way round).
 */
export interface ClientHooks {
  /** Declares `roots: { listChanged: true }`. */
  readonly roots?: RootsHook;
  /** Declares `elicitation` (the modes of `elicitationModes`). Answer accept (with `content` for a form), decline or cancel. */
  readonly elicit?: (app: string, params: ElicitRequestParams, signal: AbortSignal) => Promise<ElicitResult>;
  /** The elicitation modes `elicit` handles; default both. */
  readonly elicitationModes?: readonly ('form' | 'url')[];
  /** A server says the out-of-band part of a URL-mode elicitation is done (notifications/elicitation/complete). */
  readonly elicitationComplete?: (app: string, elicitationId: string) => void;
  /** Declares `sampling`: the host's model answers the server's messages. */
  readonly sample?: (app: string, params: CreateMessageRequestParams, signal: AbortSignal) => Promise<CreateMessageResult>;
}

/** What the client declares at initialize: a capability only where the host gave its hook. */
export function declaredCapabilities(hooks: ClientHooks | undefined): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (hooks?.roots) capabilities.roots = { listChanged: true };
  const modes = hooks?.elicit ? (hooks.elicitationModes ?? ['form', 'url']) : [];
  if (modes.length) capabilities.elicitation = Object.fromEntries(modes.map((m) => [m, {}]));
  if (hooks?.sample) capabilities.sampling = {};
  return capabilities;
}

export interface HostAnswers {
  readonly app: string;
  readonly hooks: ClientHooks;
  /** How long a hook may take before the server is told the host did not answer. */
  readonly timeoutMs: number;
  /** Runs a hook; the calls in flight on the session wait meanwhile without their timeouts running. */
  readonly hold: <T>(answer: () => Promise<T>) => Promise<T>;
}

/** Which capability a server→client request needs, for the error when the host does not provide it. */
const FEATURE: Readonly<Record<string, string>> = { 'roots/list': 'roots', 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling' };

/** Registers the SDK request handlers of the hooks the host gave; every other request is refused at once. */
export function answerServerRequests(client: Client, ctx: HostAnswers): void {
  const { app, hooks } = ctx;
  const declared = declaredCapabilities(hooks);
  const roots = hooks.roots;
  if (roots)
    client.setRequestHandler('roots/list', async (_r, extra) => ({
      roots: [...(await answer(ctx, 'roots/list', extra.mcpReq.signal, (signal) => roots.list(app, signal)))],
    }));
  const elicit = hooks.elicit;
  if (elicit && declared.elicitation) {
    client.setRequestHandler('elicitation/create', (r, extra) =>
      answer(ctx, 'elicitation/create', extra.mcpReq.signal, (signal) => elicit(app, r.params, signal)),
    );
    const complete = hooks.elicitationComplete;
    if (complete) client.setNotificationHandler('notifications/elicitation/complete', (n) => complete(app, n.params.elicitationId));
  }
  const sample = hooks.sample;
  if (sample)
    client.setRequestHandler('sampling/createMessage', (r, extra) =>
      answer(ctx, 'sampling/createMessage', extra.mcpReq.signal, (signal) => sample(app, r.params, signal)),
    );
  // The SDK would answer "Method not found"; say which capability this client did not declare.
  client.fallbackRequestHandler = (request) => {
    const feature = FEATURE[request.method];
    const why = feature
      ? `this client does not provide ${feature} (the host gave no ${feature} handler, so it was not declared)`
      : 'this client does not handle it';
    return Promise.reject(new McpError(ErrorCode.MethodNotFound, `${request.method}: ${why}`));
  };
}

/** A question a 2026-07-28 task asks (tasks extension: `input_required` with inputRequests, answered by tasks/update). */
export type TaskInputQuestion =
  | { readonly kind: 'elicitation'; readonly params: Readonly<Record<string, unknown>> }
  | { readonly kind: 'sampling'; readonly params: Readonly<Record<string, unknown>> }
  | { readonly kind: 'roots'; readonly params?: Readonly<Record<string, unknown>> };

/** Answers a task's question with the same hook, under the same bounds, as a server→client request (taskCall2026.ts). */
export function answerTaskInput(ctx: HostAnswers, q: TaskInputQuestion, signal: AbortSignal): Promise<unknown> {
  const { app, hooks } = ctx;
  const missing = (feature: string) =>
    Promise.reject(new McpError(ErrorCode.MethodNotFound, `this client does not provide ${feature} (the host gave no ${feature} handler)`));
  if (q.kind === 'roots') {
    const roots = hooks.roots;
    if (!roots) return missing('roots');
    return answer(ctx, 'roots/list', signal, async (s) => ({ roots: [...(await roots.list(app, s))] }));
  }
  if (q.kind === 'elicitation') {
    const elicit = hooks.elicit;
    if (!elicit || !declaredCapabilities(hooks).elicitation) return missing('elicitation');
    return answer(ctx, 'elicitation/create', signal, (s) => elicit(app, q.params as ElicitRequestParams, s));
  }
  const sample = hooks.sample;
  if (!sample) return missing('sampling');
  return answer(ctx, 'sampling/createMessage', signal, (s) => sample(app, q.params as CreateMessageRequestParams, s));
}

/**
 * One hook call: bounded by hookTimeoutMs, abandoned when the server cancels or the connection ends.
 * (SDK 1.32.2 drops notifications/cancelled for request id 0, typescript-sdk #2283: a server's very
 * first request is then told to its hook only by the connection ending or hookTimeoutMs.)
 */
async function answer<T>(ctx: HostAnswers, method: string, serverSignal: AbortSignal, run: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
  const ctl = new AbortController();
  const cancel = () => ctl.abort(serverSignal.reason);
  if (serverSignal.aborted) cancel();
  else serverSignal.addEventListener('abort', cancel, { once: true });
  const seconds = Math.round(ctx.timeoutMs / 100) / 10;
  const timer = setTimeout(() => ctl.abort(new McpError(ErrorCode.RequestTimeout, `the host did not answer ${method} within ${seconds} s`)), ctx.timeoutMs);
  try {
    const hook = Promise.resolve().then(() => run(ctl.signal));
    return await ctx.hold(() =>
      untilAborted(hook, ctl.signal, () =>
        ctl.signal.reason instanceof McpError ? ctl.signal.reason : new McpError(ErrorCode.InternalError, `${method} was cancelled`),
      ),
    );
  } catch (e) {
    if (e instanceof McpError) throw e;
    throw new McpError(ErrorCode.InternalError, `the host could not answer ${method}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    serverSignal.removeEventListener('abort', cancel);
  }
}
