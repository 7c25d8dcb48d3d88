// The timeouts of the tool calls in flight on one session. A call's clock starts over on signs of
// life (progress, a task's new status) and stands still while the host answers a request of the
// server (elicitation, sampling, roots: the server then waits for the host, and the user may take a
// while); it starts over once the host has answered. When it runs out, the call's signal aborts with
// the error the SDK's own request timeout gives (RequestTimeout with `data.timeout`, mcpErrors.ts), so
// the SDK sends notifications/cancelled and the call fails as a timeout.
//
// The clocks of a session share one timer, set for the earliest deadline: a call that starts, or a
// clock that starts over, moves only its own deadline, and the timer is set again only when that
// deadline is the earliest. Back-to-back calls then cost no timer each (one timer per call, set and
// cleared, was a tenth of what the pool adds to a warm call).
import { ownTimeout } from './mcpErrors';

export class CallClocks {
  private readonly running = new Set<CallClock>();
  /** Host answers in progress: while there is one, no clock runs. */
  private held = 0;
  private timer?: NodeJS.Timeout;
  /** When the timer fires (performance.now()); Infinity when it is not set. */
  private firesAt = Infinity;

  /**
   * A clock of `ms` for one call, aborting `call`: the call's own controller, which the caller's
   * cancel and the liveness check abort too (liveness.ts), so whichever comes first is what the
   * call reports — and a call costs one controller, not one per watcher.
   */
  start(ms: number, call: AbortController): CallClock {
    const clock: CallClock = new CallClock(ms, call, this);
    this.running.add(clock);
    if (this.held === 0) clock.resume();
    return clock;
  }

  /** Runs `answer` with every clock standing still; they start over when the last answer is done. */
  async hold<T>(answer: () => Promise<T>): Promise<T> {
    if (this.held++ === 0) for (const clock of this.running) clock.pause();
    try {
      return await answer();
    } finally {
      if (--this.held === 0) for (const clock of this.running) clock.resume();
    }
  }

  /** The session ends: no timer left behind. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.firesAt = Infinity;
  }

  /** @internal A clock's deadline is now `at`: the timer fires by then. */
  due(at: number): void {
    if (at >= this.firesAt) return; // it fires earlier, and looks again then
    clearTimeout(this.timer);
    this.firesAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(at - performance.now())));
    // a call in flight holds its own handle (a process's pipes, an HTTP socket): the clock alone
    // never keeps the process alive
    this.timer.unref();
  }

  /** @internal */
  stopped(clock: CallClock): void {
    this.running.delete(clock);
  }

  private expire(): void {
    this.timer = undefined;
    this.firesAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const clock of this.running) {
      if (clock.deadline <= now) clock.runOut();
      else if (clock.deadline < next) next = clock.deadline;
    }
    if (next < Infinity) this.due(next);
  }
}

export class CallClock {
  /** When it runs out (performance.now()); Infinity while it stands still. */
  deadline = Infinity;

  constructor(
    private readonly ms: number,
    private readonly call: AbortController,
    private readonly clocks: CallClocks,
  ) {}

  /** Aborts when the caller cancels, the liveness check fails the call, or the time is up. */
  get signal(): AbortSignal {
    return this.call.signal;
  }

  /** A sign of life: the whole timeout again (nothing while the clock stands still). */
  readonly touch = (): void => {
    if (this.deadline !== Infinity) this.arm();
  };

  pause(): void {
    this.deadline = Infinity;
  }

  resume(): void {
    this.arm();
  }

  dispose(): void {
    this.deadline = Infinity;
    this.clocks.stopped(this);
  }

  /** @internal The time is up. */
  runOut(): void {
    this.deadline = Infinity;
    this.call.abort(ownTimeout(this.ms));
  }

  private arm(): void {
    if (this.call.signal.aborted) return;
    this.deadline = performance.now() + this.ms;
    this.clocks.due(this.deadline);
  }
}
