// A prompt's messages as people read them: lines for the app's output channel (a header, then each
// message under its role: text, images and audio saved to files, embedded resources, resource links)
// and the same as a Markdown document. Media are saved once, through the injected `saveMedia`, and
// both renderings name the same files. Huge texts are cut for the channel, never for the document.
// Vscode-free; unit-tested.
import { pathToFileURL } from 'node:url';
import { formatBytes, formatDuration } from '../common/format';
import { asString, isObject } from '../common/json';
import { MAX_CHANNEL_CHARS, prettyJson } from './renderResult';
import type { ContentItem, PromptResult } from '../pool';
import { linkLabel, linkOf } from './resultLinks';

export interface PromptRenderOptions {
  readonly app: string;
  readonly prompt: string;
  readonly args: Readonly<Record<string, string>>;
  readonly durationMs: number;
  /** Writes image/audio/blob data somewhere and returns where (a file path). */
  readonly saveMedia: (data: Buffer, mime: string) => string;
  /** Text budget for the channel; defaults to MAX_CHANNEL_CHARS. */
  readonly maxChars?: number;
}

export interface RenderedPrompt {
  /** For the output channel (texts cut to the budget). */
  readonly lines: string[];
  /** The whole prompt as a Markdown document. */
  readonly markdown: string;
  /** How many links (resource_link and embedded resources) the messages hold. */
  readonly linkCount: number;
}

/** One content item, both ways: channel lines (`text` ones share the budget) and Markdown. */
interface Part {
  readonly meta?: string;
  readonly text?: string;
  readonly markdown: string;
}

/** A fence the text cannot close. */
function fence(text: string, lang = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, '\\$&');
}

function fileLink(path: string): string {
  return `<${pathToFileURL(path).href}>`;
}

function saved(data: string, mime: string, save: PromptRenderOptions['saveMedia']): { size: number; path?: string; error?: string } {
  const bytes = Buffer.from(data, 'base64');
  try {
    return { size: bytes.length, path: save(bytes, mime) };
  } catch (e) {
    return { size: bytes.length, error: e instanceof Error ? e.message : String(e) };
  }
}

function partOf(item: ContentItem, save: PromptRenderOptions['saveMedia']): Part {
  switch (item.type) {
    case 'text': {
      const text = asString(item.text) ?? '';
      return { text: prettyJson(text) ?? text, markdown: text };
    }
    case 'image':
    case 'audio': {
      const mime = asString(item.mimeType) ?? `${item.type}/octet-stream`;
      const data = asString(item.data);
      if (!data) return { meta: `${item.type} (${mime}): no data`, markdown: `_${item.type} (${mdEscape(mime)}): no data_` };
      const s = saved(data, mime, save);
      if (!s.path)
        return {
          meta: `${item.type} (${mime}, ${formatBytes(s.size)}): could not be saved: ${s.error}`,
          markdown: `_${item.type} (${mdEscape(mime)}): could not be saved_`,
        };
      const md =
        item.type === 'image' ? `![${mdEscape(mime)}](${fileLink(s.path)})` : `[${item.type} (${mdEscape(mime)}, ${formatBytes(s.size)})](${fileLink(s.path)})`;
      return { meta: `${item.type} (${mime}, ${formatBytes(s.size)}): ${s.path}`, markdown: md };
    }
    case 'resource_link': {
      const link = linkOf(item);
      const uri = link?.uri ?? '(no uri)';
      const name = link ? linkLabel(link) : '(unnamed)';
      const mime = link?.mimeType ? ` (${link.mimeType})` : '';
      const description = link?.description ? ` — ${link.description}` : '';
      return {
        meta: `link ${name}: ${uri}${mime}${description}`,
        markdown: `**Link** [${mdEscape(name)}](<${uri}>)${mdEscape(mime)}${description && mdEscape(description)}`,
      };
    }
    case 'resource': {
      const r = isObject(item.resource) ? item.resource : {};
      const uri = asString(r.uri) ?? '(no uri)';
      const mime = asString(r.mimeType);
      const head = `resource ${uri}${mime ? ` (${mime})` : ''}`;
      const mdHead = `**Resource** \`${uri.replace(/`/g, "'")}\`${mime ? ` (${mdEscape(mime)})` : ''}`;
      const text = asString(r.text);
      if (text !== undefined) return { meta: `${head}:`, text: prettyJson(text) ?? text, markdown: `${mdHead}\n\n${fence(text)}` };
      const blob = asString(r.blob) ?? '';
      const s = saved(blob, mime ?? 'application/octet-stream', save);
      if (!s.path)
        return { meta: `${head}: binary, ${formatBytes(s.size)}, could not be saved: ${s.error}`, markdown: `${mdHead}: binary, could not be saved` };
      return { meta: `${head}: binary, ${formatBytes(s.size)}, saved: ${s.path}`, markdown: `${mdHead}: binary, saved as ${fileLink(s.path)}` };
    }
    default: {
      const json = JSON.stringify(item);
      const shown = json.length > 300 ? `${json.slice(0, 300)}…` : json;
      return { meta: `(content of unsupported type "${item.type}": ${shown})`, markdown: fence(shown, 'json') };
    }
  }
}

/** `✔ prompt review · 12 ms · 2 messages · {"language":"python"}` */
export function promptHeader(prompt: string, messages: number, durationMs: number, args: Readonly<Record<string, string>>): string {
  const parts = [`✔ prompt ${prompt}`, formatDuration(durationMs, { precise: true }), `${messages} message${messages === 1 ? '' : 's'}`];
  if (Object.keys(args).length) parts.push(JSON.stringify(args));
  return parts.join(' · ');
}

export function renderPrompt(result: PromptResult, o: PromptRenderOptions): RenderedPrompt {
  const lines = [promptHeader(o.prompt, result.messages.length, o.durationMs, o.args)];
  const md: string[] = [`# ${mdEscape(o.prompt)} — ${mdEscape(o.app)}`];
  if (result.description) {
    lines.push(result.description);
    md.push(`_${mdEscape(result.description)}_`);
  }
  const given = Object.entries(o.args);
  if (given.length) md.push(`Arguments: ${given.map(([k, v]) => `\`${k.replace(/`/g, "'")}\` = ${mdEscape(v)}`).join(', ')}`);
  if (!result.messages.length) lines.push('(no messages)');
  let left = o.maxChars ?? MAX_CHANNEL_CHARS;
  let cut = 0;
  let linkCount = 0;
  for (const message of result.messages) {
    const part = partOf(message.content, o.saveMedia);
    if (linkOf(message.content)) linkCount++;
    lines.push(`── ${message.role} ──`);
    md.push(`## ${message.role}`, part.markdown);
    if (part.meta !== undefined) lines.push(part.meta);
    if (part.text === undefined) continue;
    const shown = part.text.slice(0, left);
    left -= shown.length;
    if (shown) lines.push(...shown.split('\n'));
    if (shown.length < part.text.length) {
      const rest = part.text.length - shown.length;
      cut += rest;
      lines.push(`… ${rest.toLocaleString('en-US')} more characters not shown`);
    }
  }
  if (cut) lines.push(`✂ the messages were cut to ${formatBytes(o.maxChars ?? MAX_CHANNEL_CHARS)} for this channel: open them as Markdown for all of it`);
  return { lines, markdown: `${md.join('\n\n')}\n`, linkCount };
}
