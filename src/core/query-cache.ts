/**
 * Results of queries evaluated since the last commit, shared by every session with the
 * same permission context. After a deploy every client reconnects and re-sends the same
 * add-queries; with this, each distinct query is evaluated once per data version. The
 * cache is emptied on every commit, so a hit is always exactly current.
 */
import type { Evaluated } from "./evaluate-query";

/** Most distinct results kept between two commits. */
export const QUERY_CACHE_MAX_ENTRIES = 512;
/** Most triples held across all cached results, to bound memory in a 128 MB isolate. */
export const QUERY_CACHE_MAX_TRIPLES = 250_000;

export class QueryCache {
  private readonly entries = new Map<string, Evaluated>();
  private triples = 0;

  get(key: string): Evaluated | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the eviction order (oldest first).
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Evaluated): void {
    const size = value.result.triples.length;
    if (size > QUERY_CACHE_MAX_TRIPLES) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.triples -= previous.result.triples.length;
    }
    this.entries.set(key, value);
    this.triples += size;
    for (const [oldest, evicted] of this.entries) {
      if (this.entries.size <= QUERY_CACHE_MAX_ENTRIES && this.triples <= QUERY_CACHE_MAX_TRIPLES) break;
      this.entries.delete(oldest);
      this.triples -= evicted.result.triples.length;
    }
  }

  /** Called on every commit: every cached result may be stale now. */
  clear(): void {
    this.entries.clear();
    this.triples = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
