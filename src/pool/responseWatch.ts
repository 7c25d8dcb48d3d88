// The guard on a direct app's response bodies: each one passes through a pull-through layer that
// counts its bytes (past a bound the link ends) and notices a request's event stream that breaks
// or ends before the request was answered — which the SDK would leave waiting forever, unless the
// server gave event ids (then the SDK resumes the stream itself).

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
}

/** The response with its body watched (see the file comment). */
export function watchResponse(response: Response, w: ResponseWatch): Response {
  let bytes = 0;
  let resumable = false;
  const waiting = () => !resumable && w.awaited();
  // the SDK parses what it read a few microtasks later: look again once they have run
  const check = (how: string) => waiting() && setImmediate(() => waiting() && w.onBroken(how));
  // One pull-through layer over the body (cheaper than a TransformStream and its pipe).
  const source = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let chunk: { done: boolean; value?: Uint8Array };
        try {
          chunk = (await source.read()) as { done: boolean; value?: Uint8Array };
        } catch (e) {
          // a broken source (the connection reset): the SDK's reader sees the error, we act on it
          controller.error(e);
          check(`the connection broke during a request: ${w.describe(e)}`);
          return;
        }
        const value = chunk.value;
        if (chunk.done || !value) {
          controller.close();
          check("the server ended a request's stream without answering it");
          return;
        }
        bytes += value.byteLength;
        if (bytes > w.maxBytes) {
          const mb = Math.round(w.maxBytes / 1048576);
          w.onTooLarge(mb);
          controller.error(new Error(`response larger than ${mb} MB`));
          void source.cancel().catch(() => undefined);
          return;
        }
        if (!resumable && hasEventId(value)) resumable = true;
        controller.enqueue(value);
      },
      cancel: (reason) => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
