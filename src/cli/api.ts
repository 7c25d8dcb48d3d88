// The gateway's plain-HTTP API (contract/protocol.ts, /v1/…) over node:http: one request per command, no
// MCP handshake, nothing loaded but Node's own http. A failure of any kind becomes an ApiFailure
// carrying a code and one line of text. Before the first request to a pool carries its token, the
// pool proves it holds that token (contract/proof.ts): once per process and pool.
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { checkProof, newChallenge, PROOF_HEADER, PROOF_PATH } from '../contract/proof';
import { API_PREFIX, type ApiError, ENV_TOKEN, ENV_URL } from '../contract/protocol';
import type { PoolTarget } from './poolLookup';

export class ApiFailure extends Error {
  constructor(
    /**
     * The gateway's error code (unknown-app, timeout, unauthorized, …), or `refused` (nothing listens) / `unreachable` / `bad-response` /
     * `cancelled` / `unproven` (what listens there did not prove it holds the token: nothing was sent to it).
     */
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** One request to the gateway's API (not the pool's CallOptions of a tool call). */
export interface ApiRequestOptions {
  readonly signal?: AbortSignal;
  /** NDJSON lines other than the final one (`{ progress }`). */
  readonly onLine?: (line: Readonly<Record<string, unknown>>) => void;
  /** Prove the pool again rather than trust this process's cached proof (a long-lived relay). */
  readonly freshProof?: boolean;
}

/**
 * A command's requests share one connection (a call that lists the tools first saves a connect).
 * Node unrefs an idle keep-alive socket, so it never keeps the process alive.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

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

/** How long a pool has to answer the proof (it answers at once; an impostor may never). */
export const PROOF_TIMEOUT_MS = 10_000;

/**
 * The pools that proved themselves in this process, by URL and token. Kept on globalThis: the
 * `stdio` relay's bundle (dist/cli-stdio.js) has its own copy of this module and shares the cache.
 */
const proofs: Map<string, Promise<void>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('mcp-pool.proofs')] ??= new Map()) as Map<string, Promise<void>>;

const proofKey = (target: PoolTarget) => `${target.url}\0${target.token}`;

/** Forget a pool's proof (the connection to it broke: whatever listens there next proves itself again). */
export function forgetProof(target: PoolTarget): void {
  proofs.delete(proofKey(target));
}

/**
 * Resolves once the pool at `target.url` has proven it holds `target.token` (cached per process);
 * rejects with an ApiFailure (`unproven`, or `refused`/`unreachable` when nothing answers). The
 * challenge is sent without the token.
 */
export function proveTarget(target: PoolTarget, signal?: AbortSignal): Promise<void> {
  const key = proofKey(target);
  let p = proofs.get(key);
  if (!p) {
    p = askProof(target, signal);
    proofs.set(key, p);
    p.catch(() => proofs.get(key) === p && proofs.delete(key));
  }
  return p;
}

/** The pool proves it holds the token now (no cache): for a long-lived relay, before each request. */
export function proveNow(target: PoolTarget, signal?: AbortSignal): Promise<void> {
  return askProof(target, signal);
}

/** What listens at the pool's address did not prove it holds the token, and why. */
export function unprovenFailure(target: PoolTarget, why: string): ApiFailure {
  return new ApiFailure(
    'unproven',
    `the pool at ${target.url} (from ${target.source}) did not prove it holds the token (${why}); ${
      target.fromEnv
        ? `${ENV_TOKEN} is from an earlier editor session (open a new terminal, or unset ${ENV_URL}) or another program took its port`
        : 'the entry is stale or another program took its port'
    }. Nothing else was sent to it`,
  );
}

function askProof(target: PoolTarget, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(PROOF_PATH, `${target.url}/`);
    } catch {
      return reject(new ApiFailure('unreachable', `the pool's address is not a URL: ${target.url} (from ${target.source})`));
    }
    const challenge = newChallenge();
    const unproven = (why: string) => unprovenFailure(target, why);
    const req = httpRequest(url, { method: 'GET', agent, headers: { [PROOF_HEADER]: challenge, accept: 'application/json' }, signal });
    const timer = setTimeout(() => {
      req.destroy();
      reject(unproven(`no answer within ${PROOF_TIMEOUT_MS / 1000} s`));
    }, PROOF_TIMEOUT_MS);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.name === 'AbortError') return reject(new ApiFailure('cancelled', 'cancelled'));
      reject(connectionFailure(target, e));
    });
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        // an answer is ~60 bytes: a long one is not a proof
        if (text.length < 4096) text += chunk;
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status === 404) return reject(unproven('it has no proof route: an editor window with an older MCP Remote Pool? reload it'));
        if (status !== 200) return reject(unproven(`it answered HTTP ${status}`));
        let answer: unknown;
        try {
          answer = (JSON.parse(text) as { proof?: unknown }).proof;
        } catch {
          answer = undefined;
        }
        if (checkProof(target.token, challenge, answer)) resolve();
        else reject(unproven('its answer is wrong'));
      });
    });
    req.end();
  });
}

function connectionFailure(target: PoolTarget, e: NodeJS.ErrnoException): ApiFailure {
  const why = e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.code === 'ECONNRESET' ? 'the connection was reset' : (e.code ?? e.message);
  return new ApiFailure(e.code === 'ECONNREFUSED' ? 'refused' : 'unreachable', `the pool at ${target.url} (from ${target.source}) does not answer: ${why}`);
}

/**
 * One request, sent once the pool has proven it holds the token (proveTarget). JSON bodies resolve to the parsed body; NDJSON bodies (a call) hand every line but
 * the last to `onLine` and resolve to the last line's `result` (or reject with its `error`).
 */
export async function callApi(target: PoolTarget, method: 'GET' | 'POST', path: string, body?: unknown, opts: ApiRequestOptions = {}): Promise<unknown> {
  await (opts.freshProof ? proveNow : proveTarget)(target, opts.signal);
  return send(target, method, path, body, opts);
}

function send(target: PoolTarget, method: 'GET' | 'POST', path: string, body: unknown, opts: ApiRequestOptions): Promise<unknown> {
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
      agent,
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
      // whatever listens there next proves itself first
      forgetProof(target);
      done(() => reject(connectionFailure(target, e)));
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
      res.on('error', () => {
        forgetProof(target);
        done(() => reject(new ApiFailure('unreachable', `the connection to the pool at ${target.url} broke`)));
      });
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
