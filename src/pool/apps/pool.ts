// The pool: named apps, at most `maxSize` of them running at once (each a process tree or a
// direct HTTP session), idle and LRU eviction (slots.ts decides, the pool applies), stop-all. It
// lives for the editor session; the editor layer only calls it and renders its events.
import { Disposable, toDisposable } from '../../common/lifecycle';
import { Emitter } from '../../common/emitter';
import { sameRun, sameSpec } from '../definitions';
import { PoolError } from '../errors';
import type { ExternalRedirect } from '../direct/directAuth';
import type { FetchLike } from '../direct/directTransport';
import { MemorySignInStore, SignIns, signInKey, type SignInStore } from '../direct/signIn';
import type { McpRemoteLauncher } from '../process/launch';
import { Watchdog } from '../process/watchdog';
import type { ClientHooks } from '../session/clientHooks';
import { EraMemory, type EraVerdictStore } from '../session/eraMemory';
import { ResponseCaches } from '../session/responseCaches';
import { holdsSlot } from './appState';
import { LinkFactory } from './links';
import { type AppHost, PooledApp } from './pooledApp';
import { decideSlot, expired, poolFull } from './slots';
import { Redactor } from '../redact';
import { clampSettings, DEFAULT_SETTINGS, type PoolSettings } from '../settings';
import type {
  AppSnapshot,
  AppSpec,
  CallOptions,
  CallOutcome,
  CompletionRef,
  CompletionResult,
  FeatureOptions,
  LogLevel,
  PoolEvent,
  PromptInfo,
  PromptResult,
  ResourceInfo,
  ResourceReadResult,
  ResourceTemplateInfo,
  StopReason,
  ToolInfo,
} from '../types';

export interface PoolOptions {
  readonly launcher: McpRemoteLauncher;
  readonly settings?: Partial<PoolSettings>;
  readonly redactor?: Redactor;
  /**
   * Path of the watchdog script (dist/reaper.js). With it, servers are ended even if this
   * process dies without stopping them; without it, only a normal stop ends them.
   */
  readonly reaperScript?: string;
  /**
   * What the host answers when a server asks for roots, elicitation or sampling (clientHooks.ts).
   * Each is declared to servers only when its hook is here; without it, such a request gets an error
   * at once.
   */
  readonly clientHooks?: ClientHooks;
  /**
   * The fetch of apps reached directly over HTTP. Default: the global fetch at the time of each
   * request (in the editor, its own, which honours the proxy and certificate settings).
   */
  readonly fetch?: FetchLike;
  /**
   * Where direct apps keep their OAuth sign-ins (the editor: its secret storage; default: memory
   * only), and the environment in which to look for mcp-remote's saved logins (HOME,
   * MCP_REMOTE_CONFIG_DIR; default: this process's). `externalRedirect` turns the sign-in's loopback
   * redirect (http://127.0.0.1:PORT/…) into the address the user's browser can reach (the editor:
   * `env.asExternalUri`, which forwards the port in a remote window); default: the loopback itself.
   */
  readonly signIns?: { readonly store?: SignInStore; readonly mcpRemoteEnv?: NodeJS.ProcessEnv; readonly externalRedirect?: ExternalRedirect };
  /** Where the protocol era found for each server outlives this pool (the editor's global state); default: memory only (eraMemory.ts). */
  readonly eraStore?: EraVerdictStore;
}

export interface ConfigureResult {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

export class Pool extends Disposable implements AppHost {
  private readonly apps = new Map<string, PooledApp>();
  readonly events = this._register(new Emitter<PoolEvent>());
  readonly onEvent = this.events.event;
  private readonly slotChanged = this._register(new Emitter<void>());
  /** Starts waiting for a slot, in arrival order. */
  private readonly slotQueue: PooledApp[] = [];
  private _settings: PoolSettings;
  private _launcher: McpRemoteLauncher;
  readonly redactor: Redactor;
  /** Ends the pool's process trees if this process dies without stopping them (dist/reaper.js). */
  readonly watchdog?: Watchdog;
  readonly clientHooks?: ClientHooks;
  readonly signIns: SignIns;
  readonly links: LinkFactory;
  readonly eras: EraMemory;
  readonly responseCaches = new ResponseCaches();
  private sweepTimer?: NodeJS.Timeout;
  private shuttingDown?: Promise<void>;
  private configuring: Promise<unknown> = Promise.resolve();

