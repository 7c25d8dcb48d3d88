// The gateway's plain-HTTP API (contract/protocol.ts, /v1/…) over node:http: one request per command, no
// MCP handshake, nothing loaded but Node's own http. A failure of any kind becomes an ApiFailure
// carrying a code and one line of text. Every connection to a pool is proven before it carries the
// token or anything else (poolProof.ts): one extra round trip per connection, and a command's
// requests share one kept-alive connection.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { API_PREFIX, type ApiError } from '../contract/protocol';
import { ApiFailure } from './apiFailure';
import { provenAgent } from './poolProof';
import type { PoolTarget } from './poolLookup';

export { ApiFailure };

/** One request to the gateway's API (not the pool's CallOptions of a tool call). */
export interface ApiRequestOptions {
  readonly signal?: AbortSignal;
  /** NDJSON lines other than the final one (`{ progress }`). */
  readonly onLine?: (line: Readonly<Record<string, unknown>>) => void;
}

/** `/v1/apps/<app>/<what>` */
export function appPath(app: string, what: string): string {
  return `${API_PREFIX}apps/${encodeURIComponent(app)}/${what}`;
}

function failureFromBody(status: number, text: string): ApiFailure {
  try {
    const body = JSON.parse(text) as { error?: Partial<ApiError> };
    if (body.error?.message) return new ApiFailure(body.error.code ?? 'error', body.error.message, status);
  } catch {
    // not JSON: say what came back
  }
  return new ApiFailure(
    status === 401 ? 'unauthorized' : 'bad-response',
    `the pool answered HTTP ${status}${text.trim() ? `: ${text.trim().split('\n')[0].slice(0, 200)}` : ''}`,
    status,
  );
}

function connectionFailure(target: PoolTarget, e: NodeJS.ErrnoException): ApiFailure {
  const why = e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.code === 'ECONNRESET' ? 'the connection was reset' : (e.code ?? e.message);
  return new ApiFailure(e.code === 'ECONNREFUSED' ? 'refused' : 'unreachable', `the pool at ${target.url} (from ${target.source}) does not answer: ${why}`);
}

/**
 * One request, on a connection whose pool proved it holds the token. JSON bodies resolve to the parsed body; NDJSON bodies (a call) hand every line but
 * the last to `onLine` and resolve to the last line's `result` (or reject with its `error`).
 */
export function callApi(target: PoolTarget, method: 'GET' | 'POST', path: string, body?: unknown, opts: ApiRequestOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ApiFailure('cancelled', 'cancelled'));
    let url: URL;
    try {
      url = new URL(path, `${target.url}/`);
    } catch {
      return reject(new ApiFailure('unreachable', `the pool's address is not a URL: ${target.url} (from ${target.source})`));
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const req = httpRequest(url, {
      method,
      agent: provenAgent(target),
      headers: {
        authorization: `Bearer ${target.token}`,
        accept: 'application/json, application/x-ndjson',
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      },
    });
    const onAbort = () => {
      req.destroy();
      done(() => reject(new ApiFailure('cancelled', 'cancelled')));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // what listens there did not prove it holds the token (poolProof.ts): nothing was sent
      done(() => reject(e instanceof ApiFailure ? e : connectionFailure(target, e)));
    });
    req.on('response', (res: IncomingMessage) => {
      res.setEncoding('utf8');
      const status = res.statusCode ?? 0;
      const ndjson = (res.headers['content-type'] ?? '').includes('ndjson');
      let text = '';
      let last: Record<string, unknown> | undefined;
      res.on('data', (chunk: string) => {
        text += chunk;
        if (!ndjson || status >= 400) return;
        let nl: number;
        while ((nl = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, nl).trim();
          text = text.slice(nl + 1);
          if (!line) continue;
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(line) as Record<string, unknown>;
          } catch {
            continue;
          }
          if ('result' in parsed || 'error' in parsed) last = parsed;
          else opts.onLine?.(parsed);
        }
      });
      res.on('error', () => done(() => reject(new ApiFailure('unreachable', `the connection to the pool at ${target.url} broke`))));
      res.on('end', () =>
        done(() => {
          if (status >= 400) return reject(failureFromBody(status, text));
          if (ndjson) {
            if (text.trim()) {
              try {
                const tail = JSON.parse(text) as Record<string, unknown>;
                if ('result' in tail || 'error' in tail) last = tail;
              } catch {
                // an unfinished line: the stream was cut
              }
            }
            if (!last) return reject(new ApiFailure('bad-response', 'the pool ended the call without a result'));
            const err = last.error as Partial<ApiError> | undefined;
            if (err) return reject(new ApiFailure(err.code ?? 'error', err.message ?? JSON.stringify(err), status));
            return resolve(last.result);
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new ApiFailure('bad-response', `the pool sent something that is not JSON (HTTP ${status})`, status));
          }
        }),
      );
    });
    req.end(payload);
  });
}
