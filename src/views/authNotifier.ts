// Tells the user when a remote app waits for OAuth in the browser (mcp-remote printed an
// authorization URL): one notification per app and URL, however often the event repeats.
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { ErrorReporter } from '../output/errorReporter';
import type { Pool } from '../pool';

export const OPEN_BROWSER = 'Open Browser';

/**
 * Opens an authorization URL in the browser exactly as mcp-remote printed it. Only http(s).
 * The URL is handed over as a string: `Uri.parse(url)` re-encodes the query on the way out,
 * which breaks OAuth parameters such as an encoded `redirect_uri` (microsoft/vscode#135949,
 * #173239); the extension host accepts a string here and passes it through unchanged.
 */
export async function openAuthorizationUrl(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a valid authorization URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`refusing to open a non-http(s) authorization URL: ${url}`);
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

export class AuthNotifier extends Disposable {
  private readonly shown = new Set<string>();
  /** The notifications shown so far, as `app url` (for tests). */
  readonly history: { app: string; url: string }[] = [];

  constructor(
    pool: Pool,
    private readonly reporter: ErrorReporter,
  ) {
    super();
    this._register(pool.onEvent((e) => e.type === 'authRequired' && this.notify(e.app, e.url)));
  }

  /** Shows the notification unless this app already asked for this URL. Returns whether it did. */
  notify(app: string, url: string): boolean {
    const key = `${app}\n${url}`;
    if (this.shown.has(key) || this.isDisposed) return false;
    this.shown.add(key);
    this.history.push({ app, url });
    void vscode.window.showWarningMessage(`MCP Pool: ${app} needs authorization`, OPEN_BROWSER).then(async (pick) => {
      if (pick !== OPEN_BROWSER) return;
      try {
        await openAuthorizationUrl(url);
      } catch (e) {
        this.reporter.report(app, e);
      }
    });
    return true;
  }
}
