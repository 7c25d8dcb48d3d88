// Tool lists shown under expanded apps. The tree refreshes often (state changes, the ticking
// clock); listing tools on each refresh would restart an app that idle eviction just stopped.
// So a list is fetched once, when an app is first expanded, and afterwards only re-fetched
// while the app is running (cheap: no process is started). Failures are kept too, so a
// crashing app is not retried by every refresh; a manual refresh retries them.
// Vscode-free; unit-tested with a fake source.
import type { AppSnapshot, ToolInfo } from '../pool';

export interface ToolSource {
  /** `observe`: re-reading the list of a running app is no use of it (an invocation may still stop what it started). */
  listTools(app: string, opts?: { observe?: boolean }): Promise<ToolInfo[]>;
  snapshot(app: string): AppSnapshot | undefined;
}

export type ToolListing = { readonly tools: readonly ToolInfo[]; readonly error?: undefined } | { readonly error: string; readonly tools?: undefined };

interface Entry {
  listing?: ToolListing;
  pending?: Promise<ToolListing>;
  /** The server may list different tools now (new process, tools/list_changed). */
  stale: boolean;
  /** The app's target when listed: a changed definition drops the list. */
  target?: string;
}

export class ToolCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly source: ToolSource,
    private readonly describeError: (e: unknown) => string = (e) => (e instanceof Error ? e.message : String(e)),
  ) {}

  /**
   * The tools to show for `app`. Lists them (which may start the app) only when nothing is
   * known yet or the definition changed; a stale list is re-fetched only while the app runs.
   */
  get(app: string): Promise<ToolListing> {
    const snap = this.source.snapshot(app);
    const entry = this.entries.get(app);
    if (entry?.pending) return entry.pending;
    if (entry?.listing && snap?.target === entry.target) {
      const running = snap?.status === 'idle' || snap?.status === 'busy';
      if (!entry.stale || !running) return Promise.resolve(entry.listing);
    }
    return this.fetch(app, snap?.target);
  }

  /** What is known without asking the server. */
  peek(app: string): ToolListing | undefined {
    return this.entries.get(app)?.listing;
  }

  /** The next get() re-fetches if the app is running (all apps without an argument). */
  markStale(app?: string): void {
    for (const [name, entry] of this.entries) if (app === undefined || name === app) entry.stale = true;
  }

  /** Forgets failed listings, so the next get() tries again. */
  retryErrors(): void {
    for (const [name, entry] of this.entries) if (entry.listing?.error !== undefined && !entry.pending) this.entries.delete(name);
  }

  /** Drops what is known about apps not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const name of [...this.entries.keys()]) if (!keep.has(name)) this.entries.delete(name);
  }

  private fetch(app: string, target: string | undefined): Promise<ToolListing> {
    const previous = this.entries.get(app);
    const entry: Entry = { listing: previous?.target === target ? previous?.listing : undefined, stale: false, target };
    this.entries.set(app, entry);
    const pending: Promise<ToolListing> = this.source.listTools(app, { observe: true }).then(
      (tools): ToolListing => ({ tools }),
      (e: unknown): ToolListing => ({ error: this.describeError(e) }),
    );
    const settled = pending.then((listing): ToolListing => {
      if (this.entries.get(app) !== entry) return listing;
      entry.pending = undefined;
      // A re-read that failed (the app died under it): the last known tools stay, still stale,
      // so the next get() while the app runs lists them again.
      if (listing.error !== undefined && entry.listing?.tools) {
        entry.stale = true;
        return entry.listing;
      }
      entry.listing = listing;
      return listing;
    });
    entry.pending = settled;
    return settled;
  }
}
