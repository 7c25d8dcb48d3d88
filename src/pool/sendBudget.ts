// How much a server may send that nobody asked for. Every message costs the host something
// (parsing, validation, the SDK's dispatch, a log line for the bad ones) and the extension host is
// shared with every other extension: a server that floods it with notifications, responses to
// requests never sent, requests the client does not support, lines that are not JSON or bytes
// without a line break would keep it busy for as long as it runs. Two token buckets (messages,
// bytes) bound that traffic: a burst may spend a bucket, a sustained rate above its refill empties
// it, and an empty bucket is a breach — the server is then stopped with the figures of the flood.
// Answers to the client's own requests are never charged; progress for a call in flight is
// charged a tenth (it is asked for, but a server can still flood it), and so is an empty line
// (harmless now and then, and cheap: nothing is parsed or dispatched — but not free by the million).
// The same budget, with the same words, bounds a direct app's event streams (direct/): its
// messages are charged as they are handed on, the bytes of its background stream as they arrive.

/** What a server sent that the client did not ask for (or, for `progress`, asked for in moderation). */
export type UnsolicitedKind = 'notification' | 'progress' | 'stray-response' | 'request' | 'garbage' | 'blank' | 'unterminated';

export interface SendLimits {
  /** Sustained unsolicited messages per second (the refill of the message bucket). */
  readonly messagesPerSecond: number;
  /** Messages a burst may spend at once (the size of the message bucket). */
  readonly messageBurst: number;
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
}

/**
 * Generous on purpose: a legit server sends a log line, a list_changed or a resource update now
 * and then, a chatty one a few hundred a second at debug level. Measured on a 2-core machine, an
 * unsolicited message costs the host 30–55 µs (parse, validation, dispatch, the note of a bad one;
 * notifications the most: each gets a turn of the event loop and its handler), so a server just
 * under 2,000/s keeps 6 % (stray responses, non-JSON lines) to 11 % (notifications) of one core
 * busy — the price of never stopping a legit one. A burst of 10,000 is what a server dumping its
 * startup logs might do; it is parsed and counted in ≈ 10–40 ms. The byte budget is for few but
 * large messages and for bytes without a line break while no answer is awaited: 4 MB/s costs
 * ≈ 1 % of a core to read and parse, a burst of 32 MB lets a big log record through. A full-speed
 * flood (≈ 100,000 messages or ≈ 1 GB a second) spends either bucket within about 0.1 s; one at
 * 5,000/s empties it in ≈ 3.3 s, bytes without a line break at 20 MB/s in ≈ 2 s.
 */
export const SEND_LIMITS: SendLimits = {
  messagesPerSecond: 2_000,
  messageBurst: 10_000,
  bytesPerSecond: 4 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
};

/** What a message of these kinds costs, in messages and bytes (others cost 1). */
const WEIGHTS: Partial<Record<UnsolicitedKind, number>> = { progress: 0.1, blank: 0.1 };

/** A flood: what the server sent since the buckets were last full, when one of them ran dry. */
export interface BudgetBreach {
  /** The bucket that ran dry. */
  readonly by: 'messages' | 'bytes';
  readonly messages: number;
  readonly bytes: number;
  /** Since the flood began (the buckets were last full). */
  readonly ms: number;
  /** Messages and bytes of each kind sent during the flood. */
  readonly kinds: ReadonlyMap<UnsolicitedKind, { messages: number; bytes: number }>;
  readonly limits: SendLimits;
}

export class SendBudget {
  private messageTokens: number;
  private byteTokens: number;
  private last: number;
  private since: number;
  private messages = 0;
  private bytes = 0;
  private kinds = new Map<UnsolicitedKind, { messages: number; bytes: number }>();
  /** The counts of the last kind charged (a flood is mostly of one kind: no map look-up per message). */
  private lastKind?: { kind: UnsolicitedKind; counts: { messages: number; bytes: number } };

  constructor(
    readonly limits: SendLimits = SEND_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.messageTokens = limits.messageBurst;
    this.byteTokens = limits.byteBurst;
    this.last = this.since = now();
  }

