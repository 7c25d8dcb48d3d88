// Rendering of the Apps tree's elements into TreeItems. The app hover is left undefined here and
// filled in by the provider's resolveTreeItem, so memory is only read when someone hovers.
import * as vscode from 'vscode';
import { Commands } from '../manifest/commands';
import type { GatewayClient } from '../gateway/gateway';
import type { AppSnapshot } from '../pool';
import { BLOCKED_ICON, ContextValues, contextValueOf, INVALID_ICON, type StateIcon, stateIcon } from './appState';
import { appTooltipMarkdown, escapeMarkdown, notRunTooltipMarkdown } from './appTooltip';
import { groupTreeItem, promptTreeItem, resourceTreeItem, templateTreeItem } from './featureTreeItems';
import { describeApp, plural, toolHints, truncate } from './format';
import { type AppNode, type MessageNode, nodeId, type PoolTreeNode, type ToolNode } from './treeNodes';

/** What a top-level row shows; `rows()` returns these for tests. */
export interface RowSummary {
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly icon: string;
}

export function themeIcon(icon: StateIcon): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}

/** Description, icon and contextValue of an app row, without creating any vscode object; `clients`: how many use the app through the gateway. */
export function summarizeApp(node: AppNode, now: number, crashedAt?: number, clients = 0): RowSummary & { iconColor?: string } {
  if (node.state === 'blocked') {
    return {
      label: node.app,
      description: 'blocked: workspace not trusted',
      contextValue: ContextValues.blocked,
      icon: BLOCKED_ICON.id,
      iconColor: BLOCKED_ICON.color,
    };
  }
  if (node.state === 'invalid' || !node.snapshot) {
    const problems = node.problems ?? [];
    const description = truncate(problems[0] ?? 'invalid definition', 120) + (problems.length > 1 ? ` (+${problems.length - 1} more)` : '');
    return { label: node.app, description, contextValue: ContextValues.invalid, icon: INVALID_ICON.id, iconColor: INVALID_ICON.color };
  }
  const s = node.snapshot;
  const icon = stateIcon(s, now);
  const description = describeApp(s, now, crashedAt) + (clients ? ` · ${plural(clients, 'client')}` : '');
  return { label: node.app, description, contextValue: contextValueOf(s), icon: icon.id, iconColor: icon.color };
}

export function appTreeItem(node: AppNode, now: number, crashedAt?: number, clients = 0): vscode.TreeItem {
  const row = summarizeApp(node, now, crashedAt, clients);
  const pooled = node.state === 'pooled';
  const item = new vscode.TreeItem(row.label, pooled ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  item.description = row.description;
  item.contextValue = row.contextValue;
  item.iconPath = themeIcon({ id: row.icon, color: row.iconColor });
  item.accessibilityInformation = { label: `${row.label}, ${row.description}` };
  if (!pooled) {
    const md = notRunTooltipMarkdown(node.app, node.state === 'blocked' ? 'blocked' : 'invalid', node.problems);
    item.tooltip = new vscode.MarkdownString(md);
  }
  return item;
}

/** The hover of a pooled app; `rss` is read by the caller at hover time. */
export function appTooltip(
  snapshot: AppSnapshot,
  now: number,
  rss: number | undefined,
  crashedAt?: number,
  clients?: readonly GatewayClient[],
  configuredIn?: readonly string[],
): vscode.MarkdownString {
  const md = new vscode.MarkdownString(appTooltipMarkdown(snapshot, now, { rss, crashedAt, clients, configuredIn }));
  md.supportThemeIcons = false;
  return md;
}

export function toolTreeItem(node: ToolNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.tool, vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  const hints = toolHints(node.info);
  const title = node.info.title ?? node.info.annotations?.title;
  const description = [hints.length ? `[${hints.join(', ')}]` : '', title && title !== node.tool ? title : (node.info.description ?? '')]
    .filter(Boolean)
    .join(' ');
  item.description = truncate(description, 100);
  item.iconPath = new vscode.ThemeIcon(hints.includes('destructive') ? 'warning' : 'tools');
  item.contextValue = ContextValues.tool;
  const heading = title && title !== node.tool ? ` — ${escapeMarkdown(title)}` : '';
  const marked = hints.length ? `\n\n_The server marks it ${hints.join(', ')}._` : '';
  const md = new vscode.MarkdownString(
    `**${escapeMarkdown(node.tool)}**${heading}\n\n${escapeMarkdown(node.info.description ?? 'No description.')}${marked}\n\n_Click to invoke on ${escapeMarkdown(node.app)}._`,
  );
  item.tooltip = md;
  item.command = { command: Commands.invokeTool, title: 'Invoke Tool', arguments: [node.app, node.tool] };
  return item;
}

export function messageTreeItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(truncate(node.text, 160), vscode.TreeItemCollapsibleState.None);
  item.id = nodeId(node);
  item.iconPath = node.error ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('info');
  item.contextValue = node.error ? ContextValues.toolsError : ContextValues.message;
  item.tooltip = node.detail ?? node.text;
  return item;
}

export function treeItemOf(node: PoolTreeNode, now: number, crashedAt?: number, clients = 0): vscode.TreeItem {
  switch (node.kind) {
    case 'app':
      return appTreeItem(node, now, crashedAt, clients);
    case 'group':
      return groupTreeItem(node);
    case 'tool':
      return toolTreeItem(node);
    case 'resource':
      return resourceTreeItem(node);
    case 'template':
      return templateTreeItem(node);
    case 'prompt':
      return promptTreeItem(node);
    case 'message':
      return messageTreeItem(node);
  }
}
