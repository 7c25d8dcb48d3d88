// Picking an app and one of its tools. The tool list may have to start the app first, so the
// tool picker opens at once with a busy indicator ("starting github…") and fills in when ready.
import * as vscode from 'vscode';
import type { ToolInfo } from '../pool';
import type { PoolSession } from '../session/poolSession';

type ToolItem = vscode.QuickPickItem & { readonly tool: ToolInfo };

const RUNNING = new Set(['idle', 'busy']);

/** True when the app has a live, ready process (so using it will not start one). */
export function isAppRunning(session: PoolSession, app: string): boolean {
  const s = session.pool.snapshots().find((x) => x.name === app);
  return !!s && RUNNING.has(s.status);
}

function firstLine(text: string | undefined, max = 200): string | undefined {
  const line = text?.trim().split('\n')[0];
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line || undefined;
}

/**
 * Asks which tool of `app`. The picker shows at once; while the tools load (which may start
 * the app) it is busy. Resolves undefined when cancelled; a failure to list is reported.
 */
export async function pickTool(session: PoolSession, app: string): Promise<ToolInfo | undefined> {
  const pick = vscode.window.createQuickPick<ToolItem>();
  pick.title = `${app}: invoke a tool`;
  pick.placeholder = isAppRunning(session, app) ? `loading the tools of ${app}…` : `starting ${app}…`;
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
    session.pool.listTools(app).then(
      (tools) => {
        if (settled) return;
        pick.busy = false;
        pick.placeholder = tools.length ? 'Which tool?' : `${app} has no tools`;
        pick.items = [...tools]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((tool) => ({ tool, label: tool.name, description: tool.title && tool.title !== tool.name ? tool.title : undefined, detail: firstLine(tool.description) }));
      },
      (e: unknown) => {
        done(undefined);
        session.reportError(app, e); // also when the picker was closed: the app failed to start
      },
    );
  });
}
