// The one place commands are registered. Every handler runs inside the same wrapper: whatever
// it throws is reported the same way (ErrorReporter: details in the output, a notification
// with "Show Output") and never reaches VS Code as an unhandled rejection. A command may ask to
// also reject for some calls (a programmatic invokeTool rejects, so its caller sees why).
import * as vscode from 'vscode';
import { Commands, type CommandId, type InternalCommandId } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import { appNameOf } from '../views/treeNodes';

// Command arguments come from VS Code untyped (palette: none; menus: a tree node; API: anything).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

export interface CommandSpec {
  readonly run: Handler;
  /** Whether a failure of this call should also reject (after being reported). */
  readonly rejects?: (args: readonly unknown[]) => boolean;
}

export type CommandTable = { readonly [K in CommandId | InternalCommandId]?: Handler | CommandSpec };

export function registerCommands(reporter: ErrorReporter, table: CommandTable): vscode.Disposable[] {
  const missing = Object.values(Commands).filter((id) => !(id in table));
  if (missing.length) throw new Error(`commands declared but not implemented: ${missing.join(', ')}`);
  return (Object.entries(table) as [CommandId | InternalCommandId, Handler | CommandSpec][]).map(([id, entry]) => {
    const spec: CommandSpec = typeof entry === 'function' ? { run: entry } : entry;
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await spec.run(...args);
      } catch (e) {
        reporter.report(appNameOf(args[0]), e);
        if (spec.rejects?.(args)) throw e;
        return undefined;
      }
    });
  });
}
