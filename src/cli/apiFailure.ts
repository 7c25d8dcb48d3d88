// What every request to the pool fails with: a code and one line of text. Its own file: api.ts
// and poolProof.ts both use it.

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