  constructor(opts: PoolOptions) {
    super();
    this._launcher = opts.launcher;
    this._settings = clampSettings({ ...DEFAULT_SETTINGS, ...opts.settings });
    this.redactor = opts.redactor ?? new Redactor();
    if (opts.reaperScript)
      this.watchdog = new Watchdog(opts.reaperScript, this._settings.stopGraceMs, process.execPath, (message) =>
        this.events.fire({ type: 'watchdog', app: '', message }),
      );
    this.clientHooks = opts.clientHooks;
    this.eras = new EraMemory(opts.eraStore);
    this.signIns = this._register(
      new SignIns(opts.signIns?.store ?? new MemorySignInStore(), opts.signIns?.mcpRemoteEnv, (secret) => this.redactor.addSecret(secret)),
    );
    this.links = new LinkFactory({
      settings: () => this._settings,
      launcher: () => this._launcher,
      fetch: opts.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      signIns: this.signIns,
      externalRedirect: opts.signIns?.externalRedirect,
      watchdog: this.watchdog,
      redactor: this.redactor,
      events: this.events,
    });
    const roots = opts.clientHooks?.roots;
    if (roots) this._register(roots.onDidChange(() => this.apps.forEach((app) => app.rootsChanged())));
    this.scheduleSweep();
    this._register(toDisposable(() => clearInterval(this.sweepTimer)));
  }

  get settings(): PoolSettings {
    return this._settings;
  }

  get launcher(): McpRemoteLauncher {
    return this._launcher;
  }

  /** New tunables apply at once; a smaller maxSize takes effect as apps are released. */
  updateSettings(patch: Partial<PoolSettings>): void {
    const before = this._settings.sweepIntervalMs;
    this._settings = clampSettings({ ...this._settings, ...patch });
    if (this._settings.sweepIntervalMs !== before) this.scheduleSweep();
    this.slotChanged.fire();
  }

  /** A different mcp-remote launcher restarts the running apps that go through mcp-remote (not direct ones: they never use it). */
  async setLauncher(launcher: McpRemoteLauncher): Promise<string[]> {
    if (JSON.stringify(launcher) === JSON.stringify(this._launcher)) return [];
    this._launcher = launcher;
    const remote = [...this.apps.values()].filter((a) => a.transport === 'mcp-remote' && holdsSlot(a.state));
    await Promise.all(remote.map((a) => a.stop('config')));
    return remote.map((a) => a.name);
  }

  /**
   * Applies a new set of definitions: unchanged apps keep running, changed ones are stopped
   * (and start with the new definition on next use), removed ones are stopped and dropped.
   * A replaced or removed app is retired: calls that reach it meanwhile fail, it never starts
   * a link again. Overlapping calls run one after the other.
   */
  configure(specs: readonly AppSpec[]): Promise<ConfigureResult> {
    const run = this.configuring.then(() => this.applyDefinitions(specs));
    this.configuring = run.catch(() => undefined);
    return run;
  }

  private async applyDefinitions(specs: readonly AppSpec[]): Promise<ConfigureResult> {
    const next = new Map(specs.map((s) => [s.name, s]));
    const result: ConfigureResult = { added: [], changed: [], removed: [] };
    const stops: Promise<void>[] = [];
    for (const [name, app] of this.apps) {
      const spec = next.get(name);
      if (!spec) {
        result.removed.push(name);
        this.apps.delete(name);
        stops.push(app.retire('removed'));
        this.events.fire({ type: 'state', app: name, snapshot: { ...app.snapshot(), status: 'stopped' } });
      } else if (!sameRun(spec, app.spec)) {
        result.changed.push(name);
        stops.push(app.retire('config'));
      } else if (!sameSpec(spec, app.spec)) app.adopt(spec);
    }
    await Promise.all(stops);
    for (const spec of specs) {
      const existing = this.apps.get(spec.name);
      if (!existing) result.added.push(spec.name);
      if (!existing || result.changed.includes(spec.name)) {
        const app = new PooledApp(spec, this);
        if (existing) app.features.inherit(existing.features); // subscriptions and log level go with the name
        this.apps.set(spec.name, app);
        this.changed(app);
      }
    }
    this.slotChanged.fire();
    return result;
  }

  names(): string[] {
    return [...this.apps.keys()];
  }

  snapshot(name: string): AppSnapshot | undefined {
    return this.apps.get(name)?.snapshot();
  }

  snapshots(): AppSnapshot[] {
    return [...this.apps.values()].map((a) => a.snapshot());
  }

  spec(name: string): AppSpec | undefined {
    return this.apps.get(name)?.spec;
  }

  /** Starts the app if it is not running (prewarm); resolves when it is ready. */
  async warm(name: string): Promise<void> {
    await this.app(name).acquire();
  }

