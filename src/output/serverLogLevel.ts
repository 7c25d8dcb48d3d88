// The level a server logs at follows its app's output channel: the channel's level when it is
// created, and whatever the user picks later with "Set Log Level…" on "MCP Pool: <app>", is sent
// as `logging/setLevel` (the pool remembers it per app and sends it again after each start).
import * as vscode from 'vscode';
import type { IDisposable } from '../common/lifecycle';
import type { LogLevel, Pool } from '../pool';
import type { Channel, Outputs } from './outputs';

export function serverLevelOf(level: vscode.LogLevel): LogLevel {
  switch (level) {
    case vscode.LogLevel.Trace:
    case vscode.LogLevel.Debug:
      return 'debug';
    case vscode.LogLevel.Info:
      return 'info';
    case vscode.LogLevel.Warning:
      return 'warning';
    case vscode.LogLevel.Error:
      return 'error';
    default:
      return 'emergency'; // Off: only what a server calls an emergency
  }
}

export function followChannelLevels(pool: Pool, outputs: Outputs, log: Channel = outputs.pool): IDisposable {
  return outputs.onDidChangeAppLevel(({ app, level }) => {
    if (!pool.spec(app)) return;
    // A server that does not log gets nothing; a stopped app is not started for it.
    pool.setLogLevel(app, serverLevelOf(level)).catch((e: unknown) => log.debug(`${app}: log level not sent: ${e instanceof Error ? e.message : String(e)}`));
  });
}
