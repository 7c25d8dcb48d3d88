// The liveness check of one connection. While tool calls are in flight on it, it pings the server
// every `livenessIntervalMs`; for a remote app the ping goes through mcp-remote to the remote
// server. Without it, a remote server that died or stopped answering mid-call left the call
// waiting its whole timeout (120 s by default) while the app looked healthy.
//
// What each outcome of a ping means:
//   - answered (a result, or any error the other side sent back, e.g. "method not found"):
//     alive; the count of missed pings starts over.
//   - mcp-remote's "could not forward" (-32001 without `data.timeout`, see mcpErrors.ts): the
//     remote is unreachable. Every call in flight fails at once with the proxy's reason, and the
//     app retires the connection (onLost); the next call starts a fresh proxy. Whatever launched
//     the proxy, the answer is definite, so this holds for stdio apps too (`npx mcp-remote` as a
//     command).
//   - no answer within `pingTimeoutMs`: a miss. With `missesToFail` > 0 (remote apps: 2) the next
//     ping goes out at once, and that many misses in a row mean the proxy or the remote hangs: the
//     calls fail and the connection is retired as above. With 0 (stdio apps) a miss decides
//     nothing: a single-threaded server doing long synchronous work is legitimate, and a stdio
//     server that hangs for good is caught after its call timeout by the hung check (a call
//     timeout, then a failed ping). Nor is it pinged again before its calls are over: more
//     unanswered pings (and the SDK's cancellations of them) would only pile up in its input.
//   - anything else (the ping could not be sent, the connection closed): decides nothing; the
//     connection's own death handling reports a link that went down.
//
// A call is failed at most once: it runs under an AbortSignal of its own, aborted either by the
// caller's cancel or by a verdict of this check, whichever comes first; the first one is what the
// call reports. A result that arrived first is kept. A failed call is never retried: it reached
// the server. Pings go out only while calls are in flight: the first an interval after they
// started coming, then an interval after each answer; dispose() clears the timer.
import { isOwnTimeout, isUnforwarded } from './mcpErrors';

/** Why a call was failed by the liveness check: the server went away while it was in flight. */
export class ServerLost extends Error {
  constructor(readonly reason: string) {
    super(`the server became unreachable: ${reason}`);
    this.name = 'ServerLost';
  }
}

export interface LivenessOptions {
  /** Read before each ping, so changed settings apply to the next one. An interval of 0 turns the check off. */
  readonly timing: () => { readonly livenessIntervalMs: number; readonly pingTimeoutMs: number };
  /** Unanswered pings in a row that mean the server is gone; 0: a missed ping never does. */
  readonly missesToFail: number;
  /** Sends one ping; resolves when it is answered, rejects with the SDK's error otherwise. */
  readonly ping: (timeoutMs: number) => Promise<unknown>;
  /** Called once, after every call in flight has been failed with `lost`. */
  readonly onLost: (lost: ServerLost) => void;
}

export class Liveness {
  /** One controller per call in flight; aborting it fails that call. */
  private readonly calls = new Set<AbortController>();
  private timer?: NodeJS.Timeout;
  private pinging = false;
  private misses = 0;
  /** A missed ping of a server whose misses decide nothing: no more pings until its calls are over. */
  private quiet = false;
  private lost?: ServerLost;
  private disposed = false;
  /** The next call's controller, made ahead (controller()). */
  private spare?: AbortController;
  private making = false;
  /** When the calls in flight started coming (performance.now()): the first ping waits an interval from then. */
  private busySince = 0;

  constructor(private readonly opts: LivenessOptions) {}