  /**
   * The app's tools (starting it if needed). `startToken`: see startInfo / stopIfUnused.
   * `observe`: a view refreshing what it shows; on a running app that is no use of it.
   */
  async listTools(name: string, opts: { startToken?: object; observe?: boolean } = {}): Promise<ToolInfo[]> {
    return this.app(name).listTools(opts.startToken, opts.observe);
  }

  /** Whether the caller holding `token` (given to listTools) waited for the app to start, and how long that start took. */
  startInfo(name: string, token: object): { waited: boolean; startMs?: number } {
    return this.app(name).startInfo(token);
  }

  /** Stops the app if the caller holding `token` started it and nobody else has used it since. */
  async stopIfUnused(name: string, token: object): Promise<boolean> {
    return this.app(name).stopIfUnused(token);
  }

  async callTool(name: string, tool: string, args: Record<string, unknown> = {}, opts?: CallOptions): Promise<CallOutcome> {
    return this.app(name).callTool(tool, args, opts);
  }

  // ---- what servers offer beyond tools (appFeatures.ts) -----------------------------------
  // Each starts the app if needed and fails with `unsupported` when its server does not declare
  // the capability. Listings, reads, prompts and completions are retried once on a connection that
  // died under them (never for an observer). Options: FeatureOptions.

  /** Every resource of the app (all pages), cached per connection until the server says the list changed. */
  async listResources(name: string, opts?: FeatureOptions): Promise<ResourceInfo[]> {
    return this.app(name).features.listResources(opts);
  }

  /** Every resource template of the app (all pages), cached like listResources. */
  async listResourceTemplates(name: string, opts?: FeatureOptions): Promise<ResourceTemplateInfo[]> {
    return this.app(name).features.listResourceTemplates(opts);
  }

  /** A resource's contents, whole (text and base64 blobs); never cached. */
  async readResource(name: string, uri: string, opts?: FeatureOptions): Promise<ResourceReadResult> {
    return this.app(name).features.readResource(uri, opts);
  }

  /** Subscribes to a resource (`resourceUpdated` events); remembered, and re-established on every later connection of the app. */
  async subscribeResource(name: string, uri: string, opts?: FeatureOptions): Promise<void> {
    return this.app(name).features.subscribe(uri, opts);
  }

  /** Forgets a subscription; a running server is told at once, a stopped app is not started for it. */
  async unsubscribeResource(name: string, uri: string, opts?: FeatureOptions): Promise<void> {
    return this.app(name).features.unsubscribe(uri, opts);
  }

  /** Every prompt of the app (all pages), cached per connection until the server says the list changed. */
  async listPrompts(name: string, opts?: FeatureOptions): Promise<PromptInfo[]> {
    return this.app(name).features.listPrompts(opts);
  }

  /** A prompt with its arguments: every message whole (text, image, audio, embedded resource, resource_link). */
  async getPrompt(name: string, prompt: string, args: Readonly<Record<string, string>> = {}, opts?: FeatureOptions): Promise<PromptResult> {
    return this.app(name).features.getPrompt(prompt, args, opts);
  }

  /**
   * Completions for a prompt's argument (`{ type: 'ref/prompt', name }`) or a resource template's
   * variable (`{ type: 'ref/resource', uri: template }`); `context`: the arguments already given.
   */
  async complete(
    name: string,
    ref: CompletionRef,
    argument: { name: string; value: string },
    context?: Readonly<Record<string, string>>,
    opts?: FeatureOptions,
  ): Promise<CompletionResult> {
    return this.app(name).features.complete(ref, argument, context, opts);
  }

  /**
   * The least severe level of the log messages (`log` events) the app's server should send:
   * remembered, sent after every start to a server that declares logging, and at once if running.
   */
  async setLogLevel(name: string, level: LogLevel, opts?: FeatureOptions): Promise<void> {
    return this.app(name).features.setLogLevel(level, opts);
  }

  /** A client's level (set with `subscriber`) no longer counts: its session ended. */
  async releaseLogLevel(name: string, subscriber: object): Promise<void> {
    return this.app(name).features.releaseLogLevel(subscriber);
  }

  async stop(name: string, reason: StopReason = 'user'): Promise<void> {
    return this.app(name).stop(reason);
  }

