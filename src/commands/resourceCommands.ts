// Commands for what apps offer as resources: "Open Resource…", "Open Resource from a Result…" and
// the rows' "Copy URI".
//
//   mcpPool.openResource(target?, uri?, variables?) → OpenedResource | undefined
//     target: an app name, or a tree node (app, Resources group, resource, template);
//     uri: a resource's URI, or with `variables` ({ name: value }) a template to expand with them.
//     Whatever is missing is asked for (app, then resource or template, then the template's
//     variables). A given uri means a programmatic call: no questions, and failures reject.
//   mcpPool.openResourceLink(index?) → OpenedLink | undefined: a resource linked from a recent
//     tool result or prompt, picked from the newest first; `index` (0 = newest) skips the picker.
//   mcpPool.copyResourceUri(node) → string: a resource row's URI, a template row's uriTemplate.
import * as vscode from 'vscode';
import { formatAgo } from '../common/format';
import { isObject } from '../common/json';
import { expandUriTemplate, type TemplateValue } from '../common/uriTemplate';
import { Commands } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import type { Pool } from '../pool';
import { StartWatch } from '../invoke/startWatch';
import { pickResource } from '../serverFeatures/featurePickers';
import type { OpenedLink, ResourceOpener } from '../serverFeatures/resourceOpener';
import { linkLabel, type ResultLinks } from '../results/resultLinks';
import type { OpenedResource } from '../views/resourceDocuments';
import { appNameOf, isItemNode } from '../views/treeNodes';
import { pickAppOffering } from './appPicker';
import type { CommandTable } from './registry';

const STATUS_MESSAGE_MS = 5000;

export interface ResourceCommandDeps {
  readonly pool: Pool;
  readonly reporter: ErrorReporter;
  readonly opener: ResourceOpener;
  readonly links: ResultLinks;
}

export function resourceCommands(deps: ResourceCommandDeps): CommandTable {
  const c = new ResourceCommands(deps);
  return {
    [Commands.openResource]: {
      run: (target?: unknown, uri?: unknown, variables?: unknown) => c.open(target, uri, variables),
      rejects: (args) => args[1] !== undefined,
    },
    [Commands.openResourceLink]: { run: (index?: unknown) => c.openLink(index), rejects: (args) => args[0] !== undefined },
    [Commands.copyResourceUri]: (node?: unknown) => c.copyUri(node),
  };
}

function templateValues(v: unknown): Record<string, TemplateValue> {
  const ok = isObject(v) && Object.values(v).every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string')));
  if (!ok) throw new TypeError(`${Commands.openResource}: the template variables must be an object of strings (or lists of strings)`);
  return v as Record<string, TemplateValue>;
}

class ResourceCommands {
  constructor(private readonly deps: ResourceCommandDeps) {}

  async open(target: unknown, uriArg?: unknown, variablesArg?: unknown): Promise<OpenedResource | undefined> {
    const { pool, opener } = this.deps;
    if (uriArg !== undefined && typeof uriArg !== 'string') throw new TypeError(`${Commands.openResource}: the URI must be a string`);
    if (isItemNode(target, 'resource')) return opener.open(target.app, target.info.uri, true);
    if (isItemNode(target, 'template')) {
      const uri = await opener.expandTemplate(target.app, target.info);
      return uri === undefined ? undefined : opener.open(target.app, uri, true);
    }
    if (typeof uriArg === 'string') {
      const app = appNameOf(target);
      if (!app) throw new TypeError(`${Commands.openResource}: an app is needed when a URI is given`);
      const uri = variablesArg === undefined ? uriArg : expandUriTemplate(uriArg, templateValues(variablesArg));
      return opener.open(app, uri, false);
    }
    const app = appNameOf(target) ?? (await pickAppOffering(pool, 'resources', 'MCP Pool: Open Resource'));
    if (!app) return undefined;
    // Listing may be what starts the app: if the user then cancels, it is stopped again.
    const watch = new StartWatch(pool, app);
    const picked = await pickResource(pool, this.deps.reporter, app, watch.token);
    const uri = picked?.kind === 'template' ? await opener.expandTemplate(app, picked.info) : picked?.info.uri;
    if (uri === undefined) {
      await watch.undo();
      return undefined;
    }
    return opener.open(app, uri, true);
  }

  async openLink(index?: unknown): Promise<OpenedLink | undefined> {
    const links = this.deps.links.latest();
    if (index !== undefined) {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= links.length) {
        throw new RangeError(
          `${Commands.openResourceLink}: no link number ${JSON.stringify(index)} (${links.length} recent link${links.length === 1 ? '' : 's'}, 0 = newest)`,
        );
      }
      return this.deps.opener.openLink(links[index]);
    }
    if (!links.length) {
      void vscode.window.showInformationMessage(
        "MCP Pool: no recent tool result or prompt had resource links. Results with links say so in their app's output.",
      );
      return undefined;
    }
    const now = Date.now();
    const items = links.map((link) => ({
      link,
      label: `$(${link.embedded ? 'file-code' : /^https?:/i.test(link.uri) ? 'globe' : 'link'}) ${linkLabel(link)}`,
      description: `${link.app} › ${link.source} · ${formatAgo(link.at, now)}${link.embedded ? ' · embedded' : ''}`,
      detail: [link.uri, link.mimeType, link.description].filter(Boolean).join(' · '),
    }));
    const pick = await vscode.window.showQuickPick(items, {
      title: 'MCP Pool: Open Resource from a Result',
      placeHolder: 'Which resource? (newest first)',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return pick && this.deps.opener.openLink(pick.link);
  }

  async copyUri(node?: unknown): Promise<string | undefined> {
    const text = isItemNode(node, 'resource') ? node.info.uri : isItemNode(node, 'template') ? node.info.uriTemplate : undefined;
    if (text === undefined) throw new TypeError(`${Commands.copyResourceUri}: run it on a resource or template row`);
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`MCP Pool: copied ${text}`, STATUS_MESSAGE_MS);
    return text;
  }
}
