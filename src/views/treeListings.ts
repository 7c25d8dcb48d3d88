// What the tree shows under expanded apps: an app's tools, resources, resource templates or
// prompts, one cache per kind (not the pool's per-session ListingCache: this one is the tree's,
// per app). The tree refreshes often (state changes, the ticking clock);
// listing on each refresh would restart an app that idle eviction just stopped. So a list is
// fetched once, when first shown, and afterwards only re-fetched while the app is running (cheap:
// no process is started). The fetch is an observer's (`observe`): it is never retried, and never
// counts as a use of a running app. Failures are kept too, so a crashing app is not retried by
// every refresh; a manual refresh retries them. A re-read that fails keeps the last known list.
// Vscode-free; unit-tested with a fake source.
import { type AppSnapshot, isRunning } from '../pool';

export interface ListingSource<T> {
  /** Lists the items as an observer (FeatureOptions.observe / listTools' observe). */
  list(app: string): Promise<readonly T[]>;
  snapshot(app: string): AppSnapshot | undefined;
}

export type Listing<T> = { readonly items: readonly T[]; readonly error?: undefined } | { readonly error: string; readonly items?: undefined };

interface Entry<T> {
  listing?: Listing<T>;
  pending?: Promise<Listing<T>>;
  /** The server may list something else now (new process, a list_changed notification). */
  stale: boolean;
  /** The app's target when listed: a changed definition drops the list. */
  target?: string;
}

export class TreeListings<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly source: ListingSource<T>,
    private readonly describeError: (e: unknown) => string = (e) => (e instanceof Error ? e.message : String(e)),
  ) {}

  /**
   * The items to show for `app`. Lists them (which may start the app) only when nothing is
   * known yet or the definition changed; a stale list is re-fetched only while the app runs.
   */
  get(app: string): Promise<Listing<T>> {
    const snap = this.source.snapshot(app);
    const entry = this.entries.get(app);
    if (entry?.pending) return entry.pending;
    if (entry?.listing && snap?.target === entry.target) {
      if (!entry.stale || !isRunning(snap?.status)) return Promise.resolve(entry.listing);
    }
    return this.fetch(app, snap?.target);
  }

  /** What is known without asking the server. */
  peek(app: string): Listing<T> | undefined {
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

  private fetch(app: string, target: string | undefined): Promise<Listing<T>> {
    const previous = this.entries.get(app);
    const entry: Entry<T> = { listing: previous?.target === target ? previous?.listing : undefined, stale: false, target };
    this.entries.set(app, entry);
    const pending: Promise<Listing<T>> = this.source.list(app).then(
      (items): Listing<T> => ({ items }),
      (e: unknown): Listing<T> => ({ error: this.describeError(e) }),
    );
    const settled = pending.then((listing): Listing<T> => {
      if (this.entries.get(app) !== entry) return listing;
      entry.pending = undefined;
      // A re-read that failed (the app died under it): the last known items stay, still stale,
      // so the next get() while the app runs lists them again.
      if (listing.error !== undefined && entry.listing?.items) {
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
