// Splits a server's stdout into lines in linear time. (The SDK's ReadBuffer concatenates its
// whole buffer with every chunk, so a 60 MB response cost 18.5 s of blocked event loop.) Each
// chunk is scanned once for line breaks; the pieces of a line are joined once, when it ends.
// A line longer than the limit is not kept: its length and a little of its head and tail are
// reported (enough to find a JSON-RPC id), so the caller can answer it with an error of its own.
// Every line is handed on with its size, blank ones too: what a server may send is budgeted by
// the caller (a flood of empty lines costs the host as much as any other).

/** What is kept of a line that was over the limit. */
export interface OversizedLine {
  readonly bytes: number;
  /** The first and last bytes of the line (as text), for finding its id. */
  readonly head: string;
  readonly tail: string;
}

const EDGE = 256;

export class LineFramer {
  private pieces: Buffer[] = [];
  private pending = 0;
  /** The line being skipped because it is over the limit. */
  private skipping?: { bytes: number; head: string; tail: Buffer };

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string, bytes: number) => void,
    private readonly onOversized: (line: OversizedLine) => void,
  ) {}

  /** Bytes of the current unfinished line (kept or skipped). */
  get unfinishedBytes(): number {
    return this.skipping ? this.skipping.bytes : this.pending;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (end > start) this.add(chunk.subarray(start, end));
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  clear(): void {
    this.pieces = [];
    this.pending = 0;
    this.skipping = undefined;
  }

  private add(piece: Buffer): void {
    if (this.skipping) {
      this.skipping.bytes += piece.length;
      this.skipping.tail = piece.length >= EDGE ? lastBytes(piece, EDGE) : lastBytes(Buffer.concat([this.skipping.tail, piece]), EDGE);
      return;
    }
    this.pieces.push(piece);
    this.pending += piece.length;
    if (this.pending > this.maxLineBytes) {
      const all = Buffer.concat(this.pieces);
      this.skipping = { bytes: this.pending, head: all.subarray(0, EDGE).toString('utf8'), tail: lastBytes(all, EDGE) };
      this.pieces = [];
      this.pending = 0;
    }
  }

  private endLine(): void {
    if (this.skipping) {
      const { bytes, head, tail } = this.skipping;
      this.skipping = undefined;
      this.onOversized({ bytes, head, tail: tail.toString('utf8') });
      return;
    }
    if (!this.pieces.length) return this.onLine('', 1); // an empty line: nothing to join or decode
    const line = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pending = 0;
    this.onLine(line.toString('utf8').replace(/\r$/, ''), line.length + 1);
  }
}

function lastBytes(b: Buffer, n: number): Buffer {
  return b.length <= n ? Buffer.from(b) : Buffer.from(b.subarray(b.length - n));
}

/** The JSON-RPC id an oversized response carries, if its head or tail shows it. */
export function findMessageId(line: OversizedLine): string | number | undefined {
  for (const text of [line.tail, line.head]) {
    const m = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*[,}]/.exec(text);
    if (m) return m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : Number(m[1]);
  }
  return undefined;
}
