// The `stdio` relay's fetch: every connection to the pool is proven before it carries anything.
// The relay lives as long as its client; its window may close mid-session and another program take
// its port. So the proof (contract/proof.ts) is bound to the connection, not to the process: each
// new TCP connection first carries GET /v1/proof (no token) and is handed to HTTP only if the answer
// is right; requests on a kept-alive connection that proved itself need no new round trip.
// fetch over node:http (the SDK's transport takes any fetch), so the connections are ours to check.
import { type ClientRequestArgs, Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { checkProof, newChallenge, PROOF_HEADER, PROOF_PATH } from '../contract/proof';
import { PROOF_TIMEOUT_MS, unprovenFailure } from './api';
import type { PoolTarget } from './poolLookup';

/** The proof's answer is ~60 bytes of JSON: anything much longer is not one. */
const MAX_ANSWER_BYTES = 8192;

/** Resolves once what answers on `socket` proved it holds the token; the socket is then left as it was (no bytes read past the answer). */
function proveOn(socket: Socket, target: PoolTarget, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const challenge = newChallenge();
    let buf = Buffer.alloc(0);
    const done = (e?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => done(unprovenFailure(target, `no answer within ${PROOF_TIMEOUT_MS / 1000} s`)), PROOF_TIMEOUT_MS);
    const onError = (e: Error) => done(e);
    const onClose = () => done(unprovenFailure(target, 'it closed the connection'));
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > MAX_ANSWER_BYTES) return done(unprovenFailure(target, 'its answer is too long'));
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      const length = /\r\ncontent-length:\s*(\d+)\s*(\r\n|$)/i.exec(head)?.[1];
      if (status === '404') return done(unprovenFailure(target, 'it has no proof route: an editor window with an older MCP Remote Pool? reload it'));
      if (status !== '200' || length === undefined) return done(unprovenFailure(target, `it answered ${status ? `HTTP ${status}` : 'something else'}`));
      const total = end + 4 + Number(length);
      if (buf.length < total) return;
      if (buf.length > total || /\r\nconnection:\s*close/i.test(head)) return done(unprovenFailure(target, 'its answer is not one'));
      let answer: unknown;
      try {
        answer = (JSON.parse(buf.subarray(end + 4).toString('utf8')) as { proof?: unknown }).proof;
      } catch {
        answer = undefined;
      }
      done(checkProof(target.token, challenge, answer) ? undefined : unprovenFailure(target, 'its answer is wrong'));
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(`GET ${PROOF_PATH} HTTP/1.1\r\nHost: ${host}\r\n${PROOF_HEADER}: ${challenge}\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n`);
  });
}

/** An agent whose every new connection proves the pool holds the token before it is used. */
class ProvenAgent extends Agent {
  constructor(private readonly target: PoolTarget) {
    super({ keepAlive: true, maxSockets: 8 });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const host = new URL(this.target.url).host;
    const socket = connect({ host: options.hostname ?? options.host ?? '127.0.0.1', port: Number(options.port) });
    const failed = (e: Error) => callback?.(e, socket);
    socket.once('error', failed);
    socket.once('connect', () => {
      socket.off('error', failed);
      void proveOn(socket, this.target, host).then(
        () => callback?.(null, socket),
        (e: Error) => {
          socket.destroy();
          callback?.(e, socket);
        },
      );
    });
    return undefined;
  }
}

/** As fetch's own network errors: a TypeError whose cause carries the code (ECONNREFUSED, …). */
function networkError(e: Error): Error {
  if ((e as { code?: string }).code === 'unproven') return e;
  return Object.assign(new TypeError('fetch failed'), { cause: e });
}

/** A fetch for the pool at `target` over connections that each proved themselves (see above). */
export function provenFetch(target: PoolTarget): typeof fetch {
  const agent = new ProvenAgent(target);
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      const body = typeof init?.body === 'string' ? init.body : undefined;
      if (init?.body != null && body === undefined) return reject(new TypeError('provenFetch sends text bodies only'));
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = httpRequest(url, { method, agent, headers, signal: init?.signal ?? undefined });
      req.on('error', (e) => reject(e.name === 'AbortError' ? e : networkError(e)));
      req.on('response', (res) => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const one of v) out.append(k, one);
          else if (v !== undefined) out.set(k, v);
        }
        const status = res.statusCode ?? 0;
        const empty = method === 'HEAD' || [101, 204, 205, 304].includes(status);
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers: out }));
      });
      req.end(body);
    });
}
