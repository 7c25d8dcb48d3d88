// The hover of an app's row, as Markdown text. Pure and vscode-free; the tree wraps it in a
// MarkdownString when the hover is resolved (that is also when the process memory is read).
// VS Code keeps a resolved hover until the row is refreshed, and rows are refreshed only when
// the app changes (so hovers can open at all), so the hover says nothing that ages by itself:
// clock times instead of "3 min ago", and the moment it was read.
import { formatBytes } from '../common/format';
import { Settings, settingId } from '../manifest/settings';
import type { GatewayClient } from '../gateway/gateway';
import type { AppSnapshot } from '../pool';
import { formatClock, formatExit, isBackingOff, pendingAuthUrl, plural, stateWord, truncate } from './format';

const STDERR_LINES = 5;
const MAX_ERROR_CHARS = 600;

/** Escapes Markdown syntax in text that comes from settings, servers or processes. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

/** A fenced code block that the lines themselves cannot close. */
export function codeBlock(lines: readonly string[]): string {
  const body = lines.join('\n');
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${body}\n${fence}`;
}

export interface TooltipExtras {
  /** Resident memory of the process tree in bytes, if known. */
  readonly rss?: number;
  /** When the view saw the app crash. */
  readonly crashedAt?: number;
  /** Who uses the app through the gateway (terminals' mcp-pool, other MCP clients, VS Code's own MCP). */
  readonly clients?: readonly GatewayClient[];
  /** Other MCP hosts' configurations that run the app through the pool (`Claude Code (~/.claude.json)`). */
  readonly configuredIn?: readonly string[];
}

/** `2 clients: Claude Code 1.0, Visual Studio Code` (same names once, with a count). */
export function clientsText(clients: readonly GatewayClient[]): string {
  const counts = new Map<string, number>();
  for (const c of clients) {
    const name = c.version ? `${c.name} ${c.version}` : c.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
  return `${plural(clients.length, 'client')}: ${names.join(', ')}`;
}

export function appTooltipMarkdown(s: AppSnapshot, now: number, extras: TooltipExtras = {}): string {
  const lines: string[] = [];
  const field = (name: string, value: string) => lines.push(`**${name}:** ${value}`);

  const how = s.kind === 'stdio' ? 'stdio' : s.transport === 'direct' ? 'remote (direct HTTP)' : 'remote (mcp-remote)';
  lines.push(`**${escapeMarkdown(s.name)}** — ${how} · ${escapeMarkdown(stateWord(s, now))}`);
  if (s.description) lines.push(escapeMarkdown(truncate(s.description, MAX_ERROR_CHARS)));
  field(s.kind === 'remote' ? 'URL' : 'Command', `\`${s.target.replace(/`/g, "'")}\``);
  if (s.transportChoice) field('Transport', `${escapeMarkdown(s.transportChoice)} (setting remoteTransport: auto)`);
  if (s.pid !== undefined) field('PID', `${s.pid}${extras.rss !== undefined ? ` · memory ${formatBytes(extras.rss)}` : ''}`);
  else if (s.transport === 'direct' && s.createdAt !== undefined && s.status !== 'stopped' && s.status !== 'crashed' && s.status !== 'failed')
    field('Process', 'none: the session runs in the editor');
  if (s.createdAt !== undefined) field('Started', formatClock(s.createdAt));
  if (s.lastUsedAt !== undefined) field('Last used', formatClock(s.lastUsedAt));
  field('Calls', `${s.calls} · errors ${s.errors} · in flight ${s.inFlight} · starts ${s.starts}`);
  if (s.serverName || s.toolCount !== undefined) {
    const server = s.serverName ? escapeMarkdown(`${s.serverName}${s.serverVersion ? ` ${s.serverVersion}` : ''}`) : 'unknown server';
    field('Server', `${server}${s.toolCount !== undefined ? ` · ${plural(s.toolCount, 'tool')}` : ''}`);
  }
  const protocol = protocolText(s);
  if (protocol) field('Protocol', escapeMarkdown(protocol));
  const offers = offersText(s);
  if (offers) field('Offers', offers);
  if (extras.clients?.length) field('Gateway', escapeMarkdown(clientsText(extras.clients)));
  if (extras.configuredIn?.length) field('Configured in', escapeMarkdown(extras.configuredIn.join(', ')));
  if (s.exit && (s.status === 'crashed' || s.status === 'failed')) {
    const when = extras.crashedAt !== undefined ? ` at ${formatClock(extras.crashedAt)}` : '';
    if (s.exit.reason) field('Disconnected', `${escapeMarkdown(truncate(s.exit.reason, MAX_ERROR_CHARS))}${when}`);
    else field('Exit', `${formatExit(s.exit)}${when}`);
  }
  if (isBackingOff(s, now)) {
    field(
      'Crash-loop guard',
      `next start held back until ${formatClock(s.backoffUntil!)} after ${plural(s.consecutiveFailures, 'failure')} in a row; Start tries now`,
    );
  }
  // No link to the URL here: hover links are re-encoded on the way to the browser, which can
  // break OAuth query strings; the row's "Open Authorization Page" opens it unchanged.
  if (pendingAuthUrl(s)) field('Needs authorization', 'finish signing in with **Open Authorization Page** (the link button on this row)');
  if (s.lastError) field('Last error', escapeMarkdown(truncate(s.lastError, MAX_ERROR_CHARS)));

  let text = lines.join('  \n');
  const tail = s.stderrTail.slice(-STDERR_LINES);
  if (tail.length) text += `\n\n**stderr** (last ${plural(tail.length, 'line')}):\n\n${codeBlock(tail)}`;
  return `${text}\n\n_As of ${formatClock(now)}._`;
}

