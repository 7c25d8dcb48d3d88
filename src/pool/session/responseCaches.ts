// The SDK's response caches (2026-07-28 cache hints: `ttlMs`, `cacheScope`), one per server and
// authorization context: the key the era memory uses (a stdio server's command line and
// environment, a direct remote's URL and headers, hashed). Apps with the same key reach the same
// server as the same principal (they share a sign-in too), so a `tools/list` one of them fetched is
// not fetched again by another, nor by a restart, before its ttl ends; `private` results are never
// shared beyond the key. Bounded: the least recently used key goes first.
import { InMemoryResponseCacheStore, type ResponseCacheStore } from '@modelcontextprotocol/client';

/** Servers whose caches are kept at once. */
const MAX_SERVERS = 64;
/** Cached results per server. */
const MAX_ENTRIES = 64;

export class ResponseCaches {
  private readonly caches = new Map<string, ResponseCacheStore>();

  /** The cache of the server under `key`; a fresh one each time without a key (nothing shared). */
  of(key: string | undefined): ResponseCacheStore {
    if (key === undefined) return new InMemoryResponseCacheStore({ maxEntries: MAX_ENTRIES });
    let cache = this.caches.get(key);
    if (cache) this.caches.delete(key);
    else cache = new InMemoryResponseCacheStore({ maxEntries: MAX_ENTRIES });
    this.caches.set(key, cache);
    while (this.caches.size > MAX_SERVERS) this.caches.delete(this.caches.keys().next().value!);
    return cache;
  }
}
