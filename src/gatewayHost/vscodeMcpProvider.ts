// VS Code's own MCP client (agent mode, chat tools) on the warm pool: every pooled app is offered
// as an HTTP server definition pointing at its endpoint on the gateway. The session's token is added
// (as a header) only when VS Code resolves a definition to start it: VS Code caches the definitions
// it was given on disk, and the token must not land there. The definitions change when apps are added or removed and when the gateway starts,
// stops or moves (new port and token). While the gateway is off there are none.
// `mcpPool.gateway.vscodeMcp` turns the provider off (unregistered: VS Code forgets the servers).
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../common/lifecycle';
import { mcpPath } from '../contract/protocol';
import { MCP_PROVIDER_ID } from '../manifest/commands';
import { SECTION, Settings, settingId } from '../manifest/settings';
import type { Pool } from '../pool';
import type { Event } from '../common/emitter';
import type { GatewayService } from './gatewayService';
import type { McpHttpServerDefinition, VsCodeMcpApi } from './vscodeMcpApi';

export class VsCodeMcpProvider extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  private registration?: vscode.Disposable;
  /** What the definitions were last built from: an app list or endpoint change fires the event. */
  private lastKey = '';

  constructor(
    private readonly api: VsCodeMcpApi,
    private readonly pool: Pool,
    private readonly gateway: GatewayService,
    onDidApplyConfig: Event<unknown>,
  ) {
    super();
    this._register(gateway.onDidChange(() => this.maybeChanged()));
    this._register(onDidApplyConfig(() => this.maybeChanged()));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(settingId(Settings.gatewayVscodeMcp.key)) && this.applySetting()));
    this._register(toDisposable(() => this.registration?.dispose()));
    this.applySetting();
  }

  get registered(): boolean {
    return this.registration !== undefined;
  }

  /** The definitions as VS Code gets them now: no token in them (see resolve). */
  definitions(): McpHttpServerDefinition[] {
    const endpoint = this.gateway.endpoint;
    if (!endpoint) return [];
    return this.pool.snapshots().map((s) => {
      const uri = vscode.Uri.parse(endpoint.url + mcpPath(s.name));
      // a new version when the endpoint or the app's definition changes: VS Code then drops the tools it cached
      const version = createHash('sha256').update(`${endpoint.url}\n${endpoint.token}\n${s.kind}\n${s.target}`).digest('hex').slice(0, 12);
      return new this.api.McpHttpServerDefinition(s.name, uri, {}, version);
    });
  }

  /** The definition VS Code starts: the current endpoint's token in its header (none while the gateway is off). */
  resolve(server: McpHttpServerDefinition): McpHttpServerDefinition | undefined {
    const endpoint = this.gateway.endpoint;
    if (!endpoint || !this.pool.spec(server.label)) return undefined;
    const uri = vscode.Uri.parse(endpoint.url + mcpPath(server.label));
    return new this.api.McpHttpServerDefinition(server.label, uri, { Authorization: `Bearer ${endpoint.token}` }, server.version);
  }

  private applySetting(): void {
    const on = vscode.workspace.getConfiguration(SECTION).get<boolean>(Settings.gatewayVscodeMcp.key, Settings.gatewayVscodeMcp.default);
    if (on && !this.registration && !this.isDisposed) {
      this.registration = this.api.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
        onDidChangeMcpServerDefinitions: this.changed.event,
        provideMcpServerDefinitions: () => this.definitions(),
        resolveMcpServerDefinition: (server) => this.resolve(server),
      });
    } else if (!on && this.registration) {
      this.registration.dispose();
      this.registration = undefined;
    }
  }

  private maybeChanged(): void {
    const e = this.gateway.endpoint;
    const key = JSON.stringify([e?.url, e?.token, this.pool.snapshots().map((s) => [s.name, s.kind, s.target])]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.changed.fire();
  }
}
