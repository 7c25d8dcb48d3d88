// Tool lists shown under expanded apps: the tree's listings of tools (treeListings.ts has the rules:
// listed once, re-fetched only while the app runs, failures kept until a manual refresh, the last
// known tools kept when a re-read fails). Vscode-free; unit-tested with a fake source.
import type { AppSnapshot, ToolInfo } from '../pool';
import { type Listing, TreeListings } from './treeListings';

export interface ToolSource {
  /** `observe`: re-reading the list of a running app is no use of it (an invocation may still stop what it started). */
  listTools(app: string, opts?: { observe?: boolean }): Promise<ToolInfo[]>;
  snapshot(app: string): AppSnapshot | undefined;
}

export type ToolListing = { readonly tools: readonly ToolInfo[]; readonly error?: undefined } | { readonly error: string; readonly tools?: undefined };

function toToolListing(listing: Listing<ToolInfo>): ToolListing {
  return listing.error !== undefined ? { error: listing.error } : { tools: listing.items };
}

export class ToolCache {
  private readonly cache: TreeListings<ToolInfo>;

  constructor(source: ToolSource, describeError?: (e: unknown) => string) {
    this.cache = new TreeListings<ToolInfo>(
      { list: (app) => source.listTools(app, { observe: true }), snapshot: (app) => source.snapshot(app) },
      describeError,
    );
  }

  /** The tools to show for `app` (see TreeListings.get). */
  async get(app: string): Promise<ToolListing> {
    return toToolListing(await this.cache.get(app));
  }

  /** What is known without asking the server. */
  peek(app: string): ToolListing | undefined {
    const listing = this.cache.peek(app);
    return listing && toToolListing(listing);
  }

  markStale(app?: string): void {
    this.cache.markStale(app);
  }

  retryErrors(): void {
    this.cache.retryErrors();
  }

  retain(keep: ReadonlySet<string>): void {
    this.cache.retain(keep);
  }

  /** The generic cache underneath (for the tree, which handles every kind of listing alike). */
  get listings(): TreeListings<ToolInfo> {
    return this.cache;
  }
}
