// An MCP resource as a read-only document: `mcp-pool-resource:/<app>/<resource uri>`. Text
// contents open in an editor (language from the MIME type or the name); binary ones (images, PDFs…)
// are saved and opened the way VS Code shows such files. While a document is open and its server
// supports it, the resource is subscribed to and the document refreshes on `resources/updated`.
import * as vscode from 'vscode';
import type { MediaStore } from '../invoke/mediaStore';

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

export function resourceDocumentUri(app: string, uri: string): vscode.Uri {
  // The resource's own URI, encoded, ends the path: its file name (and extension) shows in the tab.
  return vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/${encodeURIComponent(app)}/${encodeURIComponent(uri)}` });
}

export function parseResourceDocumentUri(doc: vscode.Uri): { app: string; uri: string } | undefined {
  const m = /^\/([^/]+)\/([^/]+)$/.exec(doc.path);
  if (doc.scheme !== RESOURCE_SCHEME || !m) return undefined;
  try {
    return { app: decodeURIComponent(m[1]), uri: decodeURIComponent(m[2]) };
  } catch {
    return undefined;
  }
}

function isText(c: ResourceContent): boolean {
  return c.text !== undefined;
}

export class ResourceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscribed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  /** Language per open document, from the MIME type its server gave. */
  private readonly languages = new Map<string, string>();

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
    const { contents } = await this.source.readResource(target.app, target.uri);
    const texts = contents.filter(isText);
    const mime = texts[0]?.mimeType;
    if (mime && LANGUAGES[mime.split(';')[0]]) this.languages.set(doc.toString(), LANGUAGES[mime.split(';')[0]]);
    const binaries = contents.length - texts.length;
    const note = binaries ? `\n\n(${binaries} binary item${binaries === 1 ? '' : 's'} not shown: open the resource again from the MCP Pool view to save ${binaries === 1 ? 'it' : 'them'})` : '';
    return texts.map((c) => c.text).join('\n') + note;
  }

  /**
   * Opens `uri` of `app`: text in a read-only editor (subscribed while open), binary contents
   * saved under the extension's storage and opened with VS Code's own viewer.
   */
  async open(app: string, uri: string): Promise<void> {
    const { contents } = await this.source.readResource(app, uri);
    if (contents.length && !contents.some(isText)) {
      for (const c of contents) {
        const file = this.media.save(Buffer.from(c.blob ?? '', 'base64'), c.mimeType ?? 'application/octet-stream', [app, 'resource']);
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
      }
      return;
    }
    const docUri = resourceDocumentUri(app, uri);
    const doc = await vscode.workspace.openTextDocument(docUri);
    const language = this.languages.get(docUri.toString());
    const shown = language && doc.languageId !== language ? await vscode.languages.setTextDocumentLanguage(doc, language) : doc;
    await vscode.window.showTextDocument(shown, { preview: true });
    const key = docUri.toString();
    if (!this.subscribed.has(key) && (await this.source.subscribe(app, uri).catch(() => false))) this.subscribed.add(key);
  }

  private async closed(doc: vscode.Uri): Promise<void> {
    const key = doc.toString();
    this.languages.delete(key);
    if (!this.subscribed.delete(key)) return;
    const target = parseResourceDocumentUri(doc);
    if (target) await this.source.unsubscribe(target.app, target.uri).catch(() => undefined);
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
