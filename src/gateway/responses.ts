// What the gateway holds for its clients: the bytes queued on each response (an event stream, an
// MCP answer, a CLI answer) that the client has not read yet. Node queues whatever is written to a
// response without limit, and the SDK writes every notification and answer at once, so a client
// that stops reading would make the extension host hold everything the server sends. Checked
// after every write: an event stream over its cap is closed; answers over their client's cap are
// dropped (the request is cancelled by its connection closing). Checked every few seconds: a
// response whose client read nothing for stalledMs while bytes wait is closed.
import type { ServerResponse } from 'node:http';

export interface ResponseLimits {
  readonly maxStreamQueuedBytes: number;
  readonly maxQueuedBytesPerClient: number;
  readonly stalledMs: number;
}

/** What the gateway closed for clients that did not read (for its log and the tests). */
export interface ResponseCounts {
  /** Event streams closed over maxStreamQueuedBytes. */
  streamsOverCap: number;
  /** Answers dropped over maxQueuedBytesPerClient. */
  answersOverCap: number;
  /** Responses closed after stalledMs without their client reading. */
  stalled: number;
}

interface Watched {
  readonly kind: 'stream' | 'answer';
  /** Whose answers count together (a client session, or the response itself for one CLI request). */
  readonly owner: object;
  readonly label: string;
  /** Since when bytes wait without the socket writing any (undefined: it is writing or has nothing queued). */
  since?: number;
  /** Socket bytes written when last checked (progress tells a slow reader from one that stopped). */
  flushed: number;
  /** Bytes given to the SDK for this response, and bytes it wrote to the response so far: the difference waits in the SDK's own stream. */
  offered: number;
  written: number;
}

/** Tells the watch that bytes were given to the SDK for a response (they wait in its stream until written). */
export type Offer = (bytes: number) => void;

/**
 * The bytes the SDK writes to an event stream for `message`: its SSE framing (`event: message\n`,
 * `data: `, `\n\n`; no event ids, the gateway keeps no event store) around the JSON in UTF-8. Exact,
 * so what is offered and what is written never drift apart on a long-lived stream (a test checks it).
 */
export function streamedBytes(message: unknown): number {
  return SSE_FRAMING_BYTES + Buffer.byteLength(JSON.stringify(message));
}
const SSE_FRAMING_BYTES = 'event: message\n'.length + 'data: '.length + '\n\n'.length;

export class ResponseWatch {
  private readonly watched = new Map<ServerResponse, Watched>();
  private readonly byOwner = new Map<object, Set<ServerResponse>>();
  readonly counts: ResponseCounts = { streamsOverCap: 0, answersOverCap: 0, stalled: 0 };

  /** The bytes counted as waiting in the SDK's streams of open event streams (0 once every client read everything). */
  get streamBacklog(): number {
    let sum = 0;
    for (const w of this.watched.values()) if (w.kind === 'stream') sum += w.offered - w.written;
    return sum;
  }

  constructor(
    private readonly limits: ResponseLimits,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * An event stream (GET): capped on its own. The SDK queues what it sends in a stream of its
   * own and writes to the response only as the socket drains, so what waits is counted from both
   * ends: the bytes offered (the returned function) minus those written, plus the response's queue.
   */
  stream(res: ServerResponse, label: string): Offer {
    const w: Watched = { kind: 'stream', owner: res, label, flushed: 0, offered: 0, written: 0 };
    this.watch(res, w);
    return (bytes) => {
      w.offered += bytes;
      this.queued(res, w);
    };
  }

  /** An answer: capped together with the other answers of `owner` (a session; by default the answer alone). */
  answer(res: ServerResponse, label: string, owner: object = res): void {
    this.watch(res, { kind: 'answer', owner, label, flushed: 0, offered: 0, written: 0 });
  }

  /** Closes each response whose client read nothing for stalledMs while bytes wait. */
  checkStalled(): void {
    const now = Date.now();
    for (const [res, w] of this.watched) {
      const written = res.socket?.bytesWritten ?? 0;
      const waiting = (res.writableNeedDrain || w.offered > w.written) && written === w.flushed;
      w.flushed = written;
      if (!waiting) w.since = undefined;
      else if (w.since === undefined) w.since = now;
      else if (now - w.since >= this.limits.stalledMs) {
        this.counts.stalled++;
        this.close(res, w, `its client read nothing for ${Math.round((now - w.since) / 1000)} s (${mb(res.writableLength)} waiting)`);
      }
    }
  }

  private watch(res: ServerResponse, w: Watched): void {
    this.watched.set(res, w);
    let mine = this.byOwner.get(w.owner);
    if (!mine) this.byOwner.set(w.owner, (mine = new Set()));
    mine.add(res);
    res.once('close', () => {
      this.watched.delete(res);
      mine.delete(res);
      if (!mine.size) this.byOwner.delete(w.owner);
    });
    // after every write, what is queued is looked at (the SDK and the CLI API write at once, whatever the socket holds)
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      w.written += byteLength(args[0]);
      // (more written than offered: the SDK wrote something of its own; never a credit against the cap)
      if (w.written > w.offered) w.offered = w.written;
      const ok = write(...args);
      this.queued(res, w);
      return ok;
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') w.written += byteLength(args[0]);
      const out = end(...args);
      this.queued(res, w);
      return out;
    }) as typeof res.end;
  }

  private queued(res: ServerResponse, w: Watched): void {
    if (res.destroyed) return;
    if (w.kind === 'stream') {
      const waiting = Math.max(0, w.offered - w.written) + res.writableLength;
      if (waiting <= this.limits.maxStreamQueuedBytes) return;
      this.counts.streamsOverCap++;
      return this.close(res, w, `${mb(waiting)} waited for its client to read (limit ${mb(this.limits.maxStreamQueuedBytes)} per event stream)`);
    }
    let total = 0;
    for (const r of this.byOwner.get(w.owner) ?? []) total += r.writableLength;
    if (total <= this.limits.maxQueuedBytesPerClient) return;
    this.counts.answersOverCap++;
    this.close(res, w, `${mb(total)} of answers waited for the client to read (limit ${mb(this.limits.maxQueuedBytesPerClient)} per client)`);
  }

  private close(res: ServerResponse, w: Watched, why: string): void {
    this.log(`gateway: closed ${w.kind === 'stream' ? 'the event stream' : 'an answer'} of ${w.label}: ${why}`);
    res.destroy();
  }
}

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
