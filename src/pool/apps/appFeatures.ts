// What an app's server offers beyond tools: resources (listed, read, subscribed to), resource
// templates, prompts, completions, logging. Each request goes through the app's request helper
// (pooledApp.ts: started if needed, listings and reads retried once on a connection that died
// under them) and is sent only if the server declared the capability it needs; otherwise it fails
// at once with `unsupported`. What the server notifies becomes pool events. The app remembers its
// subscriptions and its log level and gives them to every new connection of the app (restore).
import { untilAborted } from '../../common/abort';
import { PoolError } from '../errors';
import type { Redactor } from '../redact';
import type { Connection } from '../session/connection';
import type { McpSession, RequestLimits, ServerNotice } from '../session/mcpSession';
import type { PoolSettings } from '../settings';
import {
  type AppSnapshot,
  type CompletionRef,
  type CompletionResult,
  type FeatureOptions,
  LOG_LEVELS,
  type LogLevel,
  type PoolEvent,
  type PromptInfo,
  type PromptResult,
  type ResourceInfo,
  type ResourceReadResult,
  type ResourceTemplateInfo,
  type ServerFeatures,
} from '../types';
import type { RequestOptions } from './request';

/** What the features need of their app (pooledApp.ts gives it), and nothing more. */
export interface FeatureHost {
  readonly app: string;
  /** The pool's settings now (they change at runtime). */
  settings(): PoolSettings;
  readonly redactor: Redactor;
  /** The app's one route to its server (PooledApp.request). */
  request<T>(what: string, op: (session: McpSession) => Promise<T>, o: RequestOptions): Promise<{ readonly value: T }>;
  /** The live connection's session, if the app runs; never starts one. */
  liveSession(): McpSession | undefined;
  /** What the snapshot shows changed. */
  changed(): void;
  fire(event: PoolEvent): void;
}

/** A capability a request needs (`subscribe`: resources.subscribe). */
type Need = Exclude<keyof ServerFeatures, 'tools'>;

const OFFERS: Record<Need, string> = {
  resources: 'resources',
  subscribe: 'resource subscriptions',
  prompts: 'prompts',
  completions: 'completions',
  logging: 'logging',
};

/** The snapshot's parts that the features own. */
type FeatureSnapshot = Pick<
  AppSnapshot,
  'capabilities' | 'instructions' | 'resourceCount' | 'resourceTemplateCount' | 'promptCount' | 'subscriptions' | 'logLevel'
>;

export class AppFeatures {
  /** As the server declared them at its last start. */
  private declared?: ServerFeatures;
  private instructions?: string;
  private resourceCount?: number;
  private templateCount?: number;
  private promptCount?: number;
  /** Each subscribed resource with who asked for it (FeatureOptions.subscriber): the server is unsubscribed when the last one lets go. */
  private readonly subscriptions = new Map<string, Set<object>>();
  /** The host's level (the editor: the app's output channel). */
  private logLevel?: LogLevel;
  /** Levels other clients asked for (gateway sessions, FeatureOptions.subscriber): the server sends the most verbose of all. */
  private readonly clientLevels = new Map<object, LogLevel>();
  /** What the running server was last told. */
  private sentLevel?: LogLevel;

  constructor(private readonly host: FeatureHost) {}

  snapshot(): FeatureSnapshot {
    return {
      capabilities: this.declared,
      instructions: this.instructions,
      resourceCount: this.resourceCount,
      resourceTemplateCount: this.templateCount,
      promptCount: this.promptCount,
      subscriptions: [...this.subscriptions.keys()],
      logLevel: this.logLevel,
    };
  }

  /** The app's definition changed: what its user asked for (subscriptions, log level) carries over to the new one. */
  inherit(from: AppFeatures): void {
    for (const [uri, owners] of from.subscriptions) this.subscriptions.set(uri, new Set(owners));
    this.logLevel = from.logLevel;
    for (const [owner, level] of from.clientLevels) this.clientLevels.set(owner, level);
  }

