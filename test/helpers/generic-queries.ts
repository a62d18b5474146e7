/**
 * Queries that need nothing but a data set's attrs and triples, so the same suite runs
 * on any set: the generated library at any seed, or an external export named by
 * INSTANT_SAMPLE_DATA. Per etype: a scan, a first page, the newest page, every link in
 * both directions, an equality on a stored value of each blob attr, and an ordered page
 * on each indexed typed attr. Kept to forms where the client engine is a faithful
 * oracle (no $not/$isNull through reverse links: test/unit/query.random-oracle.test.ts).
 */
import type { Attr } from "../../src/model/attr";
import type { JsonValue, Triple } from "../../src/model/triple";

/** Page sizes of the paged forms: small, so pages end inside the data. */
const FIRST_PAGE = 5;
const NEWEST_PAGE = 7;

export type NamedQuery = [name: string, q: JsonValue];

/** The first stored string, number or boolean of each blob attr (null and JSON skipped). */
function firstScalars(triples: readonly Triple[]): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const [, a, v] of triples) {
    if (out.has(a)) continue;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out.set(a, v);
  }
  return out;
}

export function genericQueries(attrs: readonly Attr[], triples: readonly Triple[]): NamedQuery[] {
  const user = attrs.filter((a) => a.catalog === "user");
  const etypes = [...new Set(user.filter((a) => a.forward.label === "id").map((a) => a.forward.etype))].sort();
  const scalars = firstScalars(triples);
  const out: NamedQuery[] = [];
  for (const et of etypes) {
    out.push([`${et}: scan`, { [et]: {} }]);
    out.push([`${et}: first page`, { [et]: { $: { limit: FIRST_PAGE } } }]);
    out.push([`${et}: newest page`, { [et]: { $: { order: { serverCreatedAt: "desc" }, limit: NEWEST_PAGE } } }]);
  }
  for (const a of user) {
    const { etype, label } = a.forward;
    if (a.valueType === "ref" && a.reverse) {
      out.push([`${etype}.${label}: forward link`, { [etype]: { [label]: {} } }]);
      out.push([`${a.reverse.etype}.${a.reverse.label}: reverse link`, { [a.reverse.etype]: { [a.reverse.label]: {} } }]);
      continue;
    }
    if (label === "id") continue;
    const v = scalars.get(a.id);
    if (v !== undefined) out.push([`${etype}.${label}: equals a stored value`, { [etype]: { $: { where: { [label]: v } } } }]);
    if (a.indexed && a.checkedDataType) {
      out.push([`${etype}.${label}: ordered page`, { [etype]: { $: { order: { [label]: "asc" }, limit: FIRST_PAGE } } }]);
    }
  }
  return out;
}
