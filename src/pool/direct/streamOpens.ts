// The 2025 era's background event stream (GET), opened and re-opened by the SDK: each open is
// counted (a server that ends it at once, with `retry: 0`, would have it re-opened hundreds of
// times a second: flooding), and two failed opens in a row mean the stream is lost (the SDK gives
// up silently after that; the server's notifications would be lost from then on).

/** The background event stream may be opened at most STREAM_OPENS_MAX times in STREAM_OPENS_MS. */
export const STREAM_OPENS_MAX = 60;
export const STREAM_OPENS_MS = 10_000;

export type StreamVerdict = { kind: 'flooding' | 'lost'; words: string } | undefined;

export class StreamOpens {
  /** When the stream was opened, within the last STREAM_OPENS_MS. */
  private readonly opens: number[] = [];
  /** Failed attempts in a row to (re-)open it. */
  private failures = 0;

  /** The stream was (re-)opened (`opened`), answered without a stream (`ok`), or failed to open. */
  opened(ok: boolean, opened = false): StreamVerdict {
    if (opened) {
      const now = performance.now();
      const opens = this.opens;
      opens.push(now);
      while (now - opens[0] > STREAM_OPENS_MS) opens.shift();
      if (opens.length > STREAM_OPENS_MAX) {
        const secs = Math.max(0.1, (now - opens[0]) / 1000).toFixed(1);
        return {
          kind: 'flooding',
          words: `re-opened its event stream ${opens.length} times in ${secs} s (limit: ${STREAM_OPENS_MAX} in ${STREAM_OPENS_MS / 1000} s); the connection was closed`,
        };
      }
    }
    this.failures = ok ? 0 : this.failures + 1;
    return this.failures >= 2 ? { kind: 'lost', words: "the server's event stream was lost and could not be re-opened" } : undefined;
  }
}