  /**
   * After each start, before the callers waiting for it go on: reads what the server declares, then
   * sends it the remembered log level (if it declares logging) and subscriptions (if it declares
   * resources.subscribe). Never throws: what fails is said in a `[pool]` stderr line, and a
   * subscription the server refused is kept for the next start.
   */
  async restore(conn: Connection): Promise<void> {
    const session = conn.session;
    this.declared = session.features;
    const instructions = session.instructions;
    this.instructions = instructions === undefined ? undefined : this.host.redactor.redact(instructions);
    this.host.changed();
    const settings = this.host.settings();
    const limits: RequestLimits = { timeoutMs: Math.min(settings.callTimeoutMs, settings.startTimeoutMs) };
    // a connection that is gone meanwhile is reported as such (crash, stop): no note for each request it took along
    const failed = (what: string) => (e: unknown) => {
      if (!conn.isDead) this.note(`${what} after the start: ${describe(e)}`);
    };
    const work: Promise<void>[] = [];
    const level = this.effectiveLevel();
    this.sentLevel = undefined;
    if (level && this.declared.logging) {
      this.sentLevel = level;
      work.push(session.setLogLevel(level, limits).catch(failed(`could not set the log level to "${level}"`)));
    }
    if (this.subscriptions.size > 0 && !this.declared.subscribe) {
      this.note(`the server no longer offers resource subscriptions: ${this.subscriptions.size} kept for a later start`);
    } else {
      for (const uri of this.subscriptions.keys()) work.push(session.subscribe(uri, limits).catch(failed(`could not subscribe to ${uri} again`)));
    }
    await Promise.all(work);
  }

  /** What the server notified (mcpSession.ts), as pool events. */
  onNotice(notice: ServerNotice): void {
    const app = this.host.app;
    switch (notice.kind) {
      case 'resourcesChanged':
        this.resourceCount = this.templateCount = undefined;
        this.host.changed();
        return this.host.fire({ type: 'resourcesChanged', app });
      case 'resourceUpdated':
        return this.host.fire({ type: 'resourceUpdated', app, uri: notice.uri });
      case 'promptsChanged':
        this.promptCount = undefined;
        this.host.changed();
        return this.host.fire({ type: 'promptsChanged', app });
      case 'log': {
        const r = this.host.redactor;
        return this.host.fire({
          type: 'log',
          app,
          level: notice.level,
          ...(notice.logger !== undefined ? { logger: r.redact(notice.logger) } : {}),
          data: r.redactValue(notice.data),
        });
      }
    }
  }

  async listResources(opts: FeatureOptions = {}): Promise<ResourceInfo[]> {
    const list = await this.run('listing resources', 'resources', opts, (s, l) => this.shared(s.listResources(l.timeoutMs), opts.signal));
    this.resourceCount = list.length;
    this.host.changed();
    return list;
  }

  async listResourceTemplates(opts: FeatureOptions = {}): Promise<ResourceTemplateInfo[]> {
    const list = await this.run('listing resource templates', 'resources', opts, (s, l) => this.shared(s.listResourceTemplates(l.timeoutMs), opts.signal));
    this.templateCount = list.length;
    this.host.changed();
    return list;
  }

  readResource(uri: string, opts: FeatureOptions = {}): Promise<ResourceReadResult> {
    return this.run(`reading ${uri}`, 'resources', opts, (s, l) => s.readResource(uri, l));
  }

  /**
   * Subscribes (starting the app if needed) and remembers it: every later connection of the app is
   * subscribed too. Counted per subscriber (the editor, each gateway client): the server hears one
   * subscribe, and one unsubscribe when the last subscriber lets go.
   */
  async subscribe(uri: string, opts: FeatureOptions = {}): Promise<void> {
    const owner = opts.subscriber ?? HOST;
    const owners = this.subscriptions.get(uri);
    if (owners && this.host.liveSession()) {
      owners.add(owner);
      return;
    }
    await this.run(`subscribing to ${uri}`, 'subscribe', opts, (s, l) => s.subscribe(uri, l));
    const now = this.subscriptions.get(uri) ?? new Set<object>();
    now.add(owner);
    this.subscriptions.set(uri, now);
    this.host.changed();
  }

  /** Forgets the subscriber's subscription; when none is left, a running server is told at once (a stopped app is not started for it). */
  async unsubscribe(uri: string, opts: FeatureOptions = {}): Promise<void> {
    const owners = this.subscriptions.get(uri);
    if (!owners?.delete(opts.subscriber ?? HOST)) return;
    if (owners.size > 0) return;
    this.subscriptions.delete(uri);
    this.host.changed();
    if (!this.host.liveSession()?.features.subscribe) return;
    await this.run(`unsubscribing from ${uri}`, 'subscribe', { ...opts, observe: true }, (s, l) => s.unsubscribe(uri, l));
  }

  async listPrompts(opts: FeatureOptions = {}): Promise<PromptInfo[]> {
    const list = await this.run('listing prompts', 'prompts', opts, (s, l) => this.shared(s.listPrompts(l.timeoutMs), opts.signal));
    this.promptCount = list.length;
    this.host.changed();
    return list;
  }

  getPrompt(name: string, args: Readonly<Record<string, string>>, opts: FeatureOptions = {}): Promise<PromptResult> {
    return this.run(`getting prompt "${name}"`, 'prompts', opts, (s, l) => s.getPrompt(name, args, l));
  }

