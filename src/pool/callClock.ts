// The timeouts of the tool calls in flight on one session. A call's clock starts over on signs of
// life (progress, a task's new status) and stands still while the host answers a request of the
// server (elicitation, sampling, roots: the server then waits for the host, and the user may take a
// while); it starts over once the host has answered. When it runs out, the call's signal aborts with
// the error the SDK's own request timeout gives (RequestTimeout with `data.timeout`, mcpErrors.ts), so
// the SDK sends notifications/cancelled and the call fails as a timeout.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export class CallClocks {
  private readonly running = new Set<CallClock>();
  /** Host answers in progress: while there is one, no clock runs. */
  private held = 0;

  /**
   * A clock of `ms` for one call, aborting `call`: the call's own controller, which the caller's
   * cancel and the liveness check abort too (liveness.ts), so whichever comes first is what the
   * call reports — and a call costs one controller, not one per watcher.
   */
  start(ms: number, call: AbortController): CallClock {
    const clock: CallClock = new CallClock(ms, call, () => this.running.delete(clock));
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
}

export class CallClock {
  private timer?: NodeJS.Timeout;
  private paused = true;

  constructor(
    private readonly ms: number,
    private readonly call: AbortController,
    private readonly done: () => void,
  ) {}

  /** Aborts when the caller cancels, the liveness check fails the call, or the time is up. */
  get signal(): AbortSignal {
    return this.call.signal;
  }

  /** A sign of life: the whole timeout again (nothing while the clock stands still). */
  readonly touch = (): void => {
    if (!this.paused) this.arm();
  };

  pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
  }

  resume(): void {
    this.paused = false;
    this.arm();
  }

  dispose(): void {
    this.pause();
    this.done();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.call.signal.aborted) return;
    this.timer = setTimeout(() => this.call.abort(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: this.ms })), this.ms);
  }
}
