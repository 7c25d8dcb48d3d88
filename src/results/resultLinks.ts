// The resources that recent tool results and prompts pointed at, so one command can open any of
// them in one step: `resource_link` items (read from their app when opened, or a web page) and
// embedded `resource` items (opened from the contents they carry). Per app, the links of its last
// MAX_RESULTS results are kept (at most MAX_LINKS). Vscode-free; unit-tested.
import { Emitter } from '../common/emitter';
import { asString, isObject } from '../common/json';
import type { ContentItem, ResourceContents } from '../pool';

const MAX_RESULTS = 10;
const MAX_LINKS = 50;
/** Embedded contents larger than this are not kept in memory: such a link is read from its app instead. */
const MAX_KEPT_CHARS = 8 * 1024 * 1024;

/** What a content item points at. */
export interface LinkTarget {
  readonly uri: string;
  readonly name?: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  /** The contents of an embedded resource, when kept: opened as they are, nothing is read from the server. */
  readonly contents?: ResourceContents;
  /** Embedded (`resource`) rather than a `resource_link`. */
  readonly embedded: boolean;
}

export interface ResultLink extends LinkTarget {
  /** Unique for this session; newer links have larger ids. */
  readonly id: number;
  /** The result it came from (newer results have larger numbers). */
  readonly result: number;
  readonly app: string;
  /** What produced it: `tool search`, `prompt review`. */
  readonly source: string;
  readonly at: number;
}

/** The resource a content item links to or embeds, if it does. */
export function linkOf(item: ContentItem): LinkTarget | undefined {
  if (item.type === 'resource_link') {
    const uri = asString(item.uri);
    if (!uri) return undefined;
    return {
      uri,
      name: asString(item.name),
      title: asString(item.title),
      description: asString(item.description),
      mimeType: asString(item.mimeType),
      embedded: false,
    };
  }
  if (item.type === 'resource' && isObject(item.resource)) {
    const r = item.resource;
    const uri = asString(r.uri);
    if (!uri) return undefined;
    const mimeType = asString(r.mimeType);
    const text = asString(r.text);
    const blob = asString(r.blob);
    const body = text ?? blob;
    const contents: ResourceContents | undefined =
      body === undefined || body.length > MAX_KEPT_CHARS ? undefined : text !== undefined ? { uri, mimeType, text } : { uri, mimeType, blob: blob! };
    return { uri, mimeType, contents, embedded: true };
  }
  return undefined;
}

/** Every link in `items`, in order. */
export function linksIn(items: readonly ContentItem[]): LinkTarget[] {
  return items.map(linkOf).filter((l): l is LinkTarget => l !== undefined);
}

/** The line under a result that has links, saying how to open them. */
export function linksHint(count: number): string {
  return `↗ ${count === 1 ? 'a resource link' : `${count} resource links`} in this result: "MCP Pool: Open Resource from a Result…" opens ${count === 1 ? 'it' : 'them'}`;
}

/** `counter (fixture://counter)`: the name a person reads for a link. */
export function linkLabel(link: LinkTarget): string {
  const name = link.title || link.name;
  return name && name !== link.uri ? name : link.uri;
}

/** Whether a link is a web page (opened in the browser, after asking) rather than a resource of its app. */
export function isWebLink(link: LinkTarget): boolean {
  return !link.embedded && /^https?:\/\//i.test(link.uri);
}

export class ResultLinks {
  private readonly byApp = new Map<string, ResultLink[][]>();
  private nextId = 1;
  private nextResult = 1;
  private readonly changed = new Emitter<void>();
  /** Fires when links were added or forgotten. */
  readonly onDidChange = this.changed.event;

  /** Remembers the links in a result of `app`; returns them (none: nothing is remembered). */
  record(app: string, source: string, items: readonly ContentItem[], now = Date.now()): ResultLink[] {
    const found = linksIn(items);
    if (!found.length) return [];
    const result = this.nextResult++;
    const links = found.map((l) => ({ ...l, id: this.nextId++, result, app, source, at: now }));
    const results = this.byApp.get(app) ?? [];
    results.push(links);
    while (results.length > 1 && (results.length > MAX_RESULTS || results.reduce((n, r) => n + r.length, 0) > MAX_LINKS)) results.shift();
    if (results.length === 1 && results[0].length > MAX_LINKS) results[0] = results[0].slice(0, MAX_LINKS);
    this.byApp.set(app, results);
    this.changed.fire();
    return links;
  }

  /** Every remembered link, newest result first (in a result, in its order). */
  latest(): ResultLink[] {
    return [...this.byApp.values()].flat(2).sort((a, b) => b.result - a.result || a.id - b.id);
  }

  get size(): number {
    let n = 0;
    for (const results of this.byApp.values()) for (const r of results) n += r.length;
    return n;
  }

  /** Forgets the links of apps not in `keep` (removed from the settings). */
  retain(keep: ReadonlySet<string>): void {
    let dropped = false;
    for (const app of [...this.byApp.keys()]) {
      if (!keep.has(app)) dropped = this.byApp.delete(app) || dropped;
    }
    if (dropped) this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