  complete(
    ref: CompletionRef,
    argument: { name: string; value: string },
    context: Readonly<Record<string, string>> | undefined,
    opts: FeatureOptions = {},
  ): Promise<CompletionResult> {
    const of = ref.type === 'ref/prompt' ? `prompt "${ref.name}"` : ref.uri;
    return this.run(`completing "${argument.name}" of ${of}`, 'completions', opts, (s, l) => s.complete(ref, argument, context, l));
  }

  /**
   * Remembers the level and sends it to every later connection of the app whose server declares logging; a
   * running one is told at once (and one that does not declare logging fails with `unsupported`,
   * the level then not remembered). A stopped app is not started for it. With a `subscriber` (a
   * gateway client) the level is that client's: the server is sent the most verbose level anyone
   * asked for, and each client filters what it gets to its own.
   */
  async setLogLevel(level: LogLevel, opts: FeatureOptions = {}): Promise<void> {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new PoolError('invalid-arguments', this.host.app, `"${String(level)}" is no log level (one of: ${LOG_LEVELS.join(', ')})`);
    }
    const owner = opts.subscriber;
    const before = owner ? this.clientLevels.get(owner) : this.logLevel;
    if (owner) this.clientLevels.set(owner, level);
    else this.logLevel = level;
    try {
      await this.sendEffective(opts, owner === undefined);
    } catch (e) {
      if (owner) {
        if (before === undefined) this.clientLevels.delete(owner);
        else this.clientLevels.set(owner, before);
      } else this.logLevel = before;
      throw e;
    }
    if (!owner) this.host.changed();
  }

  /** A client's level no longer counts (its session ended); the server is told if the level it sends changes. */
  async releaseLogLevel(subscriber: object): Promise<void> {
    if (!this.clientLevels.delete(subscriber)) return;
    await this.sendEffective({}, false).catch(() => undefined);
  }

  /** The most verbose level anyone asked for. */
  private effectiveLevel(): LogLevel | undefined {
    const levels = [...this.clientLevels.values(), ...(this.logLevel ? [this.logLevel] : [])];
    if (!levels.length) return undefined;
    return LOG_LEVELS[Math.min(...levels.map((l) => LOG_LEVELS.indexOf(l)))];
  }

  /** Tells a running server the effective level when it changed (`always`: even if not, as the host's own request). */
  private async sendEffective(opts: FeatureOptions, always: boolean): Promise<void> {
    const level = this.effectiveLevel();
    if (!level || !this.host.liveSession()) return;
    if (!always && level === this.sentLevel) return;
    await this.run(`setting the log level to "${level}"`, 'logging', { ...opts, observe: true }, (s, l) => s.setLogLevel(level, l));
    this.sentLevel = level;
  }

  /** One request through the app's route: the capability is checked on the session it goes to, then `op` runs on it. */
  private async run<T>(what: string, need: Need, opts: FeatureOptions, op: (session: McpSession, limits: RequestLimits) => Promise<T>): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.host.settings().callTimeoutMs;
    const sent = await this.host.request(
      what,
      (session) => {
        const declared = session.features;
        if (!declared[need]) return Promise.reject(this.unsupported(need, declared));
        return op(session, { timeoutMs, signal: opts.signal });
      },
      { use: opts.observe ? 'look' : 'use', idempotent: true, timeoutMs, signal: opts.signal, token: opts.startToken, observe: opts.observe },
    );
    return sent.value;
  }

  /** A cached listing is shared: one caller's cancel ends its own wait, not the listing. */
  private shared<T>(listing: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return untilAborted(listing, signal, () => new PoolError('cancelled', this.host.app, `listing on app "${this.host.app}" was cancelled`));
  }

  private unsupported(need: Need, declared: ServerFeatures): PoolError {
    const d = declared;
    const names = [
      d.tools && 'tools',
      d.resources && 'resources',
      d.subscribe && 'resources.subscribe',
      d.prompts && 'prompts',
      d.completions && 'completions',
      d.logging && 'logging',
    ].filter((n) => typeof n === 'string');
    const says = names.length ? `its server declares: ${names.join(', ')}` : 'its server declares none of tools, resources, prompts, completions, logging';
    return new PoolError('unsupported', this.host.app, `app "${this.host.app}" does not offer ${OFFERS[need]} (${says})`);
  }

  private note(text: string): void {
    this.host.fire({ type: 'stderr', app: this.host.app, line: this.host.redactor.redact(`[pool] ${text}`) });
  }
}

/** The subscriber when none is named: the host itself (the editor). */
const HOST = {};

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
