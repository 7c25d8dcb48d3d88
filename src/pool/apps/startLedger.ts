// Who started an app's current connection, and whether anyone else has used it since: so an
// interactive invocation that started an app and was then cancelled can stop it again without
// touching a connection someone else started or uses, and so its result can say "cold start"
// exactly when it waited for a start. Callers are told apart by an opaque token.

export class StartLedger {
  private owner?: object;
  private usedByOthers = false;
  private readonly waited = new WeakSet<object>();
  /** How long the last successful start took (spawn + initialize), in ms. */
  lastStartMs?: number;

  /** A caller uses the app. An observer (a view re-reading a running app's tools) is no use. */
  noteUse(token: object | undefined, observe: boolean, running: boolean): void {
    if (observe && running) return;
    if (token === undefined || token !== this.owner) this.usedByOthers = true;
  }

  /** A new start begins for `token` (undefined: a caller without one). */
  noteStart(token: object | undefined): void {
    this.owner = token;
    this.usedByOthers = false;
  }

  /** `token` waits for a start (its own or one it joined). */
  noteWait(token: object | undefined): void {
    if (token) this.waited.add(token);
  }

  info(token: object): { waited: boolean; startMs?: number } {
    return { waited: this.waited.has(token), startMs: this.lastStartMs };
  }

  /** `token` started the current connection and nobody else has used it since. */
  ownsUnused(token: object): boolean {
    return this.owner === token && !this.usedByOthers;
  }
}
