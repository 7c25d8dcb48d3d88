// The one place commands are registered. Every handler runs inside the same wrapper: whatever
// it throws is reported the same way (ErrorReporter: details in the output, a notification
// with "Show Output") and never reaches VS Code as an unhandled rejection. A command may mark
// some calls as programmatic (invokeTool with arguments, from tests or other extensions): their
// failures are logged and rejected to the caller, with no notification in the user's face.
import * as vscode from 'vscode';
import { Commands, type CommandId, type InternalCommandId } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import { appNameOf } from '../views/treeNodes';

// Command arguments come from VS Code untyped (palette: none; menus: a tree node; API: anything).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (...args: any[]) => unknown;

export interface CommandSpec {
  readonly run: Handler;
  /** Whether this call is programmatic: a failure is logged (not shown) and rejects. */
  readonly rejects?: (args: readonly unknown[]) => boolean;
}

export type CommandTable = { readonly [K in CommandId | InternalCommandId]?: Handler | CommandSpec };

/** One table from the features' tables; an id given twice is a bug, not an override. */
export function commandTable(...tables: CommandTable[]): CommandTable {
  const out: Record<string, Handler | CommandSpec> = {};
  for (const table of tables) {
    for (const [id, entry] of Object.entries<Handler | CommandSpec>(table)) {
      if (id in out) throw new Error(`command ${id} is implemented twice`);
      out[id] = entry;
    }
  }
  return out as CommandTable;
}

export function registerCommands(reporter: ErrorReporter, table: CommandTable): vscode.Disposable[] {
  const missing = Object.values(Commands).filter((id) => !(id in table));
  if (missing.length) throw new Error(`commands declared but not implemented: ${missing.join(', ')}`);
  return (Object.entries(table) as [CommandId | InternalCommandId, Handler | CommandSpec][]).map(([id, entry]) => {
    const spec: CommandSpec = typeof entry === 'function' ? { run: entry } : entry;
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await spec.run(...args);
      } catch (e) {
        if (spec.rejects?.(args)) {
          reporter.log(appNameOf(args[0]), e);
          throw e;
        }
        reporter.report(appNameOf(args[0]), e);
        return undefined;
      }
    });
  });
}