  /**
   * Forgets a direct app's OAuth sign-in (tokens and client registration; mcp-remote's saved
   * login is not copied again) and stops the app: its next use signs in again. Returns whether
   * there was a sign-in. An app through mcp-remote keeps its sign-in in mcp-remote's cache.
   */
  async signOut(name: string): Promise<boolean> {
    const app = this.app(name);
    const spec = app.spec;
    if (spec.kind !== 'remote' || spec.transport !== 'direct') {
      throw new PoolError(
        'unsupported',
        name,
        `app "${name}" is not a direct HTTP app: ${spec.kind === 'remote' ? 'mcp-remote keeps its sign-in in its own cache (~/.mcp-auth)' : 'it runs a local process'}`,
      );
    }
    const key = signInKey(spec.url, spec.headers);
    const had = !!(await this.signIns.get(key))?.tokens;
    await this.signIns.forget(key);
    await app.stop('user');
    // an app "auto" moved to mcp-remote signs in directly again (mcp-remote keeps its own login in ~/.mcp-auth)
    app.forgetRoute();
    return had;
  }

  async restart(name: string): Promise<void> {
    const app = this.app(name);
    await app.stop('restart');
    // (where "auto" went through mcp-remote after a failed direct start, a restart tries directly again)
    app.forgetRoute();
    await app.acquire();
  }

  /** Stops every app in parallel; resolves when every link (process tree, direct session) is gone. */
  async stopAll(reason: StopReason = 'user'): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => a.stop(reason)));
  }

  /** For deactivate(): refuse new work, stop everything, await it. Idempotent. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      clearInterval(this.sweepTimer);
      await this.stopAll('shutdown');
      this.watchdog?.close();
    })();
    return this.shuttingDown;
  }

  override dispose(): void {
    void this.shutdown();
    super.dispose();
  }

  private app(name: string): PooledApp {
    if (this.shuttingDown) throw new PoolError('shutting-down', name, 'the pool is shutting down');
    const app = this.apps.get(name);
    if (!app) {
      const known = this.names();
      throw new PoolError('unknown-app', name, `no app named "${name}" is configured${known.length ? ` (configured: ${known.join(', ')})` : ''}`);
    }
    return app;
  }

  // ---- AppHost -----------------------------------------------------------------------------

  changed(app: PooledApp): void {
    if (this.apps.get(app.name) !== app) return;
    this.events.fire(new StateEvent(app));
    this.slotChanged.fire();
  }

  /**
   * A start waits here for room, in line (first come, first served), holding no slot while it
   * waits; slots.ts decides when it may go and which idle apps are stopped to make room. Gives up
   * after acquireTimeoutMs with what the slots are doing, or at once when `signal` aborts (the
   * waiting app was stopped).
   */
  async reserveSlot(app: PooledApp, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this._settings.acquireTimeoutMs;
    this.slotQueue.push(app);
    try {
      for (;;) {
        if (this.shuttingDown) throw new PoolError('shutting-down', app.name, 'the pool is shutting down');
        if (signal.aborted) throw new PoolError('stopped', app.name, `app "${app.name}" was stopped while waiting for a free slot`);
        const position = this.slotQueue.indexOf(app);
        const decision = decideSlot(
          position,
          [...this.apps.values()].filter((a) => a !== app),
          this._settings.maxSize,
        );
        if (decision.grant) {
          app.grantSlot();
          return;
        }
        for (const lru of decision.evict) void lru.stop('lru');
        const left = deadline - Date.now();
        if (left <= 0) throw poolFull(app.name, decision.holders, position, this._settings);
        await this.nextSlotChange(left, signal);
      }
    } finally {
      this.slotQueue.splice(this.slotQueue.indexOf(app), 1);
      this.slotChanged.fire(); // the next in line may go now
    }
  }

  private nextSlotChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const sub = this.slotChanged.event(done);
      signal.addEventListener('abort', done);
      function done() {
        clearTimeout(timer);
        sub.dispose();
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  // ---- idle eviction ----------------------------------------------------------------------

  private scheduleSweep(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = setInterval(() => void this.sweep(), this._settings.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** One eviction run: stops apps idle longer than their timeout. Never touches busy apps. */
  async sweep(now = Date.now()): Promise<string[]> {
    const idle = expired([...this.apps.values()], now);
    await Promise.all(idle.map((a) => a.stop('idle')));
    return idle.map((a) => a.name);
  }
}

/**
 * An app's state changed: its snapshot is built only if a listener looks (a state change comes
 * with every call). A class, not an object with a getter of its own: those cost ≈ 20 × as much to make.
 */
class StateEvent {
  readonly type = 'state';
  readonly #of: PooledApp;
  #built?: AppSnapshot;

  constructor(of: PooledApp) {
    this.#of = of;
  }

  get app(): string {
    return this.#of.name;
  }

  get snapshot(): AppSnapshot {
    return (this.#built ??= this.#of.snapshot());
  }

  toJSON(): { type: 'state'; app: string; snapshot: AppSnapshot } {
    return { type: this.type, app: this.app, snapshot: this.snapshot };
  }
}
