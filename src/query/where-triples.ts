/**
 * The where-clause triples of PROTOCOL §7.2: for the matched entities, every triple
 * along every where path (link triples and the final attr's triples on the reached
 * entities), so the client's local re-filter reaches the same answer. `$isNull` also
 * needs the reached entities' id triples, which are deferred: they are only safe for
 * etypes that are not queried at the top level (they would make extra rows appear).
 */
import type { TripleRow } from "../store/triple-rows";
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
    const key = JSON.stringify([leaf.hops.map((h) => [h.attr.id, h.forward]), leaf.target.kind, "attr" in leaf.target ? leaf.target.attr.id : ""]);
    if (seen.has(key)) continue;
    seen.add(key);
    collectLeaf(sink, leaf, ids, deferred);
  }
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
      sink.addAll(tg.reverse ? sink.byTargets(ids, tg.attr.id) : sink.byEntities(ids, [tg.attr.id]));
      deferred.push({ etype: tg.idAttr.forward.etype, rows: sink.byEntities(ids, [tg.idAttr.id]) });
    }
  }
}
