// The gateway in the editor: started with the extension unless `mcpPool.gateway.enabled` is off,
// started and stopped when that setting changes, stopped before the pool shuts down. While it
// listens, the window is published in the discovery folder (re-published when its workspace
// folders change) for `mcp-pool` outside the editor's terminals. Listening happens after
// activate() returned (activation stays fast). A gateway that cannot listen is reported once in
// the pool log; the pool and the extension's own views and commands go on without it. On the first
// apply (activation), entries left behind by windows that are gone (a crashed editor) are removed,
// whether or not this window's gateway is on.
import * as vscode from 'vscode';
import { Emitter, type Event } from '../common/emitter';
import { Disposable, toDisposable } from '../common/lifecycle';
import { publish, removeStaleEntries } from '../contract/discovery';
import { GATEWAY_HOST } from '../gateway/defaults';
import { Gateway, type GatewayClient } from '../gateway/gateway';
import type { HookRouter } from '../gateway/hookRouter';
import type { DiscoveryEntry } from '../contract/protocol';
import { SECTION, Settings, settingId } from '../manifest/settings';
import type { Channel } from '../output/outputs';
import type { Pool } from '../pool';

/** Where the gateway listens, with its token (the clients' bearer token). */
export interface GatewayEndpoint {
  readonly url: string;
  readonly token: string;
}

/** Who uses which app through the gateway: what the views show. */
export interface GatewayClients {
  clients(app: string): readonly GatewayClient[];
  /** The clients of an app changed (its name). */
  readonly onDidChangeClients: Event<string>;
}

export interface GatewayServiceDeps {
  readonly pool: Pool;
  readonly router: HookRouter;
  readonly window: DiscoveryEntry['window'];
  /** Apps the editor does not serve here, with why. */
  readonly blocked: () => readonly { name: string; reason: string }[];
  readonly log: Channel;
  /** Tests move the discovery folder (MCP_POOL_DISCOVERY_DIR works too). */
  readonly discoveryDir?: string;
}

export class GatewayService extends Disposable implements GatewayClients {
  private gateway?: Gateway;
  private unpublish?: () => void;
  private queue: Promise<void> = Promise.resolve();
  private swept = false;
  private readonly changed = this._register(new Emitter<GatewayEndpoint | undefined>());
  /** The gateway started (its endpoint) or stopped (undefined). */
  readonly onDidChange = this.changed.event;
  private readonly clientsChanged = this._register(new Emitter<string>());
  readonly onDidChangeClients = this.clientsChanged.event;

  constructor(private readonly deps: GatewayServiceDeps) {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(settingId(Settings.gatewayEnabled.key)) && void this.apply()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.republish()));
    this._register(toDisposable(() => void this.stop()));
  }

  /** Where the gateway listens; undefined while it is off (or not yet listening). */
  get endpoint(): GatewayEndpoint | undefined {
    const g = this.gateway;
    return g && this.unpublish ? { url: g.url, token: g.token } : undefined;
  }

  /** The running gateway (for the exported API and tests). */
  get current(): Gateway | undefined {
    return this.endpoint ? this.gateway : undefined;
  }

  clients(app: string): readonly GatewayClient[] {
    return this.current?.clients(app) ?? [];
  }

  /** Starts or stops the gateway as the setting says; resolves when it is done (calls are serialized). */
  apply(): Promise<void> {
    const enabled = vscode.workspace.getConfiguration(SECTION).get<boolean>(Settings.gatewayEnabled.key, Settings.gatewayEnabled.default);
    return this.enqueue(async () => {
      this.sweep();
      await (enabled && !this.isDisposed ? this.start() : this.close());
    });
  }

  /** Once per window: removes the discovery entries of windows whose process is gone. */
  private sweep(): void {
    if (this.swept) return;
    this.swept = true;
    try {
      for (const s of removeStaleEntries(this.deps.discoveryDir)) this.deps.log.info(`gateway: removed a discovery entry left behind: ${s.file}: ${s.reason}`);
    } catch (e) {
      this.deps.log.warn(`gateway: could not clean the discovery folder (${(e as Error).message})`);
    }
  }

  /** Stops the gateway (deactivation: before the pool shuts down). */
  stop(): Promise<void> {
    return this.enqueue(() => this.close());
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((e: unknown) => this.deps.log.error(`gateway: ${(e as Error).message}`));
    return this.queue;
  }

  private async start(): Promise<void> {
    if (this.gateway) return;
    const { pool, router, window, blocked } = this.deps;
    const gateway = new Gateway({ pool, router, window, blocked, log: (line) => this.deps.log.warn(line) });
    try {
      await gateway.start();
    } catch (e) {
      gateway.dispose();
      const code = (e as NodeJS.ErrnoException).code;
      this.deps.log.error(
        `gateway: could not listen on ${GATEWAY_HOST}${code ? ` (${code})` : ''}: ${(e as Error).message}. Terminals (mcp-pool), other MCP clients and VS Code's own MCP cannot use the pool in this window; the pool's own views and commands work. Reload the window to try again, or set ${settingId(Settings.gatewayEnabled.key)} to false to turn the gateway off.`,
      );
      return;
    }
    this.gateway = gateway;
    // owned by the gateway (its emitter drops its listeners when it is disposed)
    gateway.onDidChangeClients((app) => this.clientsChanged.fire(app));
    try {
      this.unpublish = publish(this.entry(gateway), this.deps.discoveryDir);
    } catch (e) {
      // terminals still get the endpoint; only processes outside the editor cannot find it
      this.unpublish = () => undefined;
      this.deps.log.warn(
        `gateway: could not write the discovery entry (${(e as Error).message}); mcp-pool outside this editor's terminals will not find this window`,
      );
    }
    this.deps.log.info(`gateway: listening on ${gateway.url} (${GATEWAY_HOST} only; token required)`);
    this.changed.fire({ url: gateway.url, token: gateway.token });
  }

  private async close(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway) return;
    this.gateway = undefined;
    this.unpublish?.();
    this.unpublish = undefined;
    this.changed.fire(undefined);
    const had = gateway.url;
    await gateway.close();
    gateway.dispose();
    this.deps.log.info(`gateway: stopped (${had})`);
    // the clients it had are gone
    for (const app of this.deps.pool.names()) this.clientsChanged.fire(app);
  }

  private entry(gateway: Gateway): DiscoveryEntry {
    return {
      version: 1,
      pid: process.pid,
      url: gateway.url,
      token: gateway.token,
      folders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      window: this.deps.window,
    };
  }

  private republish(): void {
    const gateway = this.gateway;
    if (!gateway || !this.unpublish) return;
    try {
      const next = publish(this.entry(gateway), this.deps.discoveryDir);
      this.unpublish();
      this.unpublish = next;
    } catch (e) {
      this.deps.log.warn(`gateway: could not update the discovery entry (${(e as Error).message})`);
    }
  }
}
