// The OAuth redirect's landing place for a direct app's sign-in: a listener on 127.0.0.1 that
// accepts one callback (`/oauth/callback?code=…&state=…`) whose state is one it handed out, shows
// the user a page saying what happened, and hands the code on. Bound only while a sign-in may be
// under way; nothing else is served.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CALLBACK_PATH = '/oauth/callback';

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

export class LoopbackRedirect {
  private server?: Server;
  private listening?: Promise<number>;
  /** Bumped by close(): a bind that finishes after it is closed at once. */
  private generation = 0;
  private readonly states = new Set<string>();
  private waiter?: { resolve: (r: { code: string; state: string }) => void; reject: (e: Error) => void };

  constructor(private readonly app: string) {}

  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  get url(): string | undefined {
    const port = this.port;
    return port === undefined ? undefined : `http://127.0.0.1:${port}${CALLBACK_PATH}`;
  }

  /** Listens on `preferred` if it is free, else on any free port. Resolves to the port; concurrent calls share one bind. */
  listen(preferred?: number): Promise<number> {
    this.listening ??= this.bind(preferred, this.generation);
    return this.listening;
  }

  private async bind(preferred: number | undefined, generation: number): Promise<number> {
    const server = createServer((req, res) => {
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
      this.waiter?.resolve({ code, state });
    });
    const bind = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    try {
      await bind(preferred ?? 0);
    } catch {
      await bind(0);
    }
    if (generation !== this.generation) {
      // closed while binding: nobody will wait on this listener
      server.close();
      throw new SignInCancelled(`the sign-in for "${this.app}" was abandoned`);
    }
    this.server = server;
    return this.port!;
  }

  /** A state this listener will accept a callback for. */
  expect(state: string): void {
    this.states.add(state);
  }

  /** The next accepted callback. Rejects on an error answer, when `signal` aborts, or on close(). */
  next(signal?: AbortSignal): Promise<{ code: string; state: string }> {
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
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
  }
}
