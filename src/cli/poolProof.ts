// Every connection to a pool proves the pool holds the token before it carries anything
// (contract/proof.ts): a new TCP connection first carries GET /v1/proof with a fresh challenge and
// no token, and is handed to HTTP only if the answer is right. A program that took a closed
// window's port (a stale discovery entry, a terminal's old MCP_POOL_URL, a relay whose window
// closed mid-session) gets the challenge and nothing else: neither the token nor any argument.
// Bound to the connection, not to the process: requests on a kept-alive connection that proved
// itself need no new round trip, and a connection opened later proves itself again.
import { Agent, type ClientRequestArgs } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkProof, newChallenge, PROOF_HEADER, PROOF_PATH } from '../contract/proof';
import { ENV_TOKEN, ENV_URL } from '../contract/protocol';
import { ApiFailure } from './apiFailure';
import type { PoolTarget } from './poolLookup';

/** How long a pool has to answer the proof (it answers at once; an impostor may never). */
export const PROOF_TIMEOUT_MS = 10_000;

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
      // (a gateway of an older MCP Remote Pool has no proof route: it refuses the request, having no token, with 401)
      if (status === '404' || status === '401')
        return done(
          unprovenFailure(target, `it answered HTTP ${status} to the proof, as an editor window with an older MCP Remote Pool does: reload that window`),
        );
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
export class ProvenAgent extends Agent {
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

/**
 * The agent for `target`'s pool, one per process and pool (a command's requests share its
 * kept-alive connection; Node unrefs an idle one, so it never keeps the process alive).
 */
export function provenAgent(target: PoolTarget): ProvenAgent {
  const key = `${target.url}\0${target.token}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = new ProvenAgent(target)));
  return agent;
}

const agents = new Map<string, ProvenAgent>();
