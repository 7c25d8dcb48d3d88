// The elements of the Apps tree. Commands receive them as their first argument when run from a
// row's menu, so they are shared (vscode-free) and every command reads them through
// appNameOf() / toolNameOf(), which also accept a plain app name.
import type { AppSnapshot, ToolInfo } from '../pool';

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

/** A tool of an app, listed when the app is expanded. */
export interface ToolNode {
  readonly kind: 'tool';
  readonly app: string;
  readonly tool: string;
  readonly info: ToolInfo;
}

/** An informational row under an app (e.g. `Could not list tools: …`, `No tools`). */
export interface MessageNode {
  readonly kind: 'message';
  readonly app: string;
  readonly text: string;
  readonly error: boolean;
  readonly detail?: string;
}

export type PoolTreeNode = AppNode | ToolNode | MessageNode;


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

/** Stable tree ids, so expansion and selection survive refreshes. */
export function nodeId(node: PoolTreeNode): string {
  switch (node.kind) {
    case 'app':
      return `app/${node.app}`;
    case 'tool':
      return `app/${node.app}/tool/${node.tool}`;
    case 'message':
      return `app/${node.app}/message/${node.error ? 'error' : 'info'}`;
  }
}
