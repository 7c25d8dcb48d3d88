// The direct side of a remote app: an MCP session over HTTP from the pool's own host, no process.
// The link's life: open (the transport; the handshake is the start), down (the session is gone, a
// request's stream broke: reported once), and close (the session ended on the server with an HTTP
// DELETE, bounded by the stop grace, then the transport closed). Its log is the app's log lines
// ("[http] …"), masked like a process's stderr.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { DirectAuth, type ExternalRedirect } from './directAuth';
import { DirectTransport, type FetchLike } from './directTransport';
import { type SignIns, signInKey } from './signIn';
import { delay, type Link, StartError } from '../link';
import { StderrTail } from '../stderrTail';
import type { ExitInfo, TransportStrategy } from '../types';

export interface HttpLinkOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: FetchLike;
  /** Streamable HTTP and/or legacy SSE (directTransport.ts). */
  readonly strategy?: TransportStrategy;
  /** OAuth sign-ins (the server may ask for one); without it, a 401 fails the start with what to do. */
  readonly signIn?: {
    readonly app: string;
    readonly signIns: SignIns;
    readonly clientName: string;
    readonly externalRedirect?: ExternalRedirect;
    /** The client ID metadata document's URL, used as the client_id where the authorization server supports it. */
    readonly clientMetadataUrl?: string;
  };
  /** The user is asked to sign in (the first prompt of a start stretches its deadline). */
  readonly onAuthUrl?: (url: string) => void;
  readonly logLines: number;
  readonly maxMessageBytes: number;
  readonly stopGraceMs: number;
  /** Receives every log line, already passed through `redact`. */
  readonly onLog: (line: string) => void;
  readonly redact?: (line: string) => string;
}

export class HttpLink implements Link {
  private transport?: DirectTransport;
  private readonly log: StderrTail;
  private downInfo?: ExitInfo;
  private _violation?: string;
  private onDown?: () => void;
  private failStart?: (e: StartError) => void;
  private readonly wentDown: Promise<ExitInfo>;
  private resolveDown!: (e: ExitInfo) => void;

  constructor(private readonly opts: HttpLinkOptions) {
    this.log = new StderrTail(opts.logLines, opts.onLog, undefined, opts.redact);
    this.wentDown = new Promise((r) => (this.resolveDown = r));
  }

  /** No process: the session lives in the pool's host. */
  readonly pid = undefined;

  get violation(): string | undefined {
    return this._violation;
  }

  stderrTail(n?: number): string[] {
    return this.log.tail(n);
  }

  waitExit(ms: number): Promise<ExitInfo | undefined> {
    if (this.downInfo) return Promise.resolve(this.downInfo);
    return Promise.race([this.wentDown, delay(ms).then(() => undefined)]);
  }

  open(): { transport: Transport; failed: Promise<never> } {
    const failed = new Promise<never>((_, reject) => (this.failStart = reject));
    failed.catch(() => undefined);
    this.transport = new DirectTransport({
      url: new URL(this.opts.url),
      headers: this.opts.headers,
      fetch: this.opts.fetch,
      strategy: this.opts.strategy,
      auth: this.auth(),
      maxResponseBytes: this.opts.maxMessageBytes,
      note: (line) => this.log.line(line),
      down: (reason, violation) => this.down(reason, violation),
    });
    return { transport: this.transport, failed };
  }

  private auth(): DirectAuth | undefined {
    const s = this.opts.signIn;
    if (!s) return undefined;
    return new DirectAuth({
      app: s.app,
      key: signInKey(this.opts.url, this.opts.headers),
      signIns: s.signIns,
      externalRedirect: s.externalRedirect,
      clientName: s.clientName,
      clientMetadataUrl: s.clientMetadataUrl,
      onAuthUrl: (url) => this.opts.onAuthUrl?.(url),
      note: (line) => this.log.line(line),
    });
  }

  established(onDown: () => void): void {
    this.failStart = undefined;
    if (this.transport?.kind === 'sse') this.log.line('[http] connected over the legacy SSE transport');
    if (this.downInfo) onDown();
    else this.onDown = onDown;
  }

  async endBroken(): Promise<ExitInfo> {
    const t = this.transport;
    // the session may still be alive on the server: end it there too, but never wait long for that
    await Promise.race([t?.terminateSession().catch(() => undefined), delay(1000)]);
    await t?.close().catch(() => undefined);
    return this.downInfo ?? { code: null, signal: null, reason: 'the connection was closed' };
  }

  async close(closeSession: () => Promise<void>, force: boolean): Promise<void> {
    const t = this.transport;
    if (!force && t) await Promise.race([t.terminateSession().catch(() => undefined), delay(this.opts.stopGraceMs)]);
    await closeSession();
    await t?.close().catch(() => undefined);
  }

  private down(reason: string, violation?: string): void {
    if (this.downInfo) return;
    this.log.line(`[http] ${reason}`);
    this.downInfo = { code: null, signal: null, reason: `connection lost: ${reason}` };
    if (violation) this._violation = violation;
    this.resolveDown(this.downInfo);
    if (this.failStart) this.failStart(new StartError(reason, this.log.tail()));
    this.onDown?.();
  }
}
