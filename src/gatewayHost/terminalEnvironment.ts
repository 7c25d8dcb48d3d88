// Integrated terminals reach the pool: while the gateway listens, they get MCP_POOL_URL and
// MCP_POOL_TOKEN, and PATH starts with the folder of the `mcp-pool` launcher. The collection is
// not persistent (a reload never replays a stale token) and is cleared while the gateway is off.
// Terminals opened before a change are marked by VS Code as needing a relaunch.
import { delimiter } from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { ENV_TOKEN, ENV_URL } from '../contract/protocol';
import type { GatewayEndpoint, GatewayService } from './gatewayService';

export class TerminalEnvironment extends Disposable {
  constructor(
    private readonly collection: vscode.EnvironmentVariableCollection,
    gateway: GatewayService,
    /** The folder holding the `mcp-pool` launcher; undefined when there is none (no local storage). */
    private readonly binDir: string | undefined,
  ) {
    super();
    collection.persistent = false;
    collection.description = new vscode.MarkdownString(
      `**MCP Pool**: \`${ENV_URL}\` and \`${ENV_TOKEN}\` reach this window's warm MCP pool${binDir ? ', and `mcp-pool` is on PATH' : ''} (try \`mcp-pool status\`).`,
    );
    this.update(gateway.endpoint);
    this._register(gateway.onDidChange((e) => this.update(e)));
  }

  private update(endpoint: GatewayEndpoint | undefined): void {
    const c = this.collection;
    c.clear();
    if (!endpoint) return;
    c.replace(ENV_URL, endpoint.url);
    c.replace(ENV_TOKEN, endpoint.token);
    if (this.binDir) c.prepend('PATH', this.binDir + delimiter);
  }

  override dispose(): void {
    this.collection.clear();
    super.dispose();
  }
}
