// Picking an app and one of its tools. The tool list may have to start the app first, so the
// tool picker opens at once with a busy indicator ("starting github…") and fills in when ready.
import * as vscode from 'vscode';
import type { ErrorReporter } from '../output/errorReporter';
import { PoolError, type Pool, type ToolInfo } from '../pool';
import { sortTools, toolHints } from '../views/format';
import { isAppRunning } from './startWatch';

type ToolItem = vscode.QuickPickItem & { readonly tool: ToolInfo };

function firstLine(text: string | undefined, max = 200): string | undefined {
  const line = text?.trim().split('\n')[0];
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line || undefined;
}

/**
 * Asks which tool of `app`. The picker shows at once; while the tools load (which may start
 * the app) it is busy. Resolves undefined when cancelled; a failure to list is reported.
 */
export async function pickTool(pool: Pool, reporter: ErrorReporter, app: string, startToken?: object): Promise<ToolInfo | undefined> {
  const pick = vscode.window.createQuickPick<ToolItem>();
  pick.title = `${app}: invoke a tool`;
  pick.placeholder = isAppRunning(pool, app) ? `loading the tools of ${app}…` : `starting ${app}…`;
  pick.busy = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let settled = false;
  return new Promise<ToolInfo | undefined>((resolve) => {
    const done = (tool: ToolInfo | undefined) => {
      if (settled) return;
      settled = true;
      resolve(tool);
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) done(item.tool); // Enter while the tools still load does nothing
    });
    pick.onDidHide(() => done(undefined)); // Escape, even while the tools still load
    pick.show();
    pool.listTools(app, { startToken }).then(
      (tools) => {
        if (settled) return;
        pick.busy = false;
        pick.placeholder = tools.length ? 'Which tool?' : `${app} has no tools`;
        pick.items = sortTools(tools).map((tool) => {
          const hints = toolHints(tool);
          const title = tool.title && tool.title !== tool.name ? tool.title : undefined;
          return { tool, label: tool.name, description: [title, hints.length ? `[${hints.join(', ')}]` : undefined].filter(Boolean).join(' ') || undefined, detail: firstLine(tool.description) };
        });
      },
      (e: unknown) => {
        const closed = settled;
        done(undefined);
        // After Escape the invocation stops the app it started; that is no failure to report.
        if (closed && e instanceof PoolError && e.code === 'stopped') return;
        reporter.report(app, e); // also when the picker was closed: the app failed to start
      },
    );
  });
}
