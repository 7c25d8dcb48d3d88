// How the views put app states, names and the like into words; times and sizes are said as
// everywhere else (common/format.ts). Pure and vscode-free, so the exact strings a user reads are
// unit-tested (test/unit/format.test.ts).
import { formatAgo, formatDuration, MINUTE, SECOND } from '../common/format';
import { type AppSnapshot, type ExitInfo, isAlive, type ToolInfo } from '../pool';

/**
 * formatAgo in a tree row, whose text changes at most once a minute (`just now`, `1 min ago`, …):
 * a row that changes closes its hover, so seconds would keep tooltips from ever showing.
 */
function formatAgoInRow(timestamp: number, now: number): string {
  return now - timestamp < MINUTE ? 'just now' : formatAgo(timestamp, now);
}

/** formatDuration in a tree row: `< 1 min` for the first minute (see formatAgoInRow). */
function formatDurationInRow(ms: number): string {
  return ms < MINUTE ? '< 1 min' : formatDuration(ms);
}

/** Tools in the order every list shows them: by name. */
export function sortTools<T extends Pick<ToolInfo, 'name'>>(tools: readonly T[]): T[] {
  return sortByName(tools);
}

/** Tools, resources, templates and prompts in the order every list shows them: by name (then title). */
export function sortByName<T extends { readonly name: string; readonly title?: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name) || (a.title ?? '').localeCompare(b.title ?? ''));
}

/** Time left until `until`, rounded up so a wait never reads `0 s` while it lasts. */
export function formatRemaining(until: number, now: number): string {
  return formatDuration(Math.ceil(Math.max(0, until - now) / SECOND) * SECOND);
}

/** How a process ended: the signal name (`SIGKILL`) or `exit 1`. */
export function formatExit(exit: ExitInfo): string {
  if (exit.reason) return 'connection lost';
  if (exit.signal) return exit.signal;
  return exit.code === null ? 'exited' : `exit ${exit.code}`;
}

/** Local wall-clock time `HH:MM:SS`. */
export function formatClock(timestamp: number): string {
  const d = new Date(timestamp);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** `1 call`, `2 calls`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** One line at most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * The authorization URL the app is waiting on, if its process is still there to receive the
 * OAuth callback. The snapshot keeps the last URL after a stop or a failed start; by then it
 * is stale (the callback listener is gone), so the views do not offer it.
 */
export function pendingAuthUrl(s: AppSnapshot): string | undefined {
  return isAlive(s.status) ? s.authUrl : undefined;
}

/** The crash-loop guard holds back the next start of this app at `now`. */
export function isBackingOff(s: AppSnapshot, now: number): boolean {
  return s.backoffUntil !== undefined && s.backoffUntil > now;
}

/** One word (or two) for the state of an app, as lists and the status bar show it. */
export function stateWord(s: AppSnapshot, now: number): string {
  if (pendingAuthUrl(s)) return 'needs authorization';
  if (isBackingOff(s, now)) return 'backing off';
  return s.status;
}

/**
 * The description of an app's row, e.g. `idle · used just now`, `busy (2 calls) · up 3 min`,
 * `crashed · SIGKILL · 1 min ago`, `failed to start · exit 1 · 1 min ago`, `starting…`, `stopped`, `backing off 8 s`,
 * `needs authorization`. `crashedAt` is when the view saw the app crash or fail (the snapshot does
 * not carry it).
 */
export function describeApp(s: AppSnapshot, now: number, crashedAt?: number): string {
  if (pendingAuthUrl(s)) return 'needs authorization';
  if (isBackingOff(s, now)) return join(`backing off ${formatRemaining(s.backoffUntil!, now)}`, s.exit && formatExit(s.exit));
  switch (s.status) {
    case 'starting':
      return 'starting…';
    case 'stopping':
      return 'stopping…';
    case 'stopped':
      return 'stopped';
    case 'idle':
      if (s.lastUsedAt !== undefined && s.createdAt !== undefined && s.lastUsedAt > s.createdAt) return `idle · used ${formatAgoInRow(s.lastUsedAt, now)}`;
      return join('idle', s.createdAt !== undefined && `up ${formatDurationInRow(now - s.createdAt)}`);
    case 'busy':
      return join(`busy (${plural(Math.max(1, s.inFlight), 'call')})`, s.createdAt !== undefined && `up ${formatDurationInRow(now - s.createdAt)}`);
    case 'crashed':
      return join('crashed', s.exit && formatExit(s.exit), crashedAt !== undefined && formatAgoInRow(crashedAt, now));
    case 'failed':
      return join('failed to start', s.exit && formatExit(s.exit), crashedAt !== undefined && formatAgoInRow(crashedAt, now));
  }
}

function join(...parts: (string | false | undefined)[]): string {
  return parts.filter(Boolean).join(' · ');
}

/**
 * What a tool's annotations tell a user, in words: read-only, destructive, open world. Only what
 * the server said: a tool without annotations gets none (the spec's defaults would call every
 * such tool destructive, which says nothing).
 */
export function toolHints(tool: Pick<ToolInfo, 'annotations'>): string[] {
  const a = tool.annotations;
  if (!a) return [];
  const hints: string[] = [];
  if (a.readOnlyHint === true) hints.push('read-only');
  else if (a.destructiveHint === true) hints.push('destructive');
  if (a.openWorldHint === true) hints.push('open world');
  return hints;
}

/** Whether Invoke Tool asks before running it: the server marked it destructive (and not read-only). */
export function isDestructive(tool: Pick<ToolInfo, 'annotations'>): boolean {
  return toolHints(tool).includes('destructive');
}
