/**
 * The where-clause triples of docs/protocol.md §7.2: for the matched entities, every triple
 * along every where path (link triples and the final attr's triples on the reached
 * entities), so the client's local re-filter reaches the same answer. `$isNull` also
 * needs the id triples of the reached entities that pass the check, which are deferred:
 * they are only safe for etypes that are not queried at the top level (they would make
 * extra rows appear).
 */
import type { TripleRow } from "../store/triple-rows";
import { VT } from "../store/value-codec";
import type { Cond, Leaf } from "./cond";
import type { TripleSink } from "./triple-sink";

export type DeferredIds = { readonly etype: string; readonly rows: TripleRow[] };

export function leavesOf(cond: Cond): Leaf[] {
  if (cond.kind === "or") return cond.items.flatMap(leavesOf);
  return [...cond.leaves, ...cond.subs.flatMap(leavesOf)];
}

export function collectWhereTriples(sink: TripleSink, cond: Cond, ids: readonly string[], deferred: DeferredIds[]): void {
  const seen = new Set<string>();
  for (const leaf of leavesOf(cond)) {
    // Leaves repeat (e.g. `$not` adds the null checks of each path prefix).
    // `isNull` is part of the key: true and false pass different entities' id triples.
    const tg = leaf.target;
    const key = JSON.stringify([leaf.hops.map((h) => [h.attr.id, h.forward]), tg.kind, "attr" in tg ? tg.attr.id : "", tg.kind === "isNull" && tg.isNull]);
    if (seen.has(key)) continue;
    seen.add(key);
    collectLeaf(sink, leaf, ids, deferred);
  }
}

/**
 * Which of `ids` count as null given the attr's `rows` on them, as where-sql.ts decides
 * it: no link pointing at it (reverse), or no value or a null value (forward).
 */
function nullIds(rows: readonly TripleRow[], ids: readonly string[], reverse: boolean): Set<string> {
  const valued = new Set<string>();
  const nulled = new Set<string>();
  for (const r of rows) {
    if (reverse) valued.add(String(r.v));
    else (r.vt === VT.null ? nulled : valued).add(r.e);
  }
  return new Set(ids.filter((id) => nulled.has(id) || !valued.has(id)));
}

function collectLeaf(sink: TripleSink, leaf: Leaf, start: readonly string[], deferred: DeferredIds[]): void {
  let ids = start;
  for (const hop of leaf.hops) {
    if (ids.length === 0) return;
    const rows = hop.forward ? sink.byEntities(ids, [hop.attr.id]) : sink.byTargets(ids, hop.attr.id);
    sink.addAll(rows);
    ids = [...new Set(rows.map((r) => (hop.forward ? String(r.v) : r.e)))];
  }
  if (ids.length === 0) return;
  const tg = leaf.target;
  switch (tg.kind) {
    case "idPrefix":
      return;
    case "value":
      sink.addAll(sink.byEntities(ids, [tg.attr.id]));
      return;
    case "source":
      sink.addAll(sink.byTargets(ids, tg.attr.id));
      return;
    case "isNull": {
      const rows = tg.reverse ? sink.byTargets(ids, tg.attr.id) : sink.byEntities(ids, [tg.attr.id]);
      sink.addAll(rows);
      // Only the id triples that matched the `$isNull` pattern (as Instant's join rows):
      // the id triple of a reached entity that fails the check would make it present to
      // the client with only this path's triples, so a child form's `$not` over the same
      // etype would then match it on its missing attrs.
      const nulls = nullIds(rows, ids, tg.reverse);
      const matched = ids.filter((id) => nulls.has(id) === tg.isNull);
      deferred.push({ etype: tg.idAttr.forward.etype, rows: sink.byEntities(matched, [tg.idAttr.id]) });
    }
  }
}
