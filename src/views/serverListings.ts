// Everything the tree lists under an app, one TreeListings cache per kind (tools, resources, resource
// templates, prompts), and which pool events make which of them stale: a new process all of them,
// a list_changed notification its own kind. A change of what the server declares (known at its
// first start) changes which groups the app shows. Vscode-free; unit-tested with a fake pool.
import type { AppSnapshot, FeatureOptions, PoolEvent, PromptInfo, ResourceInfo, ResourceTemplateInfo, ToolInfo } from '../pool';
import { TreeListings } from './treeListings';
import { ToolCache } from './toolCache';

/** What the listings need of the pool. */
export interface ListingPool {
  listTools(app: string, opts?: { observe?: boolean }): Promise<ToolInfo[]>;
  listResources(app: string, opts?: FeatureOptions): Promise<ResourceInfo[]>;
  listResourceTemplates(app: string, opts?: FeatureOptions): Promise<ResourceTemplateInfo[]>;
  listPrompts(app: string, opts?: FeatureOptions): Promise<PromptInfo[]>;
  snapshot(app: string): AppSnapshot | undefined;
}

export class ServerListings {
  readonly tools: TreeListings<ToolInfo>;
  readonly resources: TreeListings<ResourceInfo>;
  readonly templates: TreeListings<ResourceTemplateInfo>;
  readonly prompts: TreeListings<PromptInfo>;
  /** What each app's server declared when last seen, to notice a change. */
  private readonly declared = new Map<string, string>();

  constructor(pool: ListingPool, describeError?: (e: unknown) => string) {
    const snapshot = (app: string) => pool.snapshot(app);
    const observe: FeatureOptions = { observe: true };
    this.tools = new ToolCache(pool, describeError).listings;
    this.resources = new TreeListings({ list: (app) => pool.listResources(app, observe), snapshot }, describeError);
    this.templates = new TreeListings({ list: (app) => pool.listResourceTemplates(app, observe), snapshot }, describeError);
    this.prompts = new TreeListings({ list: (app) => pool.listPrompts(app, observe), snapshot }, describeError);
  }

  private get all(): TreeListings<unknown>[] {
    return [this.tools, this.resources, this.templates, this.prompts];
  }

  /**
   * Takes note of a pool event: marks the listings it makes stale. True when the app's children
   * should be shown afresh (something they list, or the groups themselves, may have changed).
   */
  noteEvent(e: PoolEvent): boolean {
    switch (e.type) {
      case 'started':
        this.markStale(e.app);
        return true;
      case 'toolsChanged':
        this.tools.markStale(e.app);
        return true;
      case 'resourcesChanged':
        this.resources.markStale(e.app);
        this.templates.markStale(e.app);
        return true;
      case 'promptsChanged':
        this.prompts.markStale(e.app);
        return true;
      case 'state': {
        const caps = e.snapshot.capabilities;
        if (!caps) return false; // unknown until the first start; afterwards the last start's
        const key = JSON.stringify(caps);
        if (this.declared.get(e.app) === key) return false;
        this.declared.set(e.app, key);
        return true;
      }
      default:
        return false;
    }
  }

  /** The next listing of a running app re-fetches (every app without an argument). */
  markStale(app?: string): void {
    for (const c of this.all) c.markStale(app);
  }

  retryErrors(): void {
    for (const c of this.all) c.retryErrors();
  }

  /** Forgets apps not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const c of this.all) c.retain(keep);
    for (const app of [...this.declared.keys()]) if (!keep.has(app)) this.declared.delete(app);
  }
}
