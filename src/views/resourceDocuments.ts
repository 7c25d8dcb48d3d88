// An MCP resource as a read-only document: `mcp-pool-resource:/<app>/<name>?uri=<resource uri>`
// (the name, the last segment of the resource's URI, is what the tab shows and what VS Code picks a
// language by, unless the MIME type says better). Text contents open in an editor; binary ones
// (images, PDFs…) are saved and opened the way VS Code shows such files. While a document is open
// and its server supports it, the resource is subscribed to and the document refreshes on
// `resources/updated`. Embedded resources (in a tool result or a prompt) open from the contents
// they carry, with no round trip to the server (`&embedded=<n>`), and never refresh.
import * as vscode from 'vscode';
import type { MediaStore } from '../results/mediaStore';

export const RESOURCE_SCHEME = 'mcp-pool-resource';

/** One item of a resource's contents, as the server sent it. */
export interface ResourceContent {
  readonly uri: string;
  readonly mimeType?: string;
  readonly text?: string;
  readonly blob?: string;
}

/** What the documents need of the pool. */
export interface ResourceSource {
  readResource(app: string, uri: string): Promise<{ readonly contents: readonly ResourceContent[] }>;
  /** Resolves false when the server cannot subscribe (nothing to refresh then). */
  subscribe(app: string, uri: string): Promise<boolean>;
  unsubscribe(app: string, uri: string): Promise<void>;
  /** Fires (app, resource uri) when a subscribed resource changed. */
  onDidUpdate(listener: (app: string, uri: string) => void): vscode.Disposable;
}

/** What opening a resource did: a text document (its URI), or binary contents saved to files and opened. */
export type OpenedResource =
  { readonly kind: 'document'; readonly uri: string; readonly subscribed: boolean } | { readonly kind: 'files'; readonly files: readonly string[] };

const LANGUAGES: Record<string, string> = {
  'text/markdown': 'markdown',
  'application/json': 'json',
  'text/html': 'html',
  'text/css': 'css',
  'text/csv': 'csv',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/x-python': 'python',
  'application/javascript': 'javascript',
  'text/javascript': 'javascript',
  'application/typescript': 'typescript',
  'text/plain': 'plaintext',
};

/** The last segment of a resource URI's path (without query or fragment), for the tab; `resource` if it has none. */
export function resourceDisplayName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '').replace(/^[a-z][a-z0-9+.-]*:\/*/i, '');
  const last = path.split('/').filter(Boolean).pop() ?? '';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // keep it as written
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120) || 'resource';
}

export function resourceDocumentUri(app: string, uri: string, embedded?: number): vscode.Uri {
  const query = new URLSearchParams({ uri, ...(embedded !== undefined ? { embedded: String(embedded) } : {}) }).toString();
  return vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/${encodeURIComponent(app)}/${resourceDisplayName(uri)}`, query });
}

export function parseResourceDocumentUri(doc: vscode.Uri): { app: string; uri: string; embedded: boolean } | undefined {
  const m = /^\/([^/]+)\//.exec(doc.path);
  if (doc.scheme !== RESOURCE_SCHEME || !m) return undefined;
  const params = new URLSearchParams(doc.query);
  const uri = params.get('uri');
  if (uri === null) return undefined;
  try {
    return { app: decodeURIComponent(m[1]), uri, embedded: params.has('embedded') };
  } catch {
    return undefined;
  }
}

function isText(c: ResourceContent): boolean {
  return c.text !== undefined;
}

function languageOf(contents: readonly ResourceContent[]): string | undefined {
  const mime = contents.find(isText)?.mimeType?.split(';')[0].trim().toLowerCase();
  return mime ? LANGUAGES[mime] : undefined;
}

export class ResourceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscribed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  /** Contents to serve without asking the server: embedded ones while open, a read just made until served. */
  private readonly held = new Map<string, { contents: readonly ResourceContent[]; files: readonly string[]; keep: boolean }>();
  private embeddedCount = 0;

  constructor(
    private readonly source: ResourceSource,
    private readonly media: MediaStore,
  ) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(RESOURCE_SCHEME, this),
      source.onDidUpdate((app, uri) => {
        const doc = resourceDocumentUri(app, uri);
        if (this.subscribed.has(doc.toString())) this.changed.fire(doc);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => void this.closed(d.uri)),
    );
  }

  async provideTextDocumentContent(doc: vscode.Uri): Promise<string> {
    const target = parseResourceDocumentUri(doc);
    if (!target) return '';
    const key = doc.toString();
    const held = this.held.get(key);
    if (held && !held.keep) this.held.delete(key);
    if (!held && target.embedded) return '(this embedded resource is no longer available: open it again from its result)';
    const contents = held?.contents ?? (await this.source.readResource(target.app, target.uri)).contents;
    const texts = contents.filter(isText);
    const binaries = contents.length - texts.length;
    let note = '';
    if (binaries && held?.files.length) note = `\n\n(${binaries === 1 ? 'a binary item' : `${binaries} binary items`} saved: ${held.files.join(', ')})`;
    else if (binaries)
      note = `\n\n(${binaries === 1 ? 'a binary item' : `${binaries} binary items`} not shown: open the resource again to save ${binaries === 1 ? 'it' : 'them'})`;
    return texts.map((c) => c.text).join('\n') + note;
  }

  /**
   * Reads `uri` of `app` and opens it: text in a read-only editor (subscribed while open, when the
   * server can), binary contents saved under the extension's storage and opened with VS Code's own viewer.
   */
  async open(app: string, uri: string): Promise<OpenedResource> {
    const { contents } = await this.source.readResource(app, uri);
    return this.show(app, uri, contents, false);
  }

  /** Opens contents the caller already has (an embedded resource): nothing is read, nothing subscribed. */
  openContents(app: string, uri: string, contents: readonly ResourceContent[]): Promise<OpenedResource> {
    return this.show(app, uri, contents, true);
  }

  private async show(app: string, uri: string, contents: readonly ResourceContent[], embedded: boolean): Promise<OpenedResource> {
    const binaries = contents.filter((c) => !isText(c));
    const files = binaries.map((c) =>
      this.media.save(Buffer.from(c.blob ?? '', 'base64'), c.mimeType ?? 'application/octet-stream', [app, resourceDisplayName(c.uri || uri)]),
    );
    if (contents.length && binaries.length === contents.length) {
      for (const file of files) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
      return { kind: 'files', files };
    }
    const docUri = resourceDocumentUri(app, uri, embedded ? ++this.embeddedCount : undefined);
    const key = docUri.toString();
    this.held.set(key, { contents, files, keep: embedded });
    // Already open: its contents are replaced by what was just read.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) this.changed.fire(docUri);
    const doc = await vscode.workspace.openTextDocument(docUri);
    const language = languageOf(contents);
    const shown = language && doc.languageId !== language ? await vscode.languages.setTextDocumentLanguage(doc, language) : doc;
    await vscode.window.showTextDocument(shown, { preview: true });
    if (!embedded && !this.subscribed.has(key) && (await this.source.subscribe(app, uri).catch(() => false))) this.subscribed.add(key);
    return { kind: 'document', uri: key, subscribed: this.subscribed.has(key) };
  }

  private async closed(doc: vscode.Uri): Promise<void> {
    const key = doc.toString();
    this.held.delete(key);
    if (!this.subscribed.delete(key)) return;
    const target = parseResourceDocumentUri(doc);
    if (target) await this.source.unsubscribe(target.app, target.uri).catch(() => undefined);
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
