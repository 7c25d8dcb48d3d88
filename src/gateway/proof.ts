// The gateway's side of the proof (contract/proof.ts): GET /v1/proof with a challenge header, no
// token, answered with HMAC-SHA256(token, prefix + challenge). Host and Origin are still checked
// (a web page gets nothing); only the bearer token is not asked for, since proving the gateway
// holds it, before the client sends it, is the point. Nothing else is served without the token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChallenge, PROOF_HEADER, PROOF_PATH, proofOf } from '../contract/proof';
import type { ApiError } from '../contract/protocol';
import { fail } from './cliApi';
import type { Guard } from './guard';

/** Whether this request is for the proof route (checked before the token is). */
export function isProofRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === PROOF_PATH || url.startsWith(`${PROOF_PATH}?`);
}

/** A refusal closes its connection (as the gateway's others do): nothing waits for a body. */
function refuse(res: ServerResponse, status: number, error: ApiError): void {
  res.setHeader('connection', 'close');
  fail(res, status, error);
}

export function answerProof(req: IncomingMessage, res: ServerResponse, token: string, guard: Guard): void {
  // Host and Origin as for every request; the missing token is the one refusal not made here
  const refusal = guard.check(req);
  if (refusal && refusal.code !== 'unauthorized') return refuse(res, refusal.status, { code: refusal.code, message: refusal.message });
  if (req.method !== 'GET') return refuse(res, 405, { code: 'bad-request', message: `${PROOF_PATH} is GET only` });
  const challenge = req.headers[PROOF_HEADER];
  if (!isChallenge(challenge)) return refuse(res, 400, { code: 'bad-request', message: `the ${PROOF_HEADER} header must be 22 to 128 base64url characters` });
  const body = JSON.stringify({ proof: proofOf(token, challenge) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
