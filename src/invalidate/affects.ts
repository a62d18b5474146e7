/**
 * The invalidation index's match: may a change set alter the result of a query that
 * read `deps`? False only when it provably cannot (docs/architecture.md §5): no attr the query
 * read on any entity was written, and every write to an attr it read on pinned entities
 * hit other entities. Rows persisted before attr tracking match by etype, as they did.
 */
import type { ChangeSet } from "../model/change-set";
import type { ReadDeps, StoredDeps } from "../query/read-deps";

/** ReadDeps as sets, built once per deps object (subscriptions share it across commits). */
type DepIndex = {
  readonly anyEntity: ReadonlySet<string>;
  /** attr id → entity sets of the pins that name it. */
  readonly pinned: ReadonlyMap<string, readonly ReadonlySet<string>[]>;
};

const indexes = new WeakMap<ReadDeps, DepIndex>();

function indexOf(deps: ReadDeps): DepIndex {
  let idx = indexes.get(deps);
  if (idx) return idx;
  const pinned = new Map<string, ReadonlySet<string>[]>();
  for (const pin of deps.pins) {
    const entities = new Set(pin.entities);
    for (const a of pin.attrIds) {
      const list = pinned.get(a);
      if (list) list.push(entities);
      else pinned.set(a, [entities]);
    }
  }
  idx = { anyEntity: new Set(deps.attrIds), pinned };
  indexes.set(deps, idx);
  return idx;
}

export function depsAffected(deps: StoredDeps, changes: ChangeSet): boolean {
  if (changes.attrsChanged) return true;
  if (!("attrIds" in deps)) return deps.etypes.some((etype) => changes.etypes.has(etype));
  const idx = indexOf(deps);
  for (const a of changes.attrIds) {
    if (idx.anyEntity.has(a)) return true;
    const pins = idx.pinned.get(a);
    if (!pins) continue;
    const written = changes.entities.get(a);
    // Written on entities nobody recorded: any of them may be pinned.
    if (!written) return true;
    for (const e of written) if (pins.some((p) => p.has(e))) return true;
  }
  return false;
}
