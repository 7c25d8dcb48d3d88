// The elements of the Apps tree. Commands receive them as their first argument when run from a
// row's menu, so they are shared (vscode-free) and every command reads them through
// appNameOf() / toolNameOf(), which also accept a plain app name.
import type { AppSnapshot, PromptInfo, ResourceInfo, ResourceTemplateInfo, ToolInfo } from '../pool';

/** A row for one app: pooled (with its snapshot at render time), blocked by trust, or invalid. */
export interface AppNode {
  readonly kind: 'app';
  readonly app: string;
  readonly state: 'pooled' | 'blocked' | 'invalid';
  /** The app's state when the row was rendered (pooled apps only); read the pool for current state. */
  readonly snapshot?: AppSnapshot;
  /** Why the app is not run (invalid apps only). */
  readonly problems?: readonly string[];
}

/**
 * What an app's server offers, as groups under its row (only those it declares). A server that
 * offers tools only has no group: its tools are the app's children, as before servers offered more.
 */
export type GroupKind = 'tools' | 'resources' | 'prompts';

/** A group under an app: its tools, its resources (and templates), or its prompts. */
export interface GroupNode {
  readonly kind: 'group';
  readonly app: string;
  readonly group: GroupKind;
  /** How many, as the row's description (e.g. `3`, `8 + 4 templates`); empty while unknown. */
  readonly count: string;
}

/** A tool of an app, listed when the app (or its Tools group) is expanded. */
export interface ToolNode {
  readonly kind: 'tool';
  readonly app: string;
  readonly tool: string;
  readonly info: ToolInfo;
  /** Set when the tool is listed under a Tools group. */
  readonly group?: 'tools';
}

/** A resource of an app, under its Resources group. */
export interface ResourceNode {
  readonly kind: 'resource';
  readonly app: string;
  readonly info: ResourceInfo;
  readonly group: 'resources';
}

/** A resource template (RFC 6570 `uriTemplate`), under the Resources group after the resources. */
export interface TemplateNode {
  readonly kind: 'template';
  readonly app: string;
  readonly info: ResourceTemplateInfo;
  readonly group: 'resources';
}

/** A prompt of an app, under its Prompts group. */
export interface PromptNode {
  readonly kind: 'prompt';
  readonly app: string;
  readonly info: PromptInfo;
  readonly group: 'prompts';
}

/** An informational row under an app or a group (e.g. `Could not list tools: …`, `No tools`). */
export interface MessageNode {
  readonly kind: 'message';
  readonly app: string;
  readonly text: string;
  readonly error: boolean;
  readonly detail?: string;
  /** The group it is under, if any. */
  readonly group?: GroupKind;
}

export type PoolTreeNode = AppNode | GroupNode | ToolNode | ResourceNode | TemplateNode | PromptNode | MessageNode;

/** What a command accepts to name an app: a name, any tree node, or nothing (then it asks). */
export type AppArg = string | PoolTreeNode | undefined;

function isNode(arg: unknown): arg is PoolTreeNode {
  return typeof arg === 'object' && arg !== null && typeof (arg as { app?: unknown }).app === 'string' && typeof (arg as { kind?: unknown }).kind === 'string';
}

/** The app named by a command argument: a non-empty string, or the app of a tree node. */
export function appNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  return isNode(arg) ? arg.app : undefined;
}

/** The tool named by a tool node (or by a string second argument). */
export function toolNameOf(arg: unknown, second?: unknown): string | undefined {
  if (isNode(arg) && arg.kind === 'tool') return arg.tool;
  return typeof second === 'string' && second ? second : undefined;
}

export function isAppNode(arg: unknown): arg is AppNode {
  return isNode(arg) && arg.kind === 'app';
}

/** A node of a tool, resource, template or prompt (of `kind`) with the `info` it carries, as a row's menu passes it to a command. */
export function isItemNode<K extends (ToolNode | ResourceNode | TemplateNode | PromptNode)['kind']>(
  arg: unknown,
  kind: K,
): arg is Extract<PoolTreeNode, { kind: K }> {
  return isNode(arg) && arg.kind === kind && typeof (arg as { info?: unknown }).info === 'object';
}

/** Stable tree ids, so expansion and selection survive refreshes. */
export function nodeId(node: PoolTreeNode): string {
  switch (node.kind) {
    case 'app':
      return `app/${node.app}`;
    case 'group':
      return `app/${node.app}/group/${node.group}`;
    case 'tool':
      return `app/${node.app}/tool/${node.tool}`;
    case 'resource':
      return `app/${node.app}/resource/${node.info.uri}`;
    case 'template':
      return `app/${node.app}/template/${node.info.uriTemplate}`;
    case 'prompt':
      return `app/${node.app}/prompt/${node.info.name}`;
    case 'message':
      return `app/${node.app}/${node.group ? `group/${node.group}/` : ''}message/${node.error ? 'error' : 'info'}`;
  }
}
