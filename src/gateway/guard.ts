// Who may talk to the gateway: a request must name the gateway by its loopback address (Host: DNS
// rebinding protection), must not come from a web page (Origin: a page in the user's browser can
// send requests to 127.0.0.1 too), and must carry the session's bearer token, compared in
// constant time. Checked before anything else is read.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GATEWAY_HOST } from './defaults';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export type Refusal = { readonly status: 401 | 403; readonly code: 'unauthorized' | 'forbidden'; readonly message: string };

export class Guard {
  private readonly digest: Buffer;
  private hosts: ReadonlySet<string> = new Set();
  private origins: ReadonlySet<string> = new Set();

  constructor(token: string) {
    this.digest = sha256(token);
  }

  /** The port the gateway listens on: the only Host values accepted name it. */
  listening(port: number): void {
    const names = [`${GATEWAY_HOST}:${port}`, `localhost:${port}`];
    this.hosts = new Set(names);
    this.origins = new Set(names.map((n) => `http://${n}`));
  }

  /** Undefined when the request may go on; otherwise why not (never echoing what was sent). */
  check(req: IncomingMessage): Refusal | undefined {
    const host = req.headers.host?.toLowerCase();
    if (!host || !this.hosts.has(host))
      return { status: 403, code: 'forbidden', message: `the Host header must name the gateway on ${GATEWAY_HOST} (DNS rebinding protection)` };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase()))
      return { status: 403, code: 'forbidden', message: 'requests from web pages are refused (Origin)' };
    const auth = req.headers.authorization;
    const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    if (!m || !timingSafeEqual(sha256(m[1]), this.digest)) {
      return {
        status: 401,
        code: 'unauthorized',
        message: "a valid bearer token is required (Authorization: Bearer <token>; in the editor's terminals it is $MCP_POOL_TOKEN)",
      };
    }
    return undefined;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
