// What `mcp-pool` prints: results, listings and the pool's status as text people read. Pure
// functions of the gateway's JSON (contract/protocol.ts), so every shape is unit-tested. Times and
// sizes are said as the sidebar says them (common/format.ts).
import { isRunning } from '../common/appStatus';
import { formatAgo, formatBytes, formatDuration } from '../common/format';
import { asString, isObject } from '../common/json';
import type { PoolStatus } from '../contract/protocol';

type Json = Readonly<Record<string, unknown>>;

/**
 * What a terminal would act on rather than show: C0 controls but \n and \t (ESC starts the CSI/OSC
 * sequences that move the cursor, set the window title or write the clipboard with OSC 52; \r and
 * \b overwrite what was shown), DEL, C1 controls (U+0080–U+009F, CSI and OSC among them) and the
 * bidirectional overrides and isolates that reorder a line (U+061C, U+200E–U+200F, U+202A–U+202E,
 * U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from servers made safe to print on a terminal: every control character shown as an escape (`\x1b`, `\u202e`); CRLF becomes \n. */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON for `--json`: JSON.stringify's text with DEL, C1 and the bidi controls also written as \u
 * escapes (it escapes only C0 itself): the same value, and nothing a terminal acts on.
 */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Decoded size of base64 text, without decoding it. */
export function base64Bytes(b64: string): number {
  const clean = b64.replace(/\s/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - pad);
}

/** One item of a resource's contents (a read, or an embedded resource). */
function resourceContents(r: Json): string {
  const text = asString(r.text);
  if (text !== undefined) return text;
  const blob = asString(r.blob);
  return `[blob ${asString(r.uri) ?? ''}${asString(r.mimeType) ? ` ${asString(r.mimeType)}` : ''}, ${formatBytes(blob ? base64Bytes(blob) : 0)}]`;
}

/** One content item of a tool result or a prompt message. */
export function formatContent(item: unknown): string {
  if (!isObject(item)) return JSON.stringify(item);
  switch (item.type) {
    case 'text':
      return asString(item.text) ?? JSON.stringify(item.text ?? '');
    case 'image':
    case 'audio': {
      const data = asString(item.data) ?? '';
      return `[${String(item.type)} ${asString(item.mimeType) ?? 'unknown type'}, ${formatBytes(base64Bytes(data))}]`;
    }
    case 'resource_link': {
      const extra = [asString(item.name), asString(item.mimeType)].filter(Boolean).join(', ');
      return `[link ${String(item.uri)}${extra ? ` (${extra})` : ''}]`;
    }
    case 'resource':
      return isObject(item.resource) ? resourceContents(item.resource) : JSON.stringify(item);
    default:
      return JSON.stringify(item);
  }
}

/** A tool result as text: its content items in order; structured content as JSON when no item is text. */
export function formatToolResult(result: unknown): string {
  if (!isObject(result)) return JSON.stringify(result, null, 2);
  const content = Array.isArray(result.content) ? result.content : [];
  const lines = content.map(formatContent);
  const hasText = content.some((c) => isObject(c) && c.type === 'text');
  if (!hasText && result.structuredContent !== undefined) lines.push(JSON.stringify(result.structuredContent, null, 2));
  if (!lines.length && result.toolResult !== undefined) lines.push(JSON.stringify(result.toolResult, null, 2));
  return lines.join('\n');
}

/** The contents of a resource read. */
export function formatReadResult(result: unknown): string {
  const contents = isObject(result) && Array.isArray(result.contents) ? result.contents : [];
  return contents.map((c) => (isObject(c) ? resourceContents(c) : JSON.stringify(c))).join('\n');
}

/** A prompt's messages: `role: text`, one block per message. */
export function formatPromptResult(result: unknown): string {
  if (!isObject(result)) return JSON.stringify(result, null, 2);
  const out: string[] = [];
  if (asString(result.description)) out.push(`# ${String(result.description)}`, '');
  const messages = Array.isArray(result.messages) ? result.messages : [];
  for (const m of messages) {
    if (!isObject(m)) continue;
    out.push(`${String(m.role)}: ${formatContent(m.content)}`);
  }
  return out.join('\n');
}

function firstLine(text: unknown): string {
  return typeof text === 'string' ? (text.split('\n').find((l) => l.trim()) ?? '').trim() : '';
}

