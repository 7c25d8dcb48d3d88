// Reads a child's stderr for its whole life (an unread pipe can stall the child), splits it
// into lines, keeps a bounded tail and recognises mcp-remote's authorization prompt.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

const AUTH_PROMPT = /Please authorize this client by visiting:\s*(\S+)/;
/** mcp-remote 0.15 prints the prompt and the URL on separate lines (also for the device-code flow). */
const AUTH_PROMPT_ALONE = /(?:Please authorize this client by visiting|To authorize this client, visit):\s*$/;
const URL_LINE = /^\s*(https?:\/\/\S+)\s*$/;
const MAX_LINE = 2000;

export class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';
  /** Chunks read and not yet split (attach). */
  private readonly pending: Buffer[] = [];
  private readonly decoder = new StringDecoder('utf8');
  /** The previous line was a prompt whose URL comes on the next line. */
  private urlNext = false;

  constructor(
    private readonly maxLines: number,
    private readonly onLine: (line: string) => void,
    /** Undefined: prompts are not looked for (a server that is not mcp-remote). */
    private readonly onAuthUrl: ((url: string) => void) | undefined,
    /** Applied once to every line before it is kept or reported (the pool masks secrets here). */
    private readonly transform: (line: string) => string = (l) => l,
  ) {}

  /**
   * Chunks are read at once (the pipe never fills) and split, masked and reported a turn later
   * (setImmediate), a batch at a time: mcp-remote writes a line or two for every message it relays,
   * and the answer that arrives beside them is handed on first. Whoever reads the tail sees every
   * chunk read so far.
   */
  attach(stream: Readable): void {
    stream.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      if (this.pending.length === 1) setImmediate(this.drain);
    });
    stream.on('end', () => this.flush());
    stream.on('error', () => this.flush());
  }

  /** The last lines, oldest first. */
  tail(n = this.maxLines): string[] {
    this.drain();
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n);
  }

  /** A whole line from the link itself (a direct connection has no stream behind its log). */
  line(text: string): void {
    this.drain();
    for (const l of text.split(/\r?\n/)) this.add(l);
  }

  private readonly drain = (): void => {
    if (this.pending.length === 0) return;
    const chunks = this.pending.splice(0);
    for (const chunk of chunks) this.push(this.decoder.write(chunk));
  };

  private push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const line of parts) this.add(line);
  }

  private flush(): void {
    this.drain();
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.add(rest);
  }

  private add(raw: string): void {
    const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}… (${raw.length} chars)` : raw;
    if (!line.trim()) return;
    const kept = this.transform(line);
    this.lines.push(kept);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
    this.onLine(kept);
    if (!this.onAuthUrl) return;
    const m = AUTH_PROMPT.exec(line) ?? (this.urlNext ? URL_LINE.exec(line) : null);
    this.urlNext = AUTH_PROMPT_ALONE.test(line);
    if (m) this.onAuthUrl(m[1]);
  }
}
