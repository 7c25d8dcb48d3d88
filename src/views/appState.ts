// What an app's state looks like in the editor: codicon, theme color and the tree item's
// contextValue (which package.json menus match with `viewItem =~ /^app\.running/` etc.).
// Pure and vscode-free: the views wrap these ids in ThemeIcon / ThemeColor.
import { type AppSnapshot, type AppStatus, isAlive, isRunning } from '../pool';
import { isBackingOff, pendingAuthUrl } from './format';

/** The state a user sees: authorization and crash-loop backoff take precedence over the status. */
export type VisibleState = AppStatus | 'auth' | 'backoff';

export interface StateIcon {
  /** Codicon id, e.g. `circle-filled` or `loading~spin`. */
  readonly id: string;
  /** Theme color id, if the icon is tinted. */
  readonly color?: string;
}

export const STATE_ICONS: Readonly<Record<VisibleState, StateIcon>> = {
  starting: { id: 'loading~spin' },
  idle: { id: 'circle-filled', color: 'testing.iconPassed' },
  busy: { id: 'sync~spin', color: 'charts.blue' },
  stopping: { id: 'loading~spin', color: 'disabledForeground' },
  stopped: { id: 'circle-outline' },
  crashed: { id: 'error', color: 'testing.iconFailed' },
  failed: { id: 'circle-slash', color: 'testing.iconFailed' },
  backoff: { id: 'watch', color: 'errorForeground' },
  auth: { id: 'key', color: 'charts.yellow' },
};

/** Rows for apps that are configured but not in the pool. */
export const BLOCKED_ICON: StateIcon = { id: 'shield', color: 'list.warningForeground' };
export const INVALID_ICON: StateIcon = { id: 'warning', color: 'list.warningForeground' };

export const ContextValues = {
  blocked: 'app.blocked',
  invalid: 'app.invalid',
  tool: 'tool',
  /** A listing that failed (tools, resources, templates or prompts): the row offers Refresh. */
  toolsError: 'toolsError',
  message: 'message',
  toolsGroup: 'group.tools',
  resourcesGroup: 'group.resources',
  promptsGroup: 'group.prompts',
  resource: 'resource',
  template: 'template',
  prompt: 'prompt',
} as const;

export function visibleState(s: AppSnapshot, now: number): VisibleState {
  if (pendingAuthUrl(s)) return 'auth';
  if (isBackingOff(s, now)) return 'backoff';
  return s.status;
}

export function stateIcon(s: AppSnapshot, now: number): StateIcon {
  return STATE_ICONS[visibleState(s, now)];
}

/**
 * `app.running` (idle or busy), `app.starting`, `app.stopping`, `app.stopped`, `app.crashed`, `app.failed`;
 * then `.direct` for an app reached over HTTP without a process (no PID; Sign Out), and `.auth`
 * while an authorization URL is pending (`app.starting.direct.auth`; see pendingAuthUrl).
 */
export function contextValueOf(s: AppSnapshot): string {
  const base = isRunning(s.status) ? 'app.running' : `app.${s.status}`;
  const how = s.transport === 'direct' ? `${base}.direct` : base;
  return pendingAuthUrl(s) ? `${how}.auth` : how;
}

/** Has (or is about to have, or is still shutting down) a process that Kill would stop. */
export function holdsProcess(s: AppSnapshot): boolean {
  return isAlive(s.status) || s.status === 'stopping';
}
