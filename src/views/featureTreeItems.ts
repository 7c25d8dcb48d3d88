// Rendering of what a server offers beyond its tools into TreeItems: the group rows (Tools,
// Resources, Prompts, with counts), resources (a click opens them), resource templates (a click
// asks for their variables, then opens) and prompts (a click gets them).
import * as vscode from 'vscode';
import { Commands } from '../manifest/commands';
import { GROUP_LABELS } from './appChildren';
import { ContextValues } from './appState';
import { escapeMarkdown } from './appTooltip';
import { plural, truncate } from './format';
import { type GroupNode, nodeId, type PromptNode, type ResourceNode, type TemplateNode } from './treeNodes';
import { templateVariables } from '../common/uriTemplate';

const GROUP_ICONS = { tools: 'tools', resources: 'files', prompts: 'comment-discussion' } as const;
const GROUP_CONTEXT = { tools: ContextValues.toolsGroup, resources: ContextValues.resourcesGroup, prompts: ContextValues.promptsGroup } as const;
const GROUP_HINTS = {
  tools: 'Click a tool to invoke it.',
  resources: 'Click a resource to open it, a template to fill in its variables and open the result.',
  prompts: 'Click a prompt to fill in its arguments and get its messages.',
} as const;

function firstLine(text: string | undefined): string | undefined {
  return text?.trim().split('\n')[0] || undefined;
}

function markdown(lines: (string | false | undefined)[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(lines.filter((l): l is string => !!l).join('\n\n'));
  md.supportThemeIcons = false;
  return md;
}

/** `text/plain`, `image/png` → a file icon that says what kind. */
export function resourceIcon(mime: string | undefined): string {
  const base = mime?.split(';')[0].trim().toLowerCase() ?? '';
  if (/^(image|audio|video)\//.test(base)) return 'file-media';
  if (base === 'application/pdf') return 'file-pdf';
  if (/^application\/(zip|gzip|x-tar)/.test(base)) return 'file-zip';
  return 'file';
}

export function groupTreeItem(node: GroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem(GROUP_LABELS[node.group], vscode.TreeItemCollapsibleState.Collapsed);
  item.id = nodeId(node);
  item.description = node.count;
  item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.group]);
  item.contextValue = GROUP_CONTEXT[node.group];
  item.tooltip = `${GROUP_LABELS[node.group]} of ${node.app}${node.count ? ` (${node.count})` : ''}. ${GROUP_HINTS[node.group]}`;
  return item;
}

export function resourceTreeItem(node: ResourceNode): vscode.TreeItem {
  const { info } = node;
  const label = info.title || info.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  item.description = truncate([info.mimeType, firstLine(info.description)].filter(Boolean).join(' · '), 100);
  item.iconPath = new vscode.ThemeIcon(resourceIcon(info.mimeType));
  item.contextValue = ContextValues.resource;
  item.tooltip = markdown([
    `**${escapeMarkdown(label)}**${info.title && info.title !== info.name ? ` (${escapeMarkdown(info.name)})` : ''}`,
    `\`${info.uri.replace(/`/g, "'")}\``,
    info.description && escapeMarkdown(info.description),
    [info.mimeType && `MIME type: ${escapeMarkdown(info.mimeType)}`, info.size !== undefined && `${plural(info.size, 'byte')}`].filter(Boolean).join(' · ') ||
      undefined,
    `_Click to open it from ${escapeMarkdown(node.app)}._`,
  ]);
  item.command = { command: Commands.openResource, title: 'Open Resource', arguments: [node] };
  return item;
}

export function templateTreeItem(node: TemplateNode): vscode.TreeItem {
  const { info } = node;
  const label = info.title || info.name;
  const variables = templateVariables(info.uriTemplate);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  item.description = truncate(info.uriTemplate, 100);
  item.iconPath = new vscode.ThemeIcon('symbol-parameter');
  item.contextValue = ContextValues.template;
  item.tooltip = markdown([
    `**${escapeMarkdown(label)}** — resource template`,
    `\`${info.uriTemplate.replace(/`/g, "'")}\``,
    info.description && escapeMarkdown(info.description),
    info.mimeType && `MIME type: ${escapeMarkdown(info.mimeType)}`,
    variables.length ? `_Click to fill in ${variables.map((v) => `\`${v}\``).join(', ')} and open the resource._` : '_Click to open it._',
  ]);
  item.command = { command: Commands.openResource, title: 'Open Resource', arguments: [node] };
  return item;
}

export function promptTreeItem(node: PromptNode): vscode.TreeItem {
  const { info } = node;
  const item = new vscode.TreeItem(info.name, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  const args = info.arguments.map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ');
  item.description = truncate(
    [info.title && info.title !== info.name ? info.title : firstLine(info.description), args && `(${args})`].filter(Boolean).join(' '),
    100,
  );
  item.iconPath = new vscode.ThemeIcon('comment');
  item.contextValue = ContextValues.prompt;
  const argLines = info.arguments.map(
    (a) => `- \`${a.name}\`${a.required ? ' (required)' : ' (optional)'}${a.description ? ` — ${escapeMarkdown(a.description)}` : ''}`,
  );
  item.tooltip = markdown([
    `**${escapeMarkdown(info.name)}**${info.title && info.title !== info.name ? ` — ${escapeMarkdown(info.title)}` : ''}`,
    info.description && escapeMarkdown(info.description),
    argLines.length ? `Arguments:\n\n${argLines.join('\n')}` : 'No arguments.',
    `_Click to get it from ${escapeMarkdown(node.app)}; its messages go to the app's output._`,
  ]);
  item.command = { command: Commands.getPrompt, title: 'Get Prompt', arguments: [node] };
  return item;
}
