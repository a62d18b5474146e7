/**
 * Evaluates forms: selects the matching entities of a form (with its where, and at the
 * top level its page), then returns their triples and recurses into child forms, one
 * batch of parents per statement (no per-entity queries).
 */
import type { ReadCollector } from "./read-deps";
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { chunk } from "../store/sql";
import type { Cond, Leaf } from "./cond";
import { EMPTY_PAGE, orderKey, paginates, runPage } from "./paginate";
import { Params } from "./params";
import { MissingAttr, queryError } from "./query-errors";
import { needsLink, resolveWhere } from "./resolve-where";
import type { TripleSink } from "./triple-sink";
import type { Cursor, FormAst, FormOptions, PageInfo, QueryEnv, SelectionObserver } from "./types";
import { type DeferredIds, collectWhereTriples, leavesOf } from "./where-triples";
import { whereCompiler } from "./where-sql";

export type EvalState = {
  readonly env: QueryEnv;
  readonly root: JsonValue;
  readonly sink: TripleSink;
  readonly deps: Set<string>;
  /** Attrs (and pinned entities) the evaluation read, for the invalidation index. */
  readonly reads: ReadCollector;
  readonly deferred: DeferredIds[];
  readonly pageInfo: Record<string, PageInfo>;
  /** Each paginated form's page in order, one cursor per entity (for the visibility filter). */
  readonly pages: Record<string, Cursor[]>;
  readonly aggregate: Record<string, { count: number }>;
  readonly observer: SelectionObserver | null;
};

type Selection = { etype: string; idAttr: Attr; cond: Cond | null; predicate: (p: Params, x: string) => string };

/** Resolves a form's where; null when it names a missing attr (empty result). */
function select(st: EvalState, form: FormAst, etype: string): Selection | null {
  const idAttr = st.env.attrs.idAttr(etype);
  if (!idAttr) return null;
  let cond: Cond | null = null;
  try {
    if (form.options.where) cond = resolveWhere({ attrs: st.env.attrs, root: st.root, path: [...form.path, "$"], deps: st.deps }, etype, form.options.where);
  } catch (e) {
    if (e instanceof MissingAttr) return null;
    throw e;
  }
  const compiler = whereCompiler(st.env.sql, (t) => st.env.attrs.idAttr(t)?.id ?? "", etype);
  const predicate = (p: Params, x: string) => (cond ? compiler.predicate(p, cond, x) : "1");
  return { etype, idAttr, cond, predicate };
}

export function evalTopForm(st: EvalState, form: FormAst): void {
  const etype = form.key;
  const o = form.options;
  st.deps.add(etype);
  if (o.aggregate && !st.env.auth.isAdmin) {
    throw queryError(st.root, [...form.path, "$", "aggregate"], "Aggregates are currently only available for admin queries.", "admin?");
  }
  if (o.aggregate && form.children.length > 0) {
    throw queryError(st.root, [...form.path, "$", "aggregate"], "You can not combine aggregates with child queries at this time.", "valid-query?");
  }
  const sel = select(st, form, etype);
  const paged = paginates(o);
  if (!sel) {
    if (o.aggregate) st.aggregate[etype] = { count: 0 };
    else if (paged) st.pageInfo[etype] = EMPTY_PAGE;
    return;
  }
  if (o.aggregate) {
    st.reads.anyEntity([sel.idAttr.id, ...whereAttrIds(sel.cond, null)]);
    st.aggregate[etype] = { count: countAll(st, sel) };
    return;
  }
  let ids: string[];
  if (paged) {
    const key = orderKey(st.env.attrs, st.root, form.path, etype, o);
    st.deps.add(key.attr.forward.etype);
    // A page ranks every matching entity by the order attr.
    st.reads.anyEntity([sel.idAttr.id, key.attr.id, ...whereAttrIds(sel.cond, null)]);
    const page = runPage({ sql: st.env.sql, idAttr: sel.idAttr, key, options: o, where: sel.predicate });
    ids = page.ids;
    st.pageInfo[etype] = page.pageInfo;
    st.pages[etype] = page.cursors;
  } else {
    ids = selectIds(st, sel, null);
    readTopSelection(st, sel, ids);
  }
  if (ids.length > 0) st.observer?.top(form, ids);
  emit(st, form, sel, ids);
}

function countAll(st: EvalState, sel: Selection): number {
  const p = new Params();
  const { sql, params } = p.finish(`SELECT count(DISTINCT i.e) AS n FROM triples i WHERE i.a = ${p.add(sel.idAttr.id)} AND ${sel.predicate(p, "i.e")}`);
  return Number(st.env.sql.all<{ n: number }>(sql, ...params)[0]?.n ?? 0);
}

/** Ids of existing entities matching the selection, optionally among `among` (chunked). */
function selectIds(st: EvalState, sel: Selection, among: readonly string[] | null): string[] {
  const run = (part: readonly string[] | null) => {
    const p = new Params();
    const restrict = part ? ` AND i.e IN (SELECT value FROM json_each(${p.list(part)}))` : "";
    const text = `SELECT DISTINCT i.e AS e FROM triples i WHERE i.a = ${p.add(sel.idAttr.id)}${restrict} AND ${sel.predicate(p, "i.e")}`;
    const { sql, params } = p.finish(text);
    return st.env.sql.all<{ e: string }>(sql, ...params).map((r) => r.e);
  };
  if (among === null) return run(null);
  return chunk(among).flatMap((part) => run(part));
}

