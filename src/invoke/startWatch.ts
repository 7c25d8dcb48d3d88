// Whether an interactive invocation is what started its app, so the result reports the truth
// ("cold start", and how long the start took) even though the start happened while the user was
// still picking the tool or typing arguments; and so a cancelled invocation can stop again the
// process it started for nothing.
import type { IDisposable } from '../common/lifecycle';
import type { CallOutcome, Pool } from '../pool';

const RUNNING = new Set(['idle', 'busy']);

/** True when the app has a live, ready process (so using it will not start one). */
export function isAppRunning(pool: Pool, app: string): boolean {
  const status = pool.snapshot(app)?.status;
  return status !== undefined && RUNNING.has(status);
}

export class StartWatch implements IDisposable {
  private readonly startsBefore: number;
  private readonly callsBefore: number;
  private startMs?: number;
  private readonly listener: IDisposable;

  constructor(
    private readonly pool: Pool,
    private readonly app: string,
  ) {
    const s = pool.snapshot(app);
    this.startsBefore = s?.starts ?? 0;
    this.callsBefore = s?.calls ?? 0;
    this.listener = pool.onEvent((e) => {
      if (e.type === 'started' && e.app === app) this.startMs = e.durationMs;
    });
  }

  /** A process of the app was started since this watch began. */
  get startedHere(): boolean {
    return (this.pool.snapshot(this.app)?.starts ?? 0) > this.startsBefore;
  }

  /** The outcome, marked as a cold start (with the start's duration) when this invocation started the app. */
  apply(outcome: CallOutcome): CallOutcome {
    if (!this.startedHere || outcome.coldStart) return outcome;
    return { ...outcome, coldStart: true, startMs: this.startMs };
  }

  /**
   * The invocation was cancelled: stops the app again if this invocation started it and nothing
   * has used it since (no call made or in flight). Returns whether it stopped it.
   */
  async undo(): Promise<boolean> {
    const s = this.pool.snapshot(this.app);
    if (!s || !this.startedHere || s.inFlight > 0 || s.calls > this.callsBefore) return false;
    if (s.status !== 'idle' && s.status !== 'starting') return false;
    await this.pool.stop(this.app, 'unused');
    return true;
  }

  dispose(): void {
    this.listener.dispose();
  }
}
