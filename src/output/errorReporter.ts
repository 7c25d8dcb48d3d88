// The one way a failure reaches the user: the details (with the server's last stderr lines) in
// the app's channel or the pool log, and a notification with "Show Output". Never blocks.
import * as vscode from 'vscode';
import { PoolError, type Redactor } from '../pool';
import type { Channel, Outputs } from './outputs';

export class ErrorReporter {
  constructor(
    private readonly outputs: Outputs,
    private readonly redactor: Redactor,
  ) {}

  /** The channel for `app` (if it has one), else the pool log. */
  channelFor(app: string | undefined): Channel {
    return app && this.outputs.hasApp(app) ? this.outputs.app(app) : this.outputs.pool;
  }

  /** The details in the output, and a notification with "Show Output". */
  report(app: string | undefined, e: unknown): void {
    const message = this.log(app, e);
    const channel = this.channelFor(app);
    void vscode.window.showErrorMessage(`MCP Pool: ${message}`, 'Show Output').then((pick) => pick && channel.show(false));
  }

  /** The details in the output only (for failures the caller handles itself). Returns the message. */
  log(app: string | undefined, e: unknown): string {
    const err = e instanceof PoolError ? e : undefined;
    const message = this.redactor.redact(err ? err.message : e instanceof Error ? e.message : String(e));
    // A failed start is already in the app's channel, with its stderr (the pool log writes every start failure there).
    if (err?.code !== 'start-failed') this.channelFor(app).error(err ? err.details : message);
    return message;
  }
}
