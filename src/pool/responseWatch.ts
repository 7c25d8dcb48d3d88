// A direct app's request, from its signal to the end of its response. Each request gets an abort
// signal of its own for as long as it lasts (ownSignal). Each response body is guarded: its bytes
// are counted as they are read (past a bound the link ends), and a request's event stream that
// breaks or ends before the request was answered is noticed — which the SDK would leave waiting
// forever, unless the server gave event ids (then the SDK resumes the stream itself).
//
// An event stream is watched from inside the one pipe the SDK makes of it
// (`body.pipeThrough(new TextDecoderStream())`): no stream of ours in between, as one costs ≈ 8 µs
// to make on Node 20, a sixth of everything else the pool does per call. A JSON answer (read with
// `response.json()`, no pipe) passes through a pull-through layer instead.

import { setMaxListeners } from 'node:events';
import type { ReadableStreamReadResult, ReadableWritablePair, StreamPipeOptions } from 'node:stream/web';

const unbounded = new WeakSet<AbortSignal>();

/**
 * A signal for one request that aborts with `session` (the SDK's, which it hands to every request
 * and aborts on close) until `release` (when the response is over: ResponseWatch.onEnd). Given the
 * SDK's own, each request would leave a listener on it until a garbage collection (undici removes
 * them only then): thousands on a busy session, a MaxListenersExceededWarning in the host's log,
 * and every request paying to count them.
 */
export function ownSignal(session: AbortSignal): { signal: AbortSignal; release: () => void } {
  const ctl = new AbortController();
  const forward = () => ctl.abort(session.reason);
  if (session.aborted) forward();
  else {
    if (!unbounded.has(session)) {
      setMaxListeners(0, session); // one per request in flight, as many as the callers make
      unbounded.add(session);
    }
    session.addEventListener('abort', forward, { once: true });
  }
  return { signal: ctl.signal, release: () => session.removeEventListener('abort', forward) };
}

/** The id the SDK puts last in a request it serializes (`{"method":…,"jsonrpc":"2.0","id":7}`). */
const TRAILING_ID = /"id":(\d+|"(?:[^"\\]|\\.)*")\}$/;

/** The ids of the requests in a POST body (read from its end when it is one request, the common case). */
export function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== 'string' || !body.includes('"method"')) return [];
  if (body.startsWith('{"method"')) {
    const m = TRAILING_ID.exec(body);
    if (m) return [m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : Number(m[1])];
  }
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const ids: (string | number)[] = [];
    for (const m of messages) {
      const { id, method } = (m ?? {}) as { id?: unknown; method?: unknown };
      if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
    }
    return ids;
  } catch {
    return [];
  }
}

const NEWLINE_ID = Buffer.from('\nid:');
const ID = Buffer.from('id:');

/** Whether an SSE chunk carries an event id (a line starting with `id:`): the stream can then be resumed. */
function hasEventId(chunk: Uint8Array): boolean {
  const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return b.indexOf(NEWLINE_ID) !== -1 || (b.length >= 3 && b.subarray(0, 3).equals(ID));
}

export interface ResponseWatch {
  /** Largest body, in bytes. */
  readonly maxBytes: number;
  /** Whether a request answered on this body still waits for its answer. */
  readonly awaited: () => boolean;
  /** The body broke or ended while a request still waited (checked again once the SDK has parsed what came). */
  readonly onBroken: (how: string) => void;
  /** The body went past `maxBytes` (in MB, rounded). */
  readonly onTooLarge: (mb: number) => void;
  /** A read error, in words. */
  readonly describe: (e: unknown) => string;
  /** The body is over: read to its end, broken, too large or cancelled. */
  readonly onEnd?: () => void;
}

/** What one body has shown so far, and what to do when it ends. */
class Tally {
  private bytes = 0;
  private resumable = false;
  private ended = false;

  constructor(private readonly w: ResponseWatch) {}

  /** Counts a chunk; false (and the link told) when the body went past the bound. */
  take(chunk: Uint8Array): boolean {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.w.maxBytes) {
      this.w.onTooLarge(this.maxMb);
      this.end();
      return false;
    }
    if (!this.resumable && hasEventId(chunk)) this.resumable = true;
    return true;
  }

  /** The body is over; `how` it ended if a request may still wait for its answer on it. */
  end(how?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.w.onEnd?.();
    // the SDK parses what it read a few microtasks later: look again once they have run
    if (how && this.waiting()) setImmediate(() => this.waiting() && this.w.onBroken(how));
  }

  tooLarge(): Error {
    return new Error(`response larger than ${this.maxMb} MB`);
  }

  private get maxMb(): number {
    return Math.round(this.w.maxBytes / 1048576);
  }

  broke(e: unknown): string {
    return `the connection broke during a request: ${this.w.describe(e)}`;
  }

  private waiting(): boolean {
    return !this.resumable && this.w.awaited();
  }
}

const UNANSWERED = "the server ended a request's stream without answering it";

/** An event stream (a request's answer) with its body watched (see the file comment). */
export function watchEventStream(response: Response, w: ResponseWatch): Response {
  const body = response.body!;
  body.pipeThrough = function <T>(this: ReadableStream<Uint8Array>, pair: ReadableWritablePair<T, Uint8Array>, options?: StreamPipeOptions) {
    if (options) return ReadableStream.prototype.pipeThrough.call(this, pair, options) as ReadableStream<T>; // not how the SDK reads: unwatched
    void pump(this.getReader(), pair.writable.getWriter(), new Tally(w));
    return pair.readable;
  };
  return response;
}

/** What pipeTo does, chunk by chunk, with each chunk counted and the end seen. */
async function pump(source: ReadableStreamDefaultReader<Uint8Array>, sink: WritableStreamDefaultWriter<Uint8Array>, tally: Tally): Promise<void> {
  // the reading side gave up (the SDK closed the session): stop reading, let the connection go
  sink.closed.catch((e: unknown) => {
    tally.end();
    source.cancel(e).catch(() => undefined);
  });
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await source.read();
    } catch (e) {
      // a broken source (the connection reset): the SDK's reader sees the error, we act on it
      tally.end(tally.broke(e));
      return sink.abort(e).catch(() => undefined);
    }
    if (chunk.done) {
      tally.end(UNANSWERED);
      return sink.close().catch(() => undefined);
    }
    if (!tally.take(chunk.value)) {
      await sink.abort(tally.tooLarge()).catch(() => undefined);
      await source.cancel().catch(() => undefined);
      return;
    }
    try {
      await sink.write(chunk.value);
    } catch {
      return; // the reading side is gone (handled above)
    }
  }
}

/** A JSON answer with its body watched: bounded in size. */
export function watchJsonResponse(response: Response, w: ResponseWatch): Response {
  const tally = new Tally(w);
  const source = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await source.read();
        } catch (e) {
          controller.error(e);
          return tally.end(tally.broke(e));
        }
        if (chunk.done) {
          controller.close();
          return tally.end(UNANSWERED);
        }
        if (!tally.take(chunk.value)) {
          controller.error(tally.tooLarge());
          void source.cancel().catch(() => undefined);
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel: (reason) => {
        tally.end();
        return source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
