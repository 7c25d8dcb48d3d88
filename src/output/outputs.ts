// Output channels: one LogOutputChannel per app ("MCP Pool: <app>") for calls, results and the
// server's stderr, and one pool-wide log for lifecycle events. Every line passes the redactor.
// The last lines of each channel are mirrored in memory so tests (and "copy output") can read them.
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { Redactor } from '../pool';

const MIRROR_LINES = 500;
export const POOL_LOG_NAME = 'MCP Pool';

type Level = 'info' | 'warn' | 'error' | 'debug' | 'trace';

export class Channel {
  readonly lines: string[] = [];

  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly redactor: Redactor,
  ) {}

  log(level: Level, message: string): void {
    const text = this.redactor.redact(message);
    this.lines.push(`[${level}] ${text}`);
    if (this.lines.length > MIRROR_LINES) this.lines.splice(0, this.lines.length - MIRROR_LINES);
    this.channel[level](text);
  }

  info(message: string): void {
    this.log('info', message);
  }

  warn(message: string): void {
    this.log('warn', message);
  }

  error(message: string): void {
    this.log('error', message);
  }

  /** Hidden at the channel's default level (Info); shown after "Set Log Level… → Debug". */
  debug(message: string): void {
    this.log('debug', message);
  }

  show(preserveFocus = true): void {
    this.channel.show(preserveFocus);
  }
}

export class Outputs extends Disposable {
  readonly pool: Channel;
  private readonly apps = new Map<string, Channel>();
  private readonly levelChanged = this._register(new vscode.EventEmitter<{ app: string; level: vscode.LogLevel }>());
  /** An app's channel was created, or the user changed its level ("Set Log Level…"). */
  readonly onDidChangeAppLevel = this.levelChanged.event;

  constructor(private readonly redactor: Redactor) {
    super();
    this.pool = new Channel(this._register(vscode.window.createOutputChannel(POOL_LOG_NAME, { log: true })), redactor);
  }

  /** The app's channel, created on first use. */
  app(name: string): Channel {
    let ch = this.apps.get(name);
    if (!ch) {
      const channel = this._register(vscode.window.createOutputChannel(`MCP Pool: ${name}`, { log: true }));
      ch = new Channel(channel, this.redactor);
      this.apps.set(name, ch);
      this._register(channel.onDidChangeLogLevel((level) => this.levelChanged.fire({ app: name, level })));
      this.levelChanged.fire({ app: name, level: channel.logLevel });
    }
    return ch;
  }

  hasApp(name: string): boolean {
    return this.apps.has(name);
  }
}
