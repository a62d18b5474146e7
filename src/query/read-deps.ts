/**
 * What one query evaluation read, as the invalidation index needs it (docs/architecture.md §5):
 * attrs whose triples it read on any entity, and attrs it read only on known entities
 * (pins). A pin always names the `e` side of the triples read (the entity holding
 * them), never a ref's value side: change sets record writes by `e` (model/change-set.ts),
 * so a read that goes through a link's value (reverse links) must be an any-entity read.
 */

/** `attrIds` were read only on the triples of `entities` (their `e`). */
export type Pin = { readonly attrIds: readonly string[]; readonly entities: readonly string[] };

export type ReadDeps = {
  /** Every etype whose attrs the evaluation read (kept for rows persisted before attr tracking). */
  readonly etypes: string[];
  /** Attrs read on any entity: a write to any of their triples may change the result. */
  readonly attrIds: readonly string[];
  readonly pins: readonly Pin[];
};

/** Deps as persisted: rows written before attr tracking hold only etypes. */
export type StoredDeps = ReadDeps | { readonly etypes: readonly string[] };

/**
 * Most entity ids one subscription pins. Pins are persisted per subscription, so a query
 * returning more entities than this records its attrs as any-entity reads instead.
 */
export const MAX_PINNED_ENTITIES = 2000;

export class ReadCollector {
  private readonly any = new Set<string>();
  private readonly pins: Pin[] = [];
  private pinned = 0;

  /** The evaluation read these attrs' triples on entities it does not pin. */
  anyEntity(attrIds: Iterable<string>): void {
    for (const a of attrIds) this.any.add(a);
  }

  /** The evaluation read these attrs only on the triples whose `e` is one of `entities`. */
  onEntities(attrIds: readonly string[], entities: readonly string[]): void {
    if (attrIds.length === 0 || entities.length === 0) return;
    if (this.pinned + entities.length > MAX_PINNED_ENTITIES) return this.anyEntity(attrIds);
    this.pinned += entities.length;
    this.pins.push({ attrIds: [...attrIds], entities: [...entities] });
  }

  /** Sorted and deduplicated, so equal evaluations persist equal deps. */
  finish(etypes: Iterable<string>): ReadDeps {
    const pins: Pin[] = [];
    for (const p of this.pins) {
      // An attr also read on any entity needs no pin.
      const attrIds = p.attrIds.filter((a) => !this.any.has(a));
      if (attrIds.length > 0) pins.push({ attrIds: sorted(attrIds), entities: sorted(p.entities) });
    }
    return { etypes: sorted(etypes), attrIds: sorted(this.any), pins };
  }
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Parses the `deps` column: a bare JSON array is a pre-attr-tracking row (etypes only). */
export function parseStoredDeps(json: string): StoredDeps {
  const parsed = JSON.parse(json) as unknown;
  if (Array.isArray(parsed)) return { etypes: parsed.map(String) };
  return parsed as StoredDeps;
}
