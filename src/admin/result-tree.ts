/**
 * The admin API's object tree (docs/protocol.md §13.4, as Instant's server builds it): `POST /admin/query` and the admin subscribe-query
 * stream return nested objects, not triples. Built from the engine's own result: its
 * triples give the values, its selection (FormSelections) gives which entity sits in
 * which form under which parent.
 *
 * Where the admin tree differs from what the browser client builds over the same
 * triples (all from Instant's source):
 * - an entity holds every cardinality-one attr of its etype, so a has-one link shows
 *   its target's id under the link label unless the form asks for it as a child
 *   (`ea-ids-for-etype`; the client shows blob attrs only);
 * - children are never cut by `limit`/`first`/`last` (the server ignores limits below
 *   the top level; only the client slices them);
 * - with `inference`, a singular link (forward has-one, or the reverse side of a unique
 *   link) is its first child or null (the client: undefined);
 * - strings sort by code units, not the client's en-US collator (tree-order.ts).
 */
import type { Attr } from "../model/attr";
import type { JsonValue, Triple } from "../model/triple";
import { type FormAst, type PageInfo, type QueryEnv, type QueryResult, runQuery } from "../query";
import type { ReadDeps } from "../query/read-deps";
import { FormSelections } from "./form-selections";
import { CREATED_AT_FIELD, sortEntries, sortKeyOf } from "./tree-order";

type JsonObject = { [key: string]: JsonValue };

/** Top-level key → the entity objects of that form. */
export type AdminTree = { [key: string]: JsonObject[] };

export type TreeOptions = {
  /** The body's `inference?`: singular links as one object (or null) instead of an array. */
  readonly inference: boolean;
};

/** What the tree needs from the app's attrs; AttrRegistry satisfies it. */
export type TreeAttrs = {
  get(id: string): Attr | undefined;
  forward(etype: string, label: string): Attr | undefined;
  reverse(etype: string, label: string): Attr | undefined;
};

/** The key Instant skips at the top of an admin query (rule params, not a namespace). */
const RULE_PARAMS_KEY = "$$ruleParams";

export type AdminQueryResult = {
  readonly tree: AdminTree;
  /** The engine's own result (its deps drive a subscription's invalidation). */
  readonly result: QueryResult & { readonly deps: ReadDeps };
  /** For the subscribe-query stream's `result-meta`. */
  readonly pageInfo: Record<string, PageInfo>;
  readonly aggregate: Record<string, { count: number }>;
};

/** Runs `q` with the engine and shapes the result as Instant's admin tree. */
export function queryTree(env: QueryEnv, q: JsonValue, opts: TreeOptions): AdminQueryResult {
  const selections = new FormSelections();
  const result = runQuery(env, q, selections);
  const keys = Object.keys(q as JsonObject).filter((k) => k !== RULE_PARAMS_KEY);
  const tree = buildResultTree(env.attrs, keys, selections, result.triples, opts);
  return { tree, result, pageInfo: result.pageInfo, aggregate: result.aggregate };
}

/** The tree for the top-level `keys`, from the engine's selection and triples. */
export function buildResultTree(
  attrs: TreeAttrs,
  keys: readonly string[],
  selections: FormSelections,
  triples: readonly Triple[],
  opts: TreeOptions,
): AdminTree {
  const builder = new TreeBuilder(attrs, selections, triples, opts);
  const tree: AdminTree = {};
  for (const key of keys) {
    const top = selections.topForm(key);
    tree[key] = top ? builder.objects(top.form, key, top.ids) : [];
  }
  return tree;
}

class TreeBuilder {
  /** entity id → its triples in the result. */
  private readonly byEntity = new Map<string, Triple[]>();

  constructor(
    private readonly attrs: TreeAttrs,
    private readonly selections: FormSelections,
    triples: readonly Triple[],
    private readonly opts: TreeOptions,
  ) {
    for (const t of triples) {
      const list = this.byEntity.get(t[0]);
      if (list) list.push(t);
      else this.byEntity.set(t[0], [t]);
    }
  }

  /** The objects of `form` (entities of `etype`), sorted, each with its child forms. */
  objects(form: FormAst, etype: string, ids: readonly string[]): JsonObject[] {
    const order = form.options.order;
    const byCreation = !order || order.field === CREATED_AT_FIELD;
    const orderAttr = byCreation ? undefined : this.attrs.forward(etype, order.field);
    // An entity without triples here was selected but hidden by the visibility filter.
    const shown = [...new Set(ids)].filter((id) => this.byEntity.has(id));
    const entries = shown.map((id) => ({ id, key: this.sortKey(id, etype, byCreation, orderAttr) }));
    return sortEntries(entries, order?.direction ?? "asc").map(({ id }) => this.object(form, etype, id));
  }

  /**
   * The value the entity sorts by: the `id` triple's creation time, or the order
   * attr's stored value (even when `fields` leaves it out of the object).
   */
  private sortKey(id: string, etype: string, byCreation: boolean, orderAttr: Attr | undefined): JsonValue {
    for (const [, a, v, t] of this.byEntity.get(id) ?? []) {
      const attr = this.attrs.get(a);
      if (!attr || attr.forward.etype !== etype) continue;
      if (byCreation && attr.forward.label === "id") return t;
      if (!byCreation && attr.id === orderAttr?.id) return sortKeyOf(attr, v);
    }
    return null;
  }

  private object(form: FormAst, etype: string, id: string): JsonObject {
    const fields = form.options.fields ? new Set([...form.options.fields, "id"]) : null;
    const obj: JsonObject = {};
    for (const [, a, v] of this.byEntity.get(id) ?? []) {
      const attr = this.attrs.get(a);
      if (!attr || attr.forward.etype !== etype || attr.cardinality !== "one") continue;
      if (fields && !fields.has(attr.forward.label)) continue;
      obj[attr.forward.label] = v;
    }
    for (const child of form.children) obj[child.key] = this.children(child, etype, id);
    return obj;
  }

  /** A child form under one parent: an array, or under inference one object or null for a singular link. */
  private children(form: FormAst, parentEtype: string, parent: string): JsonValue {
    const fwd = this.attrs.forward(parentEtype, form.key);
    const attr = fwd ?? this.attrs.reverse(parentEtype, form.key);
    if (!attr?.reverse) return [];
    const etype = fwd ? attr.reverse.etype : attr.forward.etype;
    const objects = this.objects(form, etype, this.selections.childrenOf(form, parent));
    const singular = fwd ? attr.cardinality === "one" : attr.unique;
    return this.opts.inference && singular ? (objects[0] ?? null) : objects;
  }
}
