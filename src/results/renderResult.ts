// A tool call's outcome as lines people read in the app's output channel: a header (tool,
// duration, warm/cold, pid), every content item, structured content, the error flag.
// Huge texts are cut for the channel; the uncut rendering is returned alongside for an editor.
// vscode-free: images and audio are written by the injected `saveImage`.
import { formatBytes, formatDuration } from '../common/format';
import { asString, isObject } from '../common/json';
import type { CallOutcome, ContentItem } from '../pool';

/** More text than this (characters, about bytes) is not written to an output channel. */
export const MAX_CHANNEL_CHARS = 200 * 1024;
/** Text longer than this is not pretty-printed even if it is JSON (parsing it would stall the host). */
const MAX_PRETTY_CHARS = 20 * 1024 * 1024;

export interface RenderOptions {
  readonly tool: string;
  /** Writes image/audio data somewhere and returns where (a file path), for the line that names it. */
  readonly saveImage: (data: Buffer, mime: string) => string;
  /** Text budget for the channel; defaults to MAX_CHANNEL_CHARS. */
  readonly maxChars?: number;
}

export interface RenderedResult {
  /** The lines for the output channel (cut to the budget). */
  readonly lines: string[];
  /** True when text was cut; `fullText` then holds everything. */
  readonly truncated: boolean;
  /** How many characters were left out of `lines`. */
  readonly cutChars: number;
  /** The whole rendering, uncut; only set when `truncated`. */
  readonly fullText?: string;
  readonly isError: boolean;
}

/** A piece of the rendering: meta lines are always shown; text blocks share the budget. */
interface Block {
  readonly kind: 'meta' | 'text';
  readonly text: string;
}

/** `✔ search · 412 ms · warm · pid 1234` (✖ when the tool reported an error). */
export function outcomeHeader(tool: string, outcome: CallOutcome): string {
  const took = (ms: number) => formatDuration(ms, { precise: true });
  const parts = [
    `${outcome.result.isError ? '✖' : '✔'} ${tool}`,
    took(outcome.durationMs),
    outcome.coldStart ? (outcome.startMs !== undefined ? `cold start (started in ${took(outcome.startMs)})` : 'cold start') : 'warm',
  ];
  if (outcome.pid !== undefined) parts.push(`pid ${outcome.pid}`);
  return parts.join(' · ');
}

/** The text pretty-printed, if it is a JSON object or array; undefined otherwise. */
export function prettyJson(text: string): string | undefined {
  const t = text.trim();
  if (t.length > MAX_PRETTY_CHARS || !((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return undefined;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return undefined;
  }
}

function base64Size(b64: string): number {
  return Buffer.byteLength(b64, 'base64');
}

function mediaBlock(item: ContentItem, saveImage: RenderOptions['saveImage']): Block {
  const mime = asString(item.mimeType) ?? (item.type === 'audio' ? 'audio/octet-stream' : 'image/octet-stream');
  const data = asString(item.data);
  if (!data) return { kind: 'meta', text: `${item.type} (${mime}): no data` };
  const bytes = Buffer.from(data, 'base64');
  try {
    return { kind: 'meta', text: `${item.type} (${mime}, ${formatBytes(bytes.length)}): ${saveImage(bytes, mime)}` };
  } catch (e) {
    return { kind: 'meta', text: `${item.type} (${mime}, ${formatBytes(bytes.length)}): could not be saved: ${(e as Error).message}` };
  }
}

function itemBlocks(item: ContentItem, saveImage: RenderOptions['saveImage']): Block[] {
  switch (item.type) {
    case 'text': {
      const text = asString(item.text) ?? '';
      return [{ kind: 'text', text: prettyJson(text) ?? text }];
    }
    case 'image':
    case 'audio':
      return [mediaBlock(item, saveImage)];
    case 'resource_link': {
      const mime = asString(item.mimeType);
      const description = asString(item.description);
      const name = asString(item.title) ?? asString(item.name) ?? '(unnamed)';
      return [{ kind: 'meta', text: `link ${name}: ${asString(item.uri) ?? '(no uri)'}${mime ? ` (${mime})` : ''}${description ? ` — ${description}` : ''}` }];
    }
    case 'resource': {
      const r = isObject(item.resource) ? item.resource : {};
      const uri = typeof r.uri === 'string' ? r.uri : '(no uri)';
      const mime = typeof r.mimeType === 'string' ? ` (${r.mimeType})` : '';
      if (typeof r.text === 'string')
        return [
          { kind: 'meta', text: `resource ${uri}${mime}:` },
          { kind: 'text', text: prettyJson(r.text) ?? r.text },
        ];
      const size = typeof r.blob === 'string' ? base64Size(r.blob) : 0;
      return [{ kind: 'meta', text: `resource ${uri}${mime}: (binary, ${size} bytes)` }];
    }
    default: {
      const json = JSON.stringify(item);
      return [{ kind: 'meta', text: `(content of unsupported type "${item.type}": ${json.length > 300 ? `${json.slice(0, 300)}…` : json})` }];
    }
  }
}

/** The structured content block, or a note when a text item already showed the same JSON. */
function structuredBlocks(outcome: CallOutcome): Block[] {
  const structured = outcome.result.structuredContent;
  if (structured === undefined) return [];
  const pretty = JSON.stringify(structured, null, 2);
  const duplicate = outcome.result.content.some((c) => c.type === 'text' && typeof c.text === 'string' && prettyJson(c.text) === pretty);
  return duplicate
    ? [{ kind: 'meta', text: 'structured content: same as the text above' }]
    : [
        { kind: 'meta', text: 'structured content:' },
        { kind: 'text', text: pretty },
      ];
}

/** Cuts text blocks so that all of them together stay within `budget` characters. */
function fit(blocks: readonly Block[], budget: number): { lines: string[]; cut: number } {
  const lines: string[] = [];
  let left = budget;
  let cut = 0;
  for (const b of blocks) {
    if (b.kind === 'meta' || b.text.length <= left) {
      lines.push(...b.text.split('\n'));
      if (b.kind === 'text') left -= b.text.length;
      continue;
    }
    const shown = b.text.slice(0, left);
    if (shown) lines.push(...shown.split('\n'));
    const rest = b.text.length - shown.length;
    cut += rest;
    lines.push(`… ${rest.toLocaleString('en-US')} more characters not shown (${formatBytes(b.text.length)} in all)`);
    left = 0;
  }
  return { lines, cut };
}

/** The outcome of a call as lines for people. Saves images/audio through `opts.saveImage` (once). */
export function renderResult(outcome: CallOutcome, opts: RenderOptions): RenderedResult {
  const { result } = outcome;
  const blocks: Block[] = [{ kind: 'meta', text: outcomeHeader(opts.tool, outcome) }];
  if (result.isError) blocks.push({ kind: 'meta', text: '✖ tool reported an error' });
  for (const item of result.content) blocks.push(...itemBlocks(item, opts.saveImage));
  if (!result.content.length) blocks.push({ kind: 'meta', text: '(no content)' });
  blocks.push(...structuredBlocks(outcome));
  const { lines, cut } = fit(blocks, opts.maxChars ?? MAX_CHANNEL_CHARS);
  if (!cut) return { lines, truncated: false, cutChars: 0, isError: result.isError };
  lines.push(
    `✂ the result was cut to ${formatBytes(opts.maxChars ?? MAX_CHANNEL_CHARS)} for this channel (${cut.toLocaleString('en-US')} characters left out)`,
  );
  return { lines, truncated: true, cutChars: cut, fullText: blocks.map((b) => b.text).join('\n'), isError: result.isError };
}
