// Picking one of an app's resources (or templates) or prompts. Listing may have to start the app first, so the picker opens at once with a busy
// indicator ("starting notes…") and fills in when ready, like the tool picker (invoke/pickers.ts).
import * as vscode from 'vscode';
import type { ErrorReporter } from '../output/errorReporter';
import { PoolError, type Pool, type PromptInfo, type ResourceInfo, type ResourceTemplateInfo } from '../pool';
import { isAppRunning } from '../invoke/startWatch';
import { sortByName } from '../views/format';

function firstLine(text: string | undefined, max = 200): string | undefined {
  const line = text?.trim().split('\n')[0];
  return line && line.length > max ? `${line.slice(0, max - 1)}…` : line || undefined;
}

/**
 * A quick pick that shows at once (busy while `load` runs, which may start the app) and resolves the
 * chosen item's payload. Undefined when cancelled, or when loading failed (reported).
 */
async function pickLoaded<T>(o: { app: string; title: string; loaded: string; empty: string; load: () => Promise<(vscode.QuickPickItem & { readonly payload?: T })[]>; pool: Pool; reporter: ErrorReporter }): Promise<T | undefined> {
  type Item = vscode.QuickPickItem & { readonly payload?: T };
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = o.title;
  pick.placeholder = isAppRunning(o.pool, o.app) ? `loading from ${o.app}…` : `starting ${o.app}…`;
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

export type PickedResource = { readonly kind: 'resource'; readonly info: ResourceInfo } | { readonly kind: 'template'; readonly info: ResourceTemplateInfo };

/** One of the app's resources or templates (both listed; a template list that fails leaves the resources). */
export function pickResource(pool: Pool, reporter: ErrorReporter, app: string, startToken: object): Promise<PickedResource | undefined> {
  return pickLoaded<PickedResource>({
    app,
    pool,
    reporter,
    title: `${app}: open a resource`,
    loaded: 'Which resource? (a template asks for its variables)',
    empty: `${app} lists no resources or templates`,
    load: async () => {
      const [resources, templates] = await Promise.all([
        pool.listResources(app, { startToken }),
        pool.listResourceTemplates(app, { startToken }).catch((e: unknown) => {
          if (e instanceof PoolError && e.code === 'cancelled') throw e;
          reporter.log(app, e);
          return [];
        }),
      ]);
      const items: (vscode.QuickPickItem & { payload?: PickedResource })[] = sortByName(resources).map((info) => ({
        label: `$(file) ${info.title || info.name}`,
        description: info.uri,
        detail: [info.mimeType, firstLine(info.description)].filter(Boolean).join(' · ') || undefined,
        payload: { kind: 'resource', info },
      }));
      if (templates.length) {
        items.push({ label: 'Templates', kind: vscode.QuickPickItemKind.Separator });
        for (const info of sortByName(templates)) {
          items.push({ label: `$(symbol-parameter) ${info.title || info.name}`, description: info.uriTemplate, detail: firstLine(info.description), payload: { kind: 'template', info } });
        }
      }
      return items;
    },
  });
}

/** One of the app's prompts. */
export function pickPrompt(pool: Pool, reporter: ErrorReporter, app: string, startToken: object): Promise<PromptInfo | undefined> {
  return pickLoaded<PromptInfo>({
    app,
    pool,
    reporter,
    title: `${app}: get a prompt`,
    loaded: 'Which prompt?',
    empty: `${app} lists no prompts`,
    load: async () =>
      sortByName(await pool.listPrompts(app, { startToken })).map((info) => ({
        label: info.name,
        description: [info.title && info.title !== info.name ? info.title : undefined, info.arguments.length ? `(${info.arguments.map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ')})` : undefined].filter(Boolean).join(' '),
        detail: firstLine(info.description),
        payload: info,
      })),
  });
}