/**
 * The MCP revision the running connection speaks: `MCP 2026-07-28 (modern era)`, `MCP 2025-11-25
 * (2025 era)`; through mcp-remote to a modern remote, `…, bridged by mcp-remote`. Undefined while
 * nothing is connected.
 */
export function protocolText(s: AppSnapshot): string | undefined {
  if (!s.protocolVersion) return undefined;
  const era = s.protocolEra === 'modern' ? ' (modern era)' : s.protocolEra === 'legacy' ? ' (2025 era)' : '';
  const bridged = s.transport === 'mcp-remote' && s.protocolEra === 'modern' ? ', bridged by mcp-remote' : '';
  return `MCP ${s.protocolVersion}${era}${bridged}`;
}

/**
 * What the server declared at its last start, with the counts listed so far: `3 tools · 8
 * resources + 4 templates · 2 prompts · completions · logging`; undefined before the first start.
 */
export function offersText(s: AppSnapshot): string | undefined {
  const caps = s.capabilities;
  if (!caps) return undefined;
  const counted = (n: number | undefined, word: string, many?: string) => (n === undefined ? (many ?? `${word}s`) : plural(n, word, many));
  const parts: string[] = [];
  if (caps.tools) parts.push(counted(s.toolCount, 'tool'));
  if (caps.resources) {
    const templates = s.resourceTemplateCount ? ` + ${plural(s.resourceTemplateCount, 'template')}` : '';
    parts.push(`${counted(s.resourceCount, 'resource')}${templates}${caps.subscribe ? ' (subscribable)' : ''}`);
  }
  if (caps.prompts) parts.push(counted(s.promptCount, 'prompt'));
  if (caps.completions) parts.push('completions');
  if (caps.logging) parts.push('logging');
  return parts.length ? parts.join(' · ') : 'nothing (no tools, resources or prompts)';
}

/** The hover of a row for an app the pool does not run, with why. */
export function notRunTooltipMarkdown(name: string, reason: 'blocked' | 'invalid', problems: readonly string[] = []): string {
  if (reason === 'blocked') {
    return `**${escapeMarkdown(name)}** — not started\n\nThis app is defined in the workspace settings, and this workspace is not trusted. Apps from workspace settings do not run until you trust the workspace (apps in your user settings still run).`;
  }
  const list = problems.map((p) => `- ${escapeMarkdown(p)}`).join('\n');
  return `**${escapeMarkdown(name)}** — invalid definition, not started\n\n${list}\n\nFix it in the \`${settingId(Settings.apps.key)}\` setting.`;
}
