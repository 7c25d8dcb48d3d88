// The crash-loop guard of one app: after the second failure in a row, the next start is held
// back, 1 s doubling up to a cap; a connection that lived long enough (or answered a call) ends the
// streak; a user's start or restart clears it.
import { PoolError } from '../errors';
import type { PoolSettings } from '../settings';

export class CrashLoopGuard {
  private failures = 0;
  private until?: number;

  constructor(private readonly settings: () => PoolSettings) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the next start may happen, while it is held back. */
  backoffUntil(now = Date.now()): number | undefined {
    return this.until !== undefined && this.until > now ? this.until : undefined;
  }

  /** The error for a start that is held back now, if it is. */
  heldBack(app: string, lastError: string | undefined, now = Date.now()): PoolError | undefined {
    const until = this.backoffUntil(now);
    if (until === undefined) return undefined;
    const secs = Math.ceil((until - now) / 1000);
    return new PoolError(
      'backoff',
      app,
      `app "${app}" failed ${this.failures} times in a row; the next start is held back for ${secs} s (crash-loop guard). Last error: ${lastError ?? 'unknown'}. Restart the app to try now.`,
    );
  }

  failed(): void {
    this.failures++;
    const { crashLoopBaseMs, crashLoopMaxMs } = this.settings();
    if (this.failures >= 2) this.until = Date.now() + Math.min(crashLoopBaseMs * 2 ** (this.failures - 2), crashLoopMaxMs);
  }

  /** The connection proved itself (it answered, or lived long enough): the streak is over. */
  succeeded(): void {
    this.failures = 0;
  }

  /** A start went through: nothing is held back now. */
  started(): void {
    this.until = undefined;
  }

  reset(): void {
    this.failures = 0;
    this.until = undefined;
  }
}
