// The OAuth redirect's landing place for a direct app's sign-in: a listener on 127.0.0.1 that
// accepts one callback (`/oauth/callback?code=…&state=…`) whose state is one it handed out, shows
// the user a page saying what happened, and hands the code on. Bound only while a sign-in may be
// under way; nothing else is served. For a redirect registered as `http://localhost:PORT/…` (as
// mcp-remote registers it) it listens on both loopbacks: a browser tries [::1] first, and whoever
// else listened on [::1]:PORT would receive the code. If either address is held by someone else,
// it listens elsewhere instead (the client is then registered again for a 127.0.0.1 redirect).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CALLBACK_PATH = '/oauth/callback';

/** An accepted callback: the code, its state, and the `iss` the authorization server named (RFC 9207), if any. */
export interface SignInAnswer {
  readonly code: string;
  readonly state: string;
  readonly iss?: string;
}

export class SignInCancelled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInCancelled';
  }
}

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:system-ui,sans-serif;margin:3em"><h2>${esc(title)}</h2><p>${esc(text)}</p></body></html>`;
}

/** Whether a redirect's host is reached on both loopbacks by a browser (`localhost` resolves to ::1 and 127.0.0.1). */
export function needsBothLoopbacks(redirect: string | undefined): boolean {
  if (!redirect) return false;
  try {
    const host = new URL(redirect).hostname;
    return host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

/** Errors of a bind to ::1 that mean this machine has no IPv6 loopback (then no one can listen there either). */
const NO_IPV6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

export class LoopbackRedirect {
  private server?: Server;
  /** The same listener on [::1], for a `localhost` redirect. */
  private server6?: Server;
  private listening?: Promise<number>;
  /** Bumped by close(): a bind that finishes after it is closed at once. */
  private generation = 0;
  private readonly states = new Set<string>();
  private waiter?: { resolve: (r: SignInAnswer) => void; reject: (e: Error) => void };

  constructor(private readonly app: string) {}

  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  get url(): string | undefined {
    const port = this.port;
    return port === undefined ? undefined : `http://127.0.0.1:${port}${CALLBACK_PATH}`;
  }

  /**
   * Listens on `preferred` if it is free (on 127.0.0.1, and on [::1] too when `bothLoopbacks`),
   * else on any free port of 127.0.0.1. Resolves to the port; concurrent calls share one bind.
   */
  listen(preferred?: number, bothLoopbacks = false): Promise<number> {
    this.listening ??= this.bind(preferred, bothLoopbacks, this.generation);
    return this.listening;
  }

  private async bind(preferred: number | undefined, bothLoopbacks: boolean, generation: number): Promise<number> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, title: string, text: string) => {
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
        res.end(page(title, text));
      };
      // (through a forwarded port the path may keep the forwarder's prefix: /absproxy/PORT/oauth/callback)
      if (!u.pathname.endsWith(CALLBACK_PATH)) return send(404, 'Not found', 'Nothing here.');
      const state = u.searchParams.get('state') ?? '';
      // a callback that does not carry a state we handed out is nobody's sign-in (or a forgery)
      if (!this.states.has(state))
        return send(400, 'Sign-in not recognised', 'This sign-in link is not one the editor is waiting for (it may be old). Start again from the editor.');
      this.states.delete(state);
      const error = u.searchParams.get('error');
      const code = u.searchParams.get('code');
      if (error || !code) {
        const said = [error, u.searchParams.get('error_description')].filter(Boolean).join(': ') || 'no code in the answer';
        send(400, 'Sign-in failed', `The authorization server said: ${said}. You can close this tab.`);
        this.waiter?.reject(new SignInCancelled(`the sign-in for "${this.app}" failed: the authorization server said ${said}`));
        return;
      }
      send(200, `Signed in: ${this.app}`, 'You can close this tab and go back to the editor.');
      // (RFC 9207: the issuer that answered, checked by the SDK before the code is redeemed)
      const iss = u.searchParams.get('iss');
      this.waiter?.resolve(iss === null ? { code, state } : { code, state, iss });
    };
    const bind = (server: Server, port: number, host: string) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          // an error after listening (EMFILE on accept) must not be thrown into the host
          server.on('error', () => undefined);
          resolve();
        });
      });
    // (a browser sends its headers at once: whoever trickles them is not a browser)
    const create = () => Object.assign(createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, handle), { maxConnections: 64 });
    let server = create();
    let server6: Server | undefined;
    try {
      await bind(server, preferred ?? 0, '127.0.0.1');
      if (preferred && bothLoopbacks) {
        server6 = create();
        try {
          await bind(server6, preferred, '::1');
        } catch (e) {
          server6 = undefined;
          // no IPv6 loopback on this machine: 127.0.0.1 is the only place a browser can land
          if (!NO_IPV6.has((e as NodeJS.ErrnoException).code ?? '')) {
            // someone else listens on [::1]:PORT, where a browser would take the code: not this port
            server.close();
            throw e;
          }
        }
      }
    } catch {
      server = create();
      await bind(server, 0, '127.0.0.1');
    }
    if (generation !== this.generation) {
      // closed while binding: nobody will wait on this listener
      server.close();
      server6?.close();
      throw new SignInCancelled(`the sign-in for "${this.app}" was abandoned`);
    }
    this.server = server;
    this.server6 = server6;
    return this.port!;
  }

  /** A state this listener will accept a callback for. */
  expect(state: string): void {
    this.states.add(state);
  }

  /** The next accepted callback. Rejects on an error answer, when `signal` aborts, or on close(). */
  next(signal?: AbortSignal): Promise<SignInAnswer> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new SignInCancelled(`the sign-in for "${this.app}" was abandoned`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          this.waiter = undefined;
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          this.waiter = undefined;
          reject(e);
        },
      };
    });
  }

  close(): void {
    this.generation++;
    this.listening?.catch(() => undefined);
    this.listening = undefined;
    this.waiter?.reject(new SignInCancelled(`the sign-in for "${this.app}" was abandoned`));
    this.states.clear();
    for (const server of [this.server, this.server6]) {
      server?.closeAllConnections();
      server?.close();
    }
    this.server = this.server6 = undefined;
  }
}
