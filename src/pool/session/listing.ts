// Listings of a session: every page of a paginated list, and one listing per session kept until
// the server says the list changed.

/** More pages than this, or a cursor seen before, is a server that never ends its list. */
export const MAX_PAGES = 1000;

/** Every page of a paginated list, in order. */
export async function allPages<P extends { nextCursor?: string }, T>(
  fetch: (cursor: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[],
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await fetch(cursor);
    out.push(...items(page));
    cursor = page.nextCursor;
    if (!cursor) return out; // absent (an empty one too: nothing could follow it)
    if (seen.has(cursor) || pages >= MAX_PAGES)
      throw new Error(`the server's list did not end (${pages} pages, ${out.length} items; the cursor ${seen.has(cursor) ? 'repeats' : 'goes on'})`);
    seen.add(cursor);
  }
}

/**
 * One listing at a time, shared by concurrent callers, kept until dropped or (a modern server's
 * `ttlMs` hint) until it expires; a failed one is not kept. An expired listing is still what
 * peek() gives (the call path's tool metadata: the best there is until the next listing).
 */
export class ListingCache<T> {
  private listing?: Promise<T[]>;
  private value?: T[];
  private expiresAt?: number;

  /** `fetch` resolves with the items and, when the server gave one, how long they stay fresh. */
  get(fetch: () => Promise<T[]>, ttlMs?: () => number | undefined): Promise<T[]> {
    if (this.listing && this.expiresAt !== undefined && performance.now() >= this.expiresAt) {
      this.listing = undefined;
      this.expiresAt = undefined;
    }
    if (!this.listing) {
      const listing = fetch();
      this.listing = listing;
      listing.then(
        (items) => {
          if (this.listing !== listing) return;
          this.value = items;
          const ttl = ttlMs?.();
          this.expiresAt = ttl !== undefined && ttl > 0 ? performance.now() + ttl : undefined;
        },
        () => {
          if (this.listing === listing) this.listing = undefined;
        },
      );
    }
    return this.listing;
  }

  /** The listing once it arrived (read without waiting); undefined before, or after a drop. */
  peek(): T[] | undefined {
    return this.value;
  }

  /** The server said the list changed: the next get() lists again. */
  drop(): void {
    this.listing = undefined;
    this.value = undefined;
    this.expiresAt = undefined;
  }
}
