// `input_required` for modern (2026-07-28) gateway clients. In that revision a server asks its
// client nothing mid-request: a question (elicitation, sampling, roots) comes back as the result of
// a `tools/call`, `prompts/get` or `resources/read`, `input_required`, and the client retries the
// same request with its answers and the `requestState` it was given. The pool's upstream server
// still asks mid-request (a 2025 request, or the pool's own client turning an upstream
// `input_required` into its hooks), so a modern client's request is kept running across the
// client's retries: the first exchange starts the upstream request once, every retry only answers
// the question that is waiting and waits again (resumable.ts). It is never sent upstream twice.
//
// Bounded, one table per app for all three methods: a parked request (its question sent, the
// client's retry not yet in) expires after ttlMs (its upstream request is cancelled), at most
// maxParked wait per app, and a requestState is 32 random bytes, unguessable, accepted once, and
// only with the same client name, method and request.
import { randomBytes } from 'node:crypto';
import type { ClientCapabilities } from '@modelcontextprotocol/server';
import type { CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams, ElicitResult, Root } from '../../pool';
import type { HookTarget, RoutedFeature } from '../hookRouter';

/** The methods a modern result can ask its client (the revision's embedded input requests). */
export type InputMethod = 'elicitation/create' | 'sampling/createMessage' | 'roots/list';

/** The requests whose 2026-07-28 result may be `input_required` (what SDK v2's server lets return it). */
export type AskingMethod = 'tools/call' | 'prompts/get' | 'resources/read';

interface Question {
  readonly method: InputMethod;
  readonly params?: unknown;
  answer(value: unknown): void;
  fail(e: Error): void;
}

/** What one exchange of a modern call ends with: the call's outcome, or questions for the client. */
export type Turn<T> = { readonly kind: 'done'; readonly result: T } | { readonly kind: 'ask'; readonly questions: ReadonlyMap<string, Question> };

/**
 * A request of a modern client that may ask it something (a tool call, a prompt, a read), running
 * upstream once across the client's retries. Questions the upstream server asks meanwhile wait
 * here until the client's next exchange answers them.
 */
export class ModernCall<T> {
  private readonly ctl = new AbortController();
  private readonly questions = new Map<string, Question>();
  private wake?: () => void;
  private outcome?: { ok: true; value: T } | { ok: false; error: unknown };
  private counter = 0;
  /** Where the upstream call's progress goes: the client's exchange now running, with its own token (none while parked). */
  progress?: (p: { progress: number; total?: number; message?: string }) => void;

  constructor(
    readonly method: AskingMethod,
    /** What the client declared (on the exchange that started the call). */
    readonly capabilities: ClientCapabilities,
    run: (signal: AbortSignal) => Promise<T>,
  ) {
    run(this.ctl.signal).then(
      (value) => this.settle({ ok: true, value }),
      (error: unknown) => this.settle({ ok: false, error }),
    );
  }

  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** Cancels the upstream call (the client went away, or its retry never came). */
  cancel(reason: Error): void {
    this.ctl.abort(reason);
    for (const q of this.questions.values()) q.fail(reason);
    this.questions.clear();
  }

  /** The upstream server asks the client: the question waits for the client's next exchange. */
  ask(method: InputMethod, params: unknown, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const key = `q${++this.counter}`;
      const onAbort = () => {
        this.questions.delete(key);
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        this.questions.delete(key);
      };
      this.questions.set(key, {
        method,
        params,
        answer: (v) => (done(), resolve(v)),
        fail: (e) => (done(), reject(e)),
      });
      this.wake?.();
    });
  }

  /** The client's answers (its retry's `inputResponses`): each waiting question it answered is answered. */
  answer(responses: Readonly<Record<string, unknown>>): void {
    for (const [key, value] of Object.entries(responses)) {
      if (value && typeof value === 'object') this.questions.get(key)?.answer(value);
    }
  }

  /** Waits for the call to end or for a question to the client, whichever comes first. */
  async next(): Promise<Turn<T>> {
    while (!this.outcome && this.questions.size === 0) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    if (this.outcome) {
      if (this.outcome.ok) return { kind: 'done', result: this.outcome.value };
      throw this.outcome.error;
    }
    return { kind: 'ask', questions: new Map(this.questions) };
  }

  /** Answers a server→client request of the pooled server through this call, if the client declared the capability. */
  target(feature: RoutedFeature, params?: ElicitRequestParams): HookTarget | undefined {
    const caps = this.capabilities;
    if (feature === 'roots' && !caps.roots) return undefined;
    if (feature === 'sampling' && !caps.sampling) return undefined;
    if (feature === 'elicitation') {
      const e = caps.elicitation;
      if (!e) return undefined;
      const modes = Object.keys(e).length ? Object.keys(e) : ['form'];
      if (!modes.includes(params?.mode ?? 'form')) return undefined;
    }
    return {
      roots: async (signal) => ((await this.ask('roots/list', undefined, signal)) as { roots: Root[] }).roots,
      elicit: async (p, signal) => (await this.ask('elicitation/create', p, signal)) as ElicitResult,
      sample: async (p: CreateMessageRequestParams, signal) => (await this.ask('sampling/createMessage', p, signal)) as CreateMessageResult,
    };
  }

  private settle(outcome: NonNullable<ModernCall<T>['outcome']>): void {
    this.outcome = outcome;
    this.wake?.();
  }
}

export interface ParkLimits {
  /** A parked call whose client does not retry within this is cancelled. */
  readonly ttlMs: number;
  /** Parked calls one app may hold at once. */
  readonly maxParked: number;
}

interface Parked {
  readonly call: ModernCall<unknown>;
  readonly binding: string;
  readonly timer: NodeJS.Timeout;
}

/** The requests (tool calls, prompts, reads) of one app waiting for their clients' retries, by requestState. */
export class ParkedCalls {
  private readonly parked = new Map<string, Parked>();

  constructor(private readonly limits: ParkLimits) {}

  get size(): number {
    return this.parked.size;
  }

  /**
   * Parks `call` until its client's retry: returns the requestState to give the client, or
   * undefined when the app already has maxParked calls waiting (the call is then cancelled).
   */
  park(call: ModernCall<unknown>, binding: string): string | undefined {
    if (this.parked.size >= this.limits.maxParked) return undefined;
    const state = randomBytes(32).toString('base64url');
    const timer = setTimeout(() => {
      if (this.parked.delete(state))
        call.cancel(new Error(`the client did not answer within ${Math.round(this.limits.ttlMs / 1000)} s (input_required expired)`));
    }, this.limits.ttlMs).unref();
    this.parked.set(state, { call, binding, timer });
    return state;
  }

  /** The call a retry resumes: once per requestState, and only for the same client and request. */
  resume(state: string, binding: string): ModernCall<unknown> | undefined {
    const p = this.parked.get(state);
    if (!p || p.binding !== binding) return undefined;
    this.parked.delete(state);
    clearTimeout(p.timer);
    return p.call;
  }

  close(): void {
    for (const p of this.parked.values()) {
      clearTimeout(p.timer);
      p.call.cancel(new Error('the gateway closed'));
    }
    this.parked.clear();
  }
}