/** Aligned rows: the first column padded to the widest. */
function table(rows: readonly (readonly string[])[]): string {
  if (!rows.length) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `name(required, optional?)`, from a tool's inputSchema. */
export function signature(name: string, inputSchema: unknown): string {
  const props = isObject(inputSchema) && isObject(inputSchema.properties) ? Object.keys(inputSchema.properties) : [];
  const required = new Set(isObject(inputSchema) && Array.isArray(inputSchema.required) ? inputSchema.required.map(String) : []);
  return `${name}(${props.map((p) => (required.has(p) ? p : `${p}?`)).join(', ')})`;
}

export function formatTools(body: unknown): string {
  const tools = isObject(body) && Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  if (!tools.length) return '(no tools)';
  const sorted = [...tools].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return table(sorted.map((t) => [signature(String(t.name), t.inputSchema), firstLine(t.description ?? t.title)]));
}

export function formatResources(body: unknown): string {
  const b = isObject(body) ? body : {};
  const resources = Array.isArray(b.resources) ? b.resources.filter(isObject) : [];
  const templates = Array.isArray(b.resourceTemplates) ? b.resourceTemplates.filter(isObject) : [];
  if (!resources.length && !templates.length) return '(no resources)';
  const rows = [
    ...resources.map((r) => [String(r.uri), [asString(r.name), asString(r.mimeType)].filter(Boolean).join(' · ')]),
    ...templates.map((t) => [String(t.uriTemplate), ['template', asString(t.name), asString(t.mimeType)].filter(Boolean).join(' · ')]),
  ];
  return table(rows);
}

export function formatPrompts(body: unknown): string {
  const prompts = isObject(body) && Array.isArray(body.prompts) ? body.prompts.filter(isObject) : [];
  if (!prompts.length) return '(no prompts)';
  return table(
    prompts.map((p) => {
      const args = Array.isArray(p.arguments) ? p.arguments.filter(isObject) : [];
      return [`${String(p.name)}(${args.map((a) => (a.required ? String(a.name) : `${String(a.name)}?`)).join(', ')})`, firstLine(p.description ?? p.title)];
    }),
  );
}

export function formatStatus(status: PoolStatus, now = Date.now()): string {
  const out = [`${status.window.name} (window started ${formatAgo(status.window.startedAt, now)})`];
  if (!status.apps.length && !status.blocked.length) {
    out.push('no apps configured (add some in the editor: MCP Pool: Add App…)');
    return out.join('\n');
  }
  const rows: string[][] = [['APP', 'STATE', 'PID', 'UPTIME', 'LAST USED', 'CALLS', 'PROTOCOL', 'CLIENTS']];
  for (const a of status.apps) {
    const clients = a.clients.map((c) => c.name);
    const counted = [...new Set(clients)].map((n) => (clients.filter((c) => c === n).length > 1 ? `${n} ×${clients.filter((c) => c === n).length}` : n));
    rows.push([
      a.name,
      a.status,
      a.pid ? String(a.pid) : isRunning(a.status) && a.transport === 'direct' ? 'in editor' : '-',
      a.createdAt && (a.pid || isRunning(a.status)) ? formatDuration(now - a.createdAt) : '-',
      a.lastUsedAt ? formatAgo(a.lastUsedAt, now) : '-',
      a.errors ? `${a.calls} (${a.errors} errors)` : String(a.calls),
      a.protocolVersion ?? '-',
      counted.join(', ') || '-',
    ]);
  }
  out.push(table(rows));
  for (const a of status.apps) if (a.description) out.push(`${a.name} — ${firstLine(a.description)}`);
  for (const a of status.apps)
    if (a.lastError && (a.status === 'crashed' || a.status === 'failed' || a.status === 'error')) out.push(`${a.name}: ${a.lastError}`);
  for (const b of status.blocked) out.push(`${b.name}: blocked — ${b.reason}`);
  return out.join('\n');
}

/** One progress notification as a line: `step 1/3 (1/3)`. */
export function formatProgress(p: unknown): string {
  if (!isObject(p)) return String(p);
  const n = typeof p.progress === 'number' ? p.progress : undefined;
  const total = typeof p.total === 'number' ? p.total : undefined;
  const count = n === undefined ? '' : total === undefined ? String(n) : `${n}/${total}`;
  const message = asString(p.message);
  return message ? (count ? `${message} (${count})` : message) : `progress ${count}`;
}
