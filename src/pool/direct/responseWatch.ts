// A direct app's request, from its signal to the end of its response. The requests get abort
// signals of their own (RequestSignals). Each response body is guarded: its bytes are counted as
// they are read (past a bound the link ends), and a request's event stream that breaks or ends
// before the request was answered is noticed — which the SDK would leave waiting forever, unless
// the server gave event ids (then the SDK resumes the stream itself).
//
// An event stream is read from inside the pipes the SDK makes of it
// (`body.pipeThrough(new TextDecoderStream()).pipeThrough(parser)`): a pump reads the body, counts
// each chunk, decodes it and writes the text to the SDK's SSE parser. No stream of ours in between
// (one costs ≈ 8 µs to make on Node 20, a sixth of everything else the pool does per call), and one
// hop less than the SDK's own pipes. A JSON answer (read with `response.json()`, no pipe) passes
// through a pull-through layer instead.

import { setMaxListeners } from 'node:events';
import type { ReadableStreamReadResult, ReadableWritablePair, StreamPipeOptions } from 'node:stream/web';

/** Requests that share one signal before a fresh one is made. */
export const REQUESTS_PER_SIGNAL = 32;

const unbounded = new WeakSet<AbortSignal>();
const noRelease = (): void => undefined;

/** A signal that follows a session's, shared by a few of its requests. */
class SharedSignal {
  readonly ctl = new AbortController();
  /** Requests given it so far, and those not over yet. */
  uses = 0;
  live = 0;
  private readonly forward = () => this.ctl.abort(this.session.reason);

  constructor(readonly session: AbortSignal) {
    if (session.aborted) this.forward();
    else {
      if (!unbounded.has(session)) {
        // a signal whose response is never read to its end (an error's body, an event stream)
        // follows the session until it ends: one per 32 requests, but no warning for them
        setMaxListeners(0, session);
        unbounded.add(session);
      }
      session.addEventListener('abort', this.forward, { once: true });
    }
  }

  detach(): void {
    this.session.removeEventListener('abort', this.forward);
  }
}

/**
 * The signals a session's requests are sent with. A signal the SDK hands to one request only (the
 * 2026 era's, one per request) is sent as it is. One it hands to every request (the 2025 era's, the
 * session's, aborted on close) is followed by signals shared by at most REQUESTS_PER_SIGNAL requests.
 * Given the SDK's own, each request would leave a listener on it until a garbage collection (undici
 * removes them only then): thousands on a busy session, a MaxListenersExceededWarning in the host's
 * log, and every request paying to count them. A signal of its own per request would cost one
 * AbortController each (≈ 4 µs on Node 20, a tenth of what the pool adds to a call).
 */
export class RequestSignals {
  private current?: SharedSignal;
  /** Signals handed to a request once: a second request with one of them gets a shared signal. */
  private readonly seen = new WeakSet<AbortSignal>();

  /** A signal for one request, and `release` for when it is over (ResponseWatch.onEnd). */
  take(session: AbortSignal): { signal: AbortSignal; release: () => void } {
    // In the 2026 era the SDK gives each request a signal of its own: sent as it is, its listener
    // goes with it (a shared signal for it would be one more controller and listener per request).
    if (!this.seen.has(session)) {
      this.seen.add(session);
      return { signal: session, release: noRelease };
    }
    let s = this.current;
    if (!s || s.session !== session || s.uses >= REQUESTS_PER_SIGNAL) {
      if (s && s.live === 0) s.detach();
      s = this.current = new SharedSignal(session);
    }
    s.uses++;
    s.live++;
    let over = false;
    const shared = s;
    return {
      signal: s.ctl.signal,
      release: () => {
        if (over) return;
        over = true;
        // the last request of a signal no longer handed out: it stops following the session
        if (--shared.live === 0 && shared !== this.current) shared.detach();
      },
    };
  }
}

const DIGITS = /^\d{1,15}$/;
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;

