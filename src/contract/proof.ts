// The pool proves it holds the window's token before the CLI sends it (or anything else): the CLI
// sends a fresh random challenge, without the token, to the gateway's proof route; the gateway
// answers HMAC-SHA256(token, PROOF_PREFIX + challenge); the CLI compares it, in constant time, with
// what the token it found says. A program that took a dead window's port cannot answer, so it never
// sees the token nor a call's arguments. The fixed prefix keeps the answer useless as anything but
// this proof; the challenge is bounded (base64url, 22..128 characters). Node built-ins only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** GET, no token: `mcp-pool-challenge: <challenge>` → `{ proof }`. */
export const PROOF_PATH = '/v1/proof';
export const PROOF_HEADER = 'mcp-pool-challenge';
export const PROOF_PREFIX = 'mcp-pool proof v1\n';

const CHALLENGE = /^[A-Za-z0-9_-]{22,128}$/;

export function isChallenge(value: unknown): value is string {
  return typeof value === 'string' && CHALLENGE.test(value);
}

export function newChallenge(): string {
  return randomBytes(32).toString('base64url');
}

/** The answer to `challenge` from whoever holds `token`: base64url HMAC-SHA256. */
export function proofOf(token: string, challenge: string): string {
  return createHmac('sha256', token)
    .update(PROOF_PREFIX + challenge)
    .digest('base64url');
}

/** Whether `answer` is the proof of `challenge` by `token` (constant time). */
export function checkProof(token: string, challenge: string, answer: unknown): boolean {
  if (typeof answer !== 'string') return false;
  const want = Buffer.from(proofOf(token, challenge));
  const got = Buffer.from(answer);
  return got.length === want.length && timingSafeEqual(got, want);
}
