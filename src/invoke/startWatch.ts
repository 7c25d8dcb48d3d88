// Whether an interactive invocation is what started its app, so the result reports the truth
// ("cold start", and how long the start took) even though the start happened while the user was
// still picking the tool or typing arguments; and so a cancelled invocation can stop again the
// process it started for nothing. The pool keeps the facts (who started it, who used it since);
// this invocation holds the token it listed the tools with.
import { type CallOutcome, isRunning, type Pool } from '../pool';

/** True when the app has a live, ready process (so using it will not start one). */
export function isAppRunning(pool: Pool, app: string): boolean {
  return isRunning(pool.snapshot(app)?.status);
}

export class StartWatch {
  /** Pass to pool.listTools({ startToken }) for every listing this invocation makes. */
  readonly token: object = {};

  constructor(
    private readonly pool: Pool,
    private readonly app: string,
  ) {}

  /** The outcome, marked as a cold start (with the start's duration) when this invocation waited for the app to start. */
  apply(outcome: CallOutcome): CallOutcome {
    if (outcome.coldStart) return outcome;
    const info = this.pool.startInfo(this.app, this.token);
    return info.waited ? { ...outcome, coldStart: true, startMs: info.startMs } : outcome;
  }

  /** The invocation was cancelled: stops the app again if it started it and nobody else has used it since. */
  undo(): Promise<boolean> {
    return this.pool.stopIfUnused(this.app, this.token).catch(() => false);
  }
}
