// Opening what a server offers as resources: a resource by URI (read from its app), a template
// once its variables are filled in (with the server's completions), and a link from a recent result
// (embedded contents as they are, a web page in the browser after asking, anything else read from
// the app that returned it).
import * as vscode from 'vscode';
import { expandUriTemplate, templateFields } from '../common/uriTemplate';
import type { Pool, ResourceTemplateInfo } from '../pool';
import type { OpenedResource, ResourceDocuments } from '../views/resourceDocuments';
import { askValues, type Completer } from './askValues';
import { isWebLink, linkLabel, type ResultLink } from '../results/resultLinks';

export type OpenedLink = OpenedResource | { readonly kind: 'external'; readonly uri: string };

export class ResourceOpener {
  constructor(
    private readonly pool: Pool,
    private readonly documents: ResourceDocuments,
  ) {}

  /** Reads and opens `uri` of `app`; shows progress in the status bar when a person asked for it. */
  async open(app: string, uri: string, interactive: boolean): Promise<OpenedResource> {
    const run = () => this.documents.open(app, uri);
    return interactive
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: reading ${uri} from ${app}…` }, run)
      : await run();
  }

  /** The server's completions for a template's variables, when it offers completions. */
  private completer(app: string, uriTemplate: string): Completer | undefined {
    if (!this.pool.snapshot(app)?.capabilities?.completions) return undefined;
    return async (name, value, context) => (await this.pool.complete(app, { type: 'ref/resource', uri: uriTemplate }, { name, value }, context)).values;
  }

  /** Asks for each variable of the template (completions offered as picks); the expanded URI, or undefined if cancelled. */
  async expandTemplate(app: string, template: ResourceTemplateInfo): Promise<string | undefined> {
    const fields = templateFields(template.uriTemplate).map((f) => ({ name: f.name, required: !f.optional }));
    const values = await askValues({ title: `${app} › ${template.title || template.name}`, fields, complete: this.completer(app, template.uriTemplate) });
    return values && expandUriTemplate(template.uriTemplate, values);
  }

  /** Opens a link from a recent result; undefined when the user declined to open a web page. */
  async openLink(link: ResultLink): Promise<OpenedLink | undefined> {
    if (link.embedded && link.contents) return this.documents.openContents(link.app, link.uri, [link.contents]);
    if (isWebLink(link)) {
      const open = 'Open in Browser';
      const pick = await vscode.window.showWarningMessage(
        `Open ${link.uri} in your browser?`,
        { modal: true, detail: `A link to a web page (${linkLabel(link)}) in a result of ${link.app} (${link.source}).` },
        open,
      );
      if (pick !== open) return undefined;
      await vscode.env.openExternal(vscode.Uri.parse(link.uri, true));
      return { kind: 'external', uri: link.uri };
    }
    return this.open(link.app, link.uri, true);
  }
}
