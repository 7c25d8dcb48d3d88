// What a direct app reads of a Response from outside (the MCP server, its authorization server),
// with a bound, at the pool's own fetch layer (so it holds whatever SDK reads the body): the start
// of an error's body (a few KB, for the message, then the body is cancelled), a body read through a
// check of each chunk (a size cap, or an event stream's events and bytes), and the size of the
// event an event stream is in the middle of (what an SSE parser holds until the event ends).
import type { ReadableStreamReadResult } from 'node:stream/web';

/** The most of an error's body that is read for its message. */
export const ERROR_BODY_BYTES = 4096;
/** The longest an error's body is waited for (a body that trickles gives what came by then). */
export const ERROR_BODY_MS = 5_000;

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The first `maxBytes` of a body as text (what came within `ms`); the rest is cancelled, so the
 * connection is not held and nothing more is read.
 */
export async function readStart(response: Response, maxBytes = ERROR_BODY_BYTES, ms = ERROR_BODY_MS): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    while (size < maxBytes) {
      const next: ReadableStreamReadResult<Uint8Array> | undefined = await Promise.race([reader.read(), late]).catch(() => undefined);
      if (!next || next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  return new TextDecoder().decode(bytes);
}

/** `response` with its body replaced by `text` (what was read of it). */
export function withText(response: Response, text: string): Response {
  return new Response(NULL_BODY.has(response.status) ? null : text, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * `response` with its body read through `check`: each chunk is passed on, unless `check` returns an
 * error, which ends the body (the reader sees it) and cancels the rest. A read error is passed
 * through `failed` (to put it in words). Pull-through: nothing is read ahead of the reader.
 */
export function checkedResponse(
  response: Response,
  check: (chunk: Uint8Array) => Error | undefined,
  failed: (e: unknown) => unknown = (e) => e,
  /** Let the event loop turn when reading went on this long without one (a stream that is read as fast as it comes never yields otherwise). */
  sliceMs = Infinity,
  /** Called once when the body is over: read to its end, failed or cancelled. */
  onEnd?: () => void,
): Response {
  const source = response.body?.getReader();
  if (!source) return response;
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    onEnd?.();
  };
  let slice = performance.now();
  const body = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        if (performance.now() - slice > sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await source.read();
        } catch (e) {
          end();
          return controller.error(failed(e));
        }
        if (chunk.done) {
          end();
          return controller.close();
        }
        const error = check(chunk.value);
        if (error) {
          end();
          controller.error(error);
          void source.cancel(error).catch(() => undefined);
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel: (reason) => {
        end();
        return source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A body capped at `maxBytes`: past it, the body ends with `tooLarge()`. */
export function cappedResponse(response: Response, maxBytes: number, tooLarge: () => Error, failed?: (e: unknown) => unknown): Response {
  let bytes = 0;
  return checkedResponse(
    response,
    (chunk) => {
      bytes += chunk.byteLength;
      return bytes > maxBytes ? tooLarge() : undefined;
    },
    failed,
  );
}

const LF = 10;
const CR = 13;
const LFLF = Buffer.from('\n\n');

/**
 * The size of the event an event stream is in the middle of: the bytes since its last blank line
 * (an event ends with one; an SSE parser holds the event's lines, and the line it is in, until
 * then). Lines end with LF, CR or CRLF. Chunks without a CR (the usual) are scanned natively.
 */
export class EventSizes {
  /** Bytes of the current event so far. */
  current = 0;
  /** The last byte ended a line (or nothing came yet). */
  private lineStart = true;
  /** The last byte was a CR (an LF right after it ends no other line). */
  private cr = false;

  /** Takes a chunk; returns the size of the event still open after it. */
  take(chunk: Uint8Array): number {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = b.length;
    if (n === 0) return this.current;
    if (!this.cr && b.indexOf(CR) === -1) {
      // the last blank line in the chunk: two LFs in a row, or an LF first after a line's end
      const blank = b.lastIndexOf(LFLF);
      if (blank !== -1) this.current = n - (blank + 2);
      else if (this.lineStart && b[0] === LF) this.current = n - 1;
      else this.current += n;
      // (the LFs themselves are counted: a bound, not an exact figure)
      this.lineStart = b[n - 1] === LF;
      return this.current;
    }
    for (let i = 0; i < n; i++) {
      const c = b[i];
      if (c === LF || c === CR) {
        const crlf = c === LF && this.cr;
        this.cr = c === CR;
        if (crlf) continue;
        if (this.lineStart) this.current = 0;
        this.lineStart = true;
      } else {
        this.cr = false;
        this.lineStart = false;
        this.current++;
      }
    }
    return this.current;
  }
}