/** The ids of the requests in a POST body (read from its end when it is one request, the common case). */
export function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== 'string' || !body.includes('"method"')) return [];
  // the SDK serializes a request with its id last (`{"method":…,"jsonrpc":"2.0","id":7}`); in valid
  // JSON a closing brace right after it closes the top level (a quote inside a string is escaped)
  if (body.startsWith('{"method"') && body.endsWith('}')) {
    const at = body.lastIndexOf('"id":');
    const id = at < 0 ? '' : body.slice(at + 5, -1);
    if (DIGITS.test(id)) return [Number(id)];
    if (QUOTED.test(id)) return [JSON.parse(id) as string];
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

  /** `events`: the body is an event stream (a JSON answer has no event ids to resume from). */
  constructor(
    private readonly w: ResponseWatch,
    private readonly events = true,
  ) {}

  /** Counts a chunk; false (and the link told) when the body went past the bound. */
  take(chunk: Uint8Array): boolean {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.w.maxBytes) {
      this.w.onTooLarge(this.maxMb);
      this.end();
      return false;
    }
    if (this.events && !this.resumable && hasEventId(chunk)) this.resumable = true;
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
  body.pipeThrough = function <T>(this: ReadableStream<Uint8Array>, decoder: ReadableWritablePair<T, Uint8Array>, options?: StreamPipeOptions) {
    if (options) return ReadableStream.prototype.pipeThrough.call(this, decoder, options) as ReadableStream<T>; // not how the SDK reads: unwatched
    const source = this.getReader();
    const tally = new Tally(w);
    // The SDK pipes what it gets on into its SSE parser at once (`.pipeThrough(parser)`): the text is
    // then decoded here and written to the parser, one stream hop less than through the decoder.
    // Used any other way, the decoder gets the bytes.
    const decoded = decoder.readable;
    let fed = false;
    decoded.pipeThrough = function <U>(this: ReadableStream<T>, parser: ReadableWritablePair<U, T>, options?: StreamPipeOptions) {
      if (fed || options) return ReadableStream.prototype.pipeThrough.call(this, parser, options) as ReadableStream<U>;
      fed = true;
      const text = new TextDecoder();
      void pump(
        source,
        parser.writable.getWriter(),
        tally,
        (chunk) => text.decode(chunk, { stream: true }) as T,
        () => text.decode() as T,
      );
      return parser.readable;
    };
    queueMicrotask(() => {
      if (fed) return;
      fed = true;
      void pump(source, decoder.writable.getWriter(), tally, same);
    });
    return decoded;
  };
  return response;
}

const same = <T>(chunk: Uint8Array) => chunk as T;

/**
 * What pipeTo does, chunk by chunk, with each chunk counted (and converted: `convert`, then `last`
 * at the end) and the end seen.
 */
async function pump<T>(
  source: ReadableStreamDefaultReader<Uint8Array>,
  sink: WritableStreamDefaultWriter<T>,
  tally: Tally,
  convert: (chunk: Uint8Array) => T,
  last?: () => T,
): Promise<void> {
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
      const rest = last?.();
      if (rest) await sink.write(rest).catch(() => undefined);
      tally.end(UNANSWERED);
      return sink.close().catch(() => undefined);
    }
    if (!tally.take(chunk.value)) {
      await sink.abort(tally.tooLarge()).catch(() => undefined);
      await source.cancel().catch(() => undefined);
      return;
    }
    const value = convert(chunk.value);
    if (!value) continue; // (a character split across chunks: nothing to hand on yet)
    try {
      await sink.write(value);
    } catch {
      return; // the reading side is gone (handled above)
    }
  }
}

/**
 * A JSON answer with its body bounded in size. The SDK reads a JSON answer whole
 * (`response.json()`): its `json()` and `text()` read the body here, counting what comes, and
 * parse it once whole. Re-streamed through a ReadableStream of our own, each answer cost a tenth
 * of a 2026-07-28 warm call (web streams' pull machinery, per chunk); any other read of the body
 * still goes through such a stream.
 */
export function watchJsonResponse(response: Response, w: ResponseWatch): Response {
  const original = response.body;
  if (!original) return response;
  const tally = new Tally(w, false);
  let read: Promise<string> | undefined;
  const text = async (): Promise<string> => {
    const source = original.getReader();
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await source.read();
      } catch (e) {
        tally.end(tally.broke(e));
        throw e;
      }
      if (chunk.done) break;
      if (!tally.take(chunk.value)) {
        void source.cancel().catch(() => undefined);
        throw tally.tooLarge();
      }
      chunks.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength));
      size += chunk.value.byteLength;
    }
    tally.end(UNANSWERED);
    source.releaseLock();
    const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8');
    // (a UTF-8 byte order mark is dropped, as fetch's own text() and json() do)
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  const once = () => (read ??= text());
  let streamed: ReadableStream<Uint8Array> | undefined;
  Object.defineProperties(response, {
    text: { value: once },
    json: { value: async () => JSON.parse(await once()) as unknown },
    // read any other way: the body through the bounded stream (the same tally)
    body: { get: () => (streamed ??= boundedStream(original, tally)) },
  });
  return response;
}

function boundedStream(original: ReadableStream<Uint8Array>, tally: Tally): ReadableStream<Uint8Array> {
  const source = original.getReader();
  return new ReadableStream<Uint8Array>(
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
}