/**
 * What selecting a top-level form read: the id attr of every entity of the etype, unless
 * the where pins the form to ids (`id: X` / `id: {$in: [...]}` ANDed at its top), when
 * only id triples of those ids (or of the selected entities) matter. Where attrs are
 * always any-entity reads: their paths may hop through links to any entity.
 */
function readTopSelection(st: EvalState, sel: Selection, selected: readonly string[]): void {
  const pin = idPin(sel);
  st.reads.anyEntity(whereAttrIds(sel.cond, pin?.leaf ?? null));
  if (pin) st.reads.onEntities([sel.idAttr.id], [...new Set([...pin.ids, ...selected])]);
  else st.reads.anyEntity([sel.idAttr.id]);
}

/** The where leaf `id: X` / `id: {$in: [...]}` ANDed at the top of the form's where, if any. */
function idPin(sel: Selection): { leaf: Leaf; ids: string[] } | null {
  if (sel.cond?.kind !== "scope") return null;
  for (const leaf of sel.cond.leaves) {
    const tg = leaf.target;
    if (leaf.hops.length > 0 || tg.kind !== "value" || tg.attr.id !== sel.idAttr.id || tg.match.kind !== "eq") continue;
    const ids = tg.match.values.map((v) => v.v);
    if (ids.every((v): v is string => typeof v === "string")) return { leaf, ids };
  }
  return null;
}

/** Every attr a where condition reads (hops, targets, `$isNull` id attrs), but `skip`'s. */
function whereAttrIds(cond: Cond | null, skip: Leaf | null): string[] {
  if (!cond) return [];
  const out: string[] = [];
  for (const leaf of leavesOf(cond)) {
    if (leaf === skip) continue;
    for (const hop of leaf.hops) out.push(hop.attr.id);
    const tg = leaf.target;
    if (tg.kind === "isNull") out.push(tg.idAttr.id);
    if ("attr" in tg) out.push(tg.attr.id);
  }
  return out;
}

/** Entity triples, where triples and children of the selected entities. */
function emit(st: EvalState, form: FormAst, sel: Selection, ids: string[]): void {
  if (ids.length === 0) return;
  const own = entityAttrIds(st, sel.etype, form.options);
  // Forward attrs of the etype, read on the selected entities only.
  st.reads.onEntities(own, ids);
  st.sink.addAll(st.sink.byEntities(ids, own));
  if (sel.cond) collectWhereTriples(st.sink, sel.cond, ids, st.deferred);
  for (const child of form.children) evalChild(st, sel.etype, ids, child);
}

/**
 * Cardinality-one attrs of the etype (docs/protocol.md §7.2 rule 1), restricted by `fields` plus
 * `id` and the `order` field: the client sorts by the order attr's stored value (at every
 * level), so without it a page would come out in the wrong order.
 */
function entityAttrIds(st: EvalState, etype: string, o: FormOptions): string[] {
  const own = st.env.attrs.ofEtype(etype).filter((a) => a.cardinality === "one");
  if (!o.fields) return own.map((a) => a.id);
  const wanted = new Set([...o.fields, "id", ...(o.order ? [o.order.field] : [])]);
  return own.filter((a) => wanted.has(a.forward.label)).map((a) => a.id);
}

function evalChild(st: EvalState, parentEtype: string, parentIds: string[], form: FormAst): void {
  const label = form.key;
  const fwd = st.env.attrs.forward(parentEtype, label);
  const attr = fwd ?? st.env.attrs.reverse(parentEtype, label);
  if (!attr) return;
  if (attr.valueType !== "ref" || !attr.reverse) throw needsLink(parentEtype, label, attr);
  st.deps.add(attr.forward.etype);
  st.deps.add(attr.reverse.etype);
  const etype = fwd ? attr.reverse.etype : attr.forward.etype;
  // A forward link is read on the parents' own triples; a reverse one through its value.
  if (fwd) st.reads.onEntities([attr.id], parentIds);
  else st.reads.anyEntity([attr.id]);
  const joins = fwd ? st.sink.byEntities(parentIds, [attr.id]) : st.sink.byTargets(parentIds, attr.id);
  const childOf = (r: (typeof joins)[number]) => (fwd ? String(r.v) : r.e);
  const candidates = [...new Set(joins.map(childOf))];
  if (candidates.length === 0) return;
  const sel = select(st, form, etype);
  if (!sel) return;
  st.reads.anyEntity(whereAttrIds(sel.cond, null));
  st.reads.onEntities([sel.idAttr.id], candidates);
  const ids = selectIds(st, sel, candidates);
  const keep = new Set(ids);
  const kept = joins.filter((r) => keep.has(childOf(r)));
  st.sink.addAll(kept);
  if (st.observer && kept.length > 0) st.observer.child(form, kept.map((r) => (fwd ? [r.e, String(r.v)] : [String(r.v), r.e])));
  emit(st, form, sel, ids);
}