  /**
   * Runs one call under watch. `run` must pass the signal it is given on to the request; it gets
   * the call's controller too, for a watcher of its own to abort (callClock.ts).
   */
  async watch<T>(signal: AbortSignal | undefined, run: (signal: AbortSignal, call: AbortController) => Promise<T>): Promise<T> {
    const call = this.controller();
    const cancel = () => call.abort(signal?.reason);
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
    if (this.calls.size === 0) this.busySince = performance.now();
    this.calls.add(call);
    this.schedule();
    try {
      return await run(call.signal, call);
    } catch (e) {
      // The SDK rejects an aborted request with an McpError of its own making: say why it was aborted.
      if (call.signal.reason instanceof ServerLost) throw call.signal.reason;
      throw e;
    } finally {
      signal?.removeEventListener('abort', cancel);
      this.calls.delete(call);
      if (this.calls.size === 0) this.idle();
    }
  }

  /**
   * A fresh controller for a call, its signal already made: Node 20 takes ≈ 7 µs to make an
   * AbortSignal (a sixth of what the pool adds to a warm call), so the next one is made in a later
   * turn of the event loop (setImmediate), while this call waits for its answer.
   */
  private controller(): AbortController {
    const call = this.spare ?? new AbortController();
    this.spare = undefined;
    if (!this.making) {
      this.making = true;
      setImmediate(() => {
        this.making = false;
        if (this.disposed || this.spare) return;
        this.spare = new AbortController();
        void this.spare.signal; // made now (lazily made on first use otherwise)
      });
    }
    return call;
  }

  /** The connection ends: no more pings; its calls end with it. */
  dispose(): void {
    this.disposed = true;
    this.spare = undefined;
    this.clearTimer();
  }

  private schedule(): void {
    if (this.timer || this.pinging || this.quiet || this.lost || this.disposed || this.calls.size === 0) return;
    const { livenessIntervalMs } = this.opts.timing();
    if (livenessIntervalMs <= 0) return;
    this.arm(livenessIntervalMs);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.due(), ms);
    this.timer.unref(); // a call in flight holds its own handle (pipes, socket)
  }

  /**
   * The timer fired. It may have been set in an earlier busy period (idle() leaves it): the first
   * ping of this one still waits a whole interval from its start.
   */
  private due(): void {
    this.timer = undefined;
    const wait = this.busySince + this.opts.timing().livenessIntervalMs - performance.now();
    if (wait > 1 && this.calls.size > 0 && !this.disposed) {
      this.arm(Math.ceil(wait));
      return;
    }
    void this.check();
  }

  private async check(): Promise<void> {
    if (this.disposed || this.lost || this.calls.size === 0) return;
    const { pingTimeoutMs } = this.opts.timing();
    this.pinging = true;
    let failure: unknown;
    let answered = false;
    try {
      await this.opts.ping(pingTimeoutMs);
      answered = true;
    } catch (e) {
      failure = e;
    } finally {
      this.pinging = false;
    }
    // Ended meanwhile (stopped, dead), or every call is over: this answer decides nothing.
    if (this.disposed || this.lost || this.calls.size === 0) return;
    if (!answered && isUnforwarded(failure)) return this.fail(new ServerLost(failure.message));
    if (!answered && isOwnTimeout(failure)) {
      this.misses++;
      if (this.opts.missesToFail <= 0) {
        this.quiet = true;
        return;
      }
      if (this.misses >= this.opts.missesToFail) {
        return this.fail(new ServerLost(`no answer to ${this.misses} pings in a row (${Math.round(pingTimeoutMs / 100) / 10} s each)`));
      }
      return this.check(); // the miss already waited pingTimeoutMs: ask again at once
    }
    this.misses = 0;
    this.schedule();
  }

  /** Fails every call in flight with `lost` (each once: an aborted controller stays aborted), then reports it. */
  private fail(lost: ServerLost): void {
    this.lost = lost;
    this.clearTimer();
    for (const call of this.calls) call.abort(lost);
    this.opts.onLost(lost);
  }

  /** No call in flight: the next busy period starts afresh. */
  private idle(): void {
    // the timer stays: back-to-back calls would set and clear one each; if it fires with no call
    // in flight it does nothing (check), and the next call sets it again
    this.misses = 0;
    this.quiet = false;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