  /**
   * Charges `messages` of `kind` (one; `unterminated` data is bytes only) and their `bytes` (counted
   * as they arrive, or with the message). Returns the breach when a bucket runs dry, otherwise undefined.
   */
  charge(kind: UnsolicitedKind, bytes: number, messages = kind === 'unterminated' ? 0 : 1): BudgetBreach | undefined {
    const now = this.now();
    const { limits } = this;
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.messageTokens = Math.min(limits.messageBurst, this.messageTokens + elapsed * limits.messagesPerSecond);
    this.byteTokens = Math.min(limits.byteBurst, this.byteTokens + elapsed * limits.bytesPerSecond);
    if (this.messageTokens === limits.messageBurst && this.byteTokens === limits.byteBurst) {
      // both buckets are full again: whatever came before is forgiven, a new count begins
      this.since = now;
      this.messages = this.bytes = 0;
      this.kinds = new Map();
      this.lastKind = undefined;
    }
    const weight = WEIGHTS[kind] ?? 1;
    this.messageTokens -= messages * weight;
    this.byteTokens -= bytes * weight;
    this.messages += messages;
    this.bytes += bytes;
    if (this.lastKind?.kind !== kind) {
      let counts = this.kinds.get(kind);
      if (!counts) this.kinds.set(kind, (counts = { messages: 0, bytes: 0 }));
      this.lastKind = { kind, counts };
    }
    this.lastKind.counts.messages += messages;
    this.lastKind.counts.bytes += bytes;
    if (this.messageTokens >= 0 && this.byteTokens >= 0) return undefined;
    return {
      by: this.messageTokens < 0 ? 'messages' : 'bytes',
      messages: this.messages,
      bytes: this.bytes,
      ms: now - this.since,
      kinds: new Map(this.kinds),
      limits,
    };
  }
}

const KIND_WORDS: Record<UnsolicitedKind, { what: string; hint: string }> = {
  notification: { what: 'notifications', hint: "check the server's logging and what it notifies" },
  progress: { what: 'progress notifications for calls in flight', hint: 'the server reports progress far too often' },
  'stray-response': { what: 'responses to requests never sent', hint: 'the server answers requests nobody sent' },
  request: { what: 'requests the client does not support', hint: 'the server keeps sending requests the pool does not handle' },
  garbage: { what: 'lines that are not JSON-RPC', hint: 'the server prints on stdout what belongs on stderr' },
  blank: { what: 'empty lines', hint: 'the server prints empty lines on stdout' },
  unterminated: { what: 'without a line break', hint: 'the server writes to stdout without line breaks' },
};

/**
 * The breach in words, e.g. `sent 12,345 unsolicited messages in 380 ms (limit 2,000/s, bursts of
 * 10,000: 12,345 notifications); stopped — check the server's logging and what it notifies`.
 */
export function describeBreach(b: BudgetBreach): string {
  const byBytes = b.by === 'bytes';
  const share = (k: { messages: number; bytes: number }) => (byBytes ? k.bytes : k.messages);
  const kinds = [...b.kinds.entries()].filter(([, k]) => share(k) > 0).sort((x, y) => share(y[1]) - share(x[1]));
  const parts = kinds.map(([kind, k]) =>
    byBytes ? `${megabytes(k.bytes)} ${kind === 'unterminated' ? '' : 'in '}${KIND_WORDS[kind].what}` : `${count(k.messages)} ${KIND_WORDS[kind].what}`,
  );
  const { limits } = b;
  const sent = byBytes ? `${megabytes(b.bytes)} of unsolicited output` : `${count(b.messages)} unsolicited messages`;
  const limit = byBytes
    ? `limit ${megabytes(limits.bytesPerSecond, 0)}/s, bursts of ${megabytes(limits.byteBurst, 0)}`
    : `limit ${count(limits.messagesPerSecond)}/s, bursts of ${count(limits.messageBurst)}`;
  const hint = kinds.length ? KIND_WORDS[kinds[0][0]].hint : 'check the server';
  return `sent ${sent} in ${seconds(b.ms)} (${limit}: ${parts.join(', ')}); stopped — ${hint}`;
}

function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function megabytes(bytes: number, digits = 1): string {
  return `${(bytes / 1024 / 1024).toFixed(digits)} MB`;
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  return ms < 10_000 ? `${(Math.round(ms / 100) / 10).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
