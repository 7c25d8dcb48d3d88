// Picking one of an app's resources (or templates) or prompts: loading pickers like the tool picker
// (invoke/pickers.ts), since listing may have to start the app first.
import * as vscode from 'vscode';
import { firstLine, type LoadedItem, pickLoaded } from '../invoke/pickers';
import type { ErrorReporter } from '../output/errorReporter';
import { PoolError, type Pool, type PromptInfo, type ResourceInfo, type ResourceTemplateInfo } from '../pool';
import { sortByName } from '../views/format';

export type PickedResource = { readonly kind: 'resource'; readonly info: ResourceInfo } | { readonly kind: 'template'; readonly info: ResourceTemplateInfo };

/** One of the app's resources or templates (both listed; a template list that fails leaves the resources). */
export function pickResource(pool: Pool, reporter: ErrorReporter, app: string, startToken: object): Promise<PickedResource | undefined> {
  return pickLoaded<PickedResource>({
    app,
    pool,
    reporter,
    title: `${app}: open a resource`,
    loading: `loading from ${app}…`,
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
      const items: LoadedItem<PickedResource>[] = sortByName(resources).map((info) => ({
        label: `$(file) ${info.title || info.name}`,
        description: info.uri,
        detail: [info.mimeType, firstLine(info.description)].filter(Boolean).join(' · ') || undefined,
        payload: { kind: 'resource', info },
      }));
      if (templates.length) {
        items.push({ label: 'Templates', kind: vscode.QuickPickItemKind.Separator });
        for (const info of sortByName(templates)) {
          items.push({
            label: `$(symbol-parameter) ${info.title || info.name}`,
            description: info.uriTemplate,
            detail: firstLine(info.description),
            payload: { kind: 'template', info },
          });
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
    loading: `loading from ${app}…`,
    loaded: 'Which prompt?',
    empty: `${app} lists no prompts`,
    load: async () =>
      sortByName(await pool.listPrompts(app, { startToken })).map((info) => ({
        label: info.name,
        description: [
          info.title && info.title !== info.name ? info.title : undefined,
          info.arguments.length ? `(${info.arguments.map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ')})` : undefined,
        ]
          .filter(Boolean)
          .join(' '),
        detail: firstLine(info.description),
        payload: info,
      })),
  });
}
