// Server→client requests (roots, elicitation, sampling) when several clients share one process.
// The pooled process declared what the editor answers (clientHooks.ts); when such a request
// arrives, it goes to the gateway client it belongs to if that can be told and the client declared
// the capability — otherwise to the editor's own handlers, which name the app that asks.
// Over stdio a server's request carries no link to the request that caused it, so "belongs to"
// means: that client's tool calls, prompts and reads are the only ones in flight on the app (see
// Gateway.targetFor). A legacy client is asked with a real request on its session (on the stream of
// its request); a modern (2026-07-28) client's tools/call, prompts/get or resources/read answers
// `input_required` and its retry brings the answer (modern/resumable.ts).
import type { IDisposable } from '../common/lifecycle';
import type { ClientHooks, CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams, ElicitResult, Root } from '../pool';

export type RoutedFeature = 'roots' | 'elicitation' | 'sampling';

/** A client that can answer one request, on the stream of the call it belongs to. */
export interface HookTarget {
  roots(signal: AbortSignal): Promise<readonly Root[]>;
  elicit(params: ElicitRequestParams, signal: AbortSignal): Promise<ElicitResult>;
  sample(params: CreateMessageRequestParams, signal: AbortSignal): Promise<CreateMessageResult>;
}

export type HookResolver = (app: string, feature: RoutedFeature, params?: ElicitRequestParams) => HookTarget | undefined;

export class HookRouter {
  private resolver?: HookResolver;
  /** The hooks to give the pool: the same capabilities as `fallback` (declared per process at its start), routed per request. */
  readonly hooks: ClientHooks | undefined;

  constructor(fallback: ClientHooks | undefined) {
    if (!fallback) {
      this.hooks = undefined;
      return;
    }
    const target = (app: string, feature: RoutedFeature, params?: ElicitRequestParams) => this.resolver?.(app, feature, params);
    const { roots, elicit, sample } = fallback;
    this.hooks = {
      ...fallback,
      roots: roots && {
        list: (app, signal) => target(app, 'roots')?.roots(signal) ?? roots.list(app, signal),
        onDidChange: (listener) => roots.onDidChange(listener),
      },
      elicit: elicit && ((app, params, signal) => target(app, 'elicitation', params)?.elicit(params, signal) ?? elicit(app, params, signal)),
      sample: sample && ((app, params, signal) => target(app, 'sampling')?.sample(params, signal) ?? sample(app, params, signal)),
    };
  }

  /** The gateway says who answers; until then (and after), the editor's handlers do. */
  route(resolver: HookResolver): IDisposable {
    this.resolver = resolver;
    return {
      dispose: () => {
        if (this.resolver === resolver) this.resolver = undefined;
      },
    };
  }
}
