// Picking one of an app's tools. Listing may have to start the app first, so the picker opens at
// once with a busy indicator ("starting github…") and fills in when ready: a loading picker, which
// the resource and prompt pickers (serverFeatures/featurePickers.ts) use too.
import * as vscode from 'vscode';
import type { ErrorReporter } from '../output/errorReporter';
import { PoolError, type Pool, type ToolInfo } from '../pool';
import { sortTools, toolHints } from '../views/format';
import { isAppRunning } from './startWatch';

export function firstLine(text: string | undefined, max = 200): string | undefined {
  const line = text?.trim().split('\n')[0];
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line || undefined;
}

/** An item of a loading picker; items without a payload (separators) cannot be chosen. */
export type LoadedItem<T> = vscode.QuickPickItem & { readonly payload?: T };

export interface LoadingPickOptions<T> {
  readonly app: string;
  readonly title: string;
  /** The placeholder while an app that already runs is listed, e.g. `loading the tools of github…`. */
  readonly loading: string;
  /** The placeholder once there is something to choose, and when there is nothing. */
  readonly loaded: string;
  readonly empty: string;
  readonly load: () => Promise<LoadedItem<T>[]>;
  readonly pool: Pool;
  readonly reporter: ErrorReporter;
}

/**
 * A quick pick that shows at once, busy while `load` runs (which may start the app: then it says
 * `starting <app>…`), and resolves the chosen item's payload. Undefined when cancelled (Escape,
 * even while loading), or when loading failed (reported, also when the picker was closed: the app
 * failed to start).
 */
export function pickLoaded<T>(o: LoadingPickOptions<T>): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<LoadedItem<T>>();
  pick.title = o.title;
  pick.placeholder = isAppRunning(o.pool, o.app) ? o.loading : `starting ${o.app}…`;
  pick.busy = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let settled = false;
  return new Promise<T | undefined>((resolve) => {
    const done = (value: T | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item?.payload !== undefined) done(item.payload); // Enter while loading does nothing
    });
    pick.onDidHide(() => done(undefined));
    pick.show();
    o.load().then(
      (items) => {
        if (settled) return;
        pick.busy = false;
        pick.placeholder = items.some((i) => i.payload !== undefined) ? o.loaded : o.empty;
        pick.items = items;
      },
      (e: unknown) => {
        const closed = settled;
        done(undefined);
        // After Escape the command stops the app it started; that is no failure to report.
        if (closed && e instanceof PoolError && e.code === 'stopped') return;
        o.reporter.report(o.app, e);
      },
    );
  });
}

/** Asks which tool of `app` (a loading picker: the listing may start the app). */
export function pickTool(pool: Pool, reporter: ErrorReporter, app: string, startToken?: object): Promise<ToolInfo | undefined> {
  return pickLoaded<ToolInfo>({
    app,
    pool,
    reporter,
    title: `${app}: invoke a tool`,
    loading: `loading the tools of ${app}…`,
    loaded: 'Which tool?',
    empty: `${app} has no tools`,
    load: async () =>
      sortTools(await pool.listTools(app, { startToken })).map((tool) => {
        const hints = toolHints(tool);
        const title = tool.title && tool.title !== tool.name ? tool.title : undefined;
        return {
          payload: tool,
          label: tool.name,
          description: [title, hints.length ? `[${hints.join(', ')}]` : undefined].filter(Boolean).join(' ') || undefined,
          detail: firstLine(tool.description),
        };
      }),
  });
}
