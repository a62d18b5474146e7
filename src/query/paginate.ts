/**
 * Top-level pagination (docs/protocol.md §7.4): order key validation, the page query with
 * cursors/offset/limit pushed into SQLite, and page-info computed the way Instant does
 * (over-fetch by one where it can, an existence query past the page otherwise).
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import type { AttrRegistry } from "../store/attr-registry";
import type { Sql, SqlValue } from "../store/sql";
import { sortKey } from "../store/sort-key";
import { decodeValue, encodeValue } from "../store/value-codec";
import { validationError } from "../protocol/errors";
import { indexedExists, indexedSelect } from "./paginate-index";
import { Params } from "./params";
import { type Path, queryError } from "./query-errors";
import type { Cursor, CursorInput, Direction, FormOptions, PageInfo } from "./types";

export const paginates = (o: FormOptions): boolean =>
  o.order !== null || o.limit !== null || o.first !== null || o.last !== null || o.offset !== null || o.after !== null || o.before !== null;

export const EMPTY_PAGE: PageInfo = { startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false };

export type OrderKey = { readonly attr: Attr; readonly byCreatedAt: boolean; readonly direction: Direction; readonly date: boolean };

/** Resolves and validates the order key with Instant's messages. */
export function orderKey(attrs: AttrRegistry, root: JsonValue, path: Path, etype: string, o: FormOptions): OrderKey {
  const field = o.order?.field ?? "serverCreatedAt";
  const direction = o.order?.direction ?? "asc";
  const byCreatedAt = field === "serverCreatedAt";
  const attr = attrs.forward(etype, byCreatedAt ? "id" : field);
  const at = [...path, "$", "order"];
  if (!attr) throw queryError(root, at, `There is no \`${byCreatedAt ? "id" : field}\` attribute for ${etype}.`, "supported-order?");
  if (!byCreatedAt) {
    const name = `${etype}.${field}`;
    const problems = [
      !attr.indexed && `The \`${name}\` attribute is not indexed. Only indexed and typed attributes can be used to order by.`,
      !attr.checkedDataType && `The \`${name}\` attribute is not typed. Only typed and indexed attributes can be used to order by.`,
      attr.cardinality !== "one" &&
        `The \`${name}\` attribute has cardinality \`${attr.cardinality}\`. Only attributes with cardinality \`one\` can be used to order by.`,
    ].filter((m): m is string => typeof m === "string");
    if (problems.length > 0) {
      throw validationError("query", root, problems.map((message) => ({ message, expected: "supported-order?", in: [...at] })));
    }
  }
  for (const [name, c] of [["after", o.after], ["before", o.before]] as const) {
    if (c && c[1] !== attr.id) {
      const label = (a: Attr) => (a.forward.label === "id" ? "serverCreatedAt" : a.forward.label);
      const other = attrs.get(c[1]);
      const tail = other ? `orders by \`${label(other)}\`.` : "orders by a missing attribute.";
      throw queryError(root, [...path, "$", name], `Invalid ${name} cursor. The query orders by \`${label(attr)}\`, but the query that returned the cursor ${tail}`, "valid-cursor?");
    }
  }
  return { attr, byCreatedAt, direction, date: attr.checkedDataType === "date" };
}

export type PageRequest = {
  readonly sql: Sql;
  readonly idAttr: Attr;
  readonly key: OrderKey;
  readonly options: FormOptions;
  /** Adds the where predicate over `i.e` (or "1"). */
  readonly where: (p: Params, x: string) => string;
};

export type Row = { e: string; t: number; ovt: number | null; ov: SqlValue; ot: number | null };

/**
 * A cursor bound in ascending query space: rows after ("gt") or before ("lt") the
 * cursor's (sort value, entity); `value` is in the space of sortValue() (null sorts first).
 */
export type Bound = { readonly cmp: "gt" | "lt"; readonly value: SqlValue; readonly e: string; readonly inclusive: boolean };

export function runPage(req: PageRequest): { ids: string[]; cursors: Cursor[]; pageInfo: PageInfo } {
  const { options: o, key } = req;
  const n = o.limit ?? o.first ?? o.last;
  const isLast = o.last !== null;
  const fetchDir: Direction = isLast ? flip(key.direction) : key.direction;
  const bounds = [
    o.after ? bound(key, o.after, key.direction === "asc" ? "gt" : "lt", o.afterInclusive) : null,
    o.before ? bound(key, o.before, key.direction === "asc" ? "lt" : "gt", o.beforeInclusive) : null,
  ].filter((b): b is Bound => b !== null);
  const rows = select(req, fetchDir, bounds, n === null ? null : n + 1, o.offset ?? 0);
  const overfetched = n !== null && rows.length > n;
  const pageRows = (n === null ? rows : rows.slice(0, n));
  if (isLast) pageRows.reverse();
  const first = pageRows[0];
  const lastRow = pageRows[pageRows.length - 1];
  const hasOffset = (o.offset ?? 0) > 0;

  let hasNextPage: boolean;
  if (n === null && !o.before) hasNextPage = false;
  else if (n !== null && !o.before && !isLast) hasNextPage = overfetched;
  else hasNextPage = lastRow ? exists(req, [bound(key, rowCursor(key, lastRow), key.direction === "asc" ? "gt" : "lt", false)]) : false;

  let hasPreviousPage: boolean;
  if (!o.after && !hasOffset && !isLast) hasPreviousPage = false;
  else if (isLast && n !== null && !o.after) hasPreviousPage = overfetched;
  else {
    const before = first ? exists(req, [bound(key, rowCursor(key, first), key.direction === "asc" ? "lt" : "gt", false)]) : false;
    hasPreviousPage = before || (pageRows.length === 0 && (hasOffset || o.after !== null));
  }
  return {
    ids: pageRows.map((r) => r.e),
    cursors: pageRows.map((r) => rowCursor(key, r)),
    pageInfo: {
      startCursor: first ? rowCursor(key, first) : null,
      endCursor: lastRow ? rowCursor(key, lastRow) : null,
      hasNextPage,
      hasPreviousPage,
    },
  };
}

const flip = (d: Direction): Direction => (d === "asc" ? "desc" : "asc");

/**
 * The sort value of the row `i` (joined with its order triple `o`); NULL (null or
 * missing) sorts first. `k` is the stored sort key (store/sort-key.ts): the client's
 * collator order for strings, timestamps for dates.
 */
function sortValue(key: OrderKey): string {
  return key.byCreatedAt ? "i.t" : "o.k";
}

function fromClause(p: Params, req: PageRequest): string {
  // The order value is one (entity, attr) lookup per row. Pinned to triples_eav: without
  // table statistics SQLite may otherwise scan the whole (a, k) index for every row,
  // which made cursor existence checks quadratic (seconds at 10^5 triples).
  const join = req.key.byCreatedAt ? "" : ` LEFT JOIN triples o INDEXED BY triples_eav ON o.e = i.e AND o.a = ${p.add(req.key.attr.id)}`;
  return `FROM triples i${join} WHERE i.a = ${p.add(req.idAttr.id)}`;
}

/**
 * The page rows in `dir`. serverCreatedAt pages already walk triples_at (a, t, e) in
 * order; attr orders walk (a, k, e) through paginate-index.ts when there is a limit
 * and no where, and sort the matching entities here otherwise (SQLite then starts
 * from the filter's IN list; without a limit every entity is read anyway).
 */
function select(req: PageRequest, dir: Direction, bounds: readonly Bound[], limit: number | null, offset: number): Row[] {
  if (!req.key.byCreatedAt && limit !== null) {
    const rows = indexedSelect(req, dir, bounds, limit, offset);
    if (rows !== null) return rows;
  }
  const p = new Params();
  const cols = req.key.byCreatedAt ? "i.e AS e, i.t AS t, NULL AS ovt, NULL AS ov, NULL AS ot" : "i.e AS e, i.t AS t, o.vt AS ovt, o.v AS ov, o.t AS ot";
  const conds = [req.where(p, "i.e"), ...bounds.map((b) => boundSql(p, req.key, b))];
  const tail = limit === null ? (offset > 0 ? ` LIMIT -1 OFFSET ${p.add(offset)}` : "") : ` LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`;
  const text = `SELECT ${cols} ${fromClause(p, req)} AND ${conds.join(" AND ")} ORDER BY ${sortValue(req.key)} ${dir}, i.e ${dir}${tail}`;
  const { sql, params } = p.finish(text);
  return req.sql.all<Row>(sql, ...params);
}

function exists(req: PageRequest, bounds: readonly Bound[]): boolean {
  if (!req.key.byCreatedAt) {
    const found = indexedExists(req, bounds);
    if (found !== null) return found;
  }
  const p = new Params();
  const text = `SELECT 1 AS x ${fromClause(p, req)} AND ${[req.where(p, "i.e"), ...bounds.map((b) => boundSql(p, req.key, b))].join(" AND ")} LIMIT 1`;
  const { sql, params } = p.finish(text);
  return req.sql.all(sql, ...params).length > 0;
}

function rowCursor(key: OrderKey, r: Row): Cursor {
  if (key.byCreatedAt) return [r.e, key.attr.id, r.e, r.t];
  const v = r.ovt === null ? null : decodeValue(r.ovt, r.ov);
  return [r.e, key.attr.id, v, r.ot ?? r.t];
}

/** The comparable value of a cursor, in the same space as sortValue(). */
function cursorValue(key: OrderKey, c: CursorInput): SqlValue {
  if (key.byCreatedAt) {
    const t = c[3] ?? c[2];
    return typeof t === "number" ? t : null;
  }
  const v = c[2];
  if (v === null || v === undefined) return null;
  const enc = encodeValue(v);
  return sortKey(enc.vt, enc.v, key.attr);
}

/**
 * `(sort value, entity)` after ("gt") or before ("lt") the cursor, ascending; inclusive
 * makes only the entity tie-break `>=`/`<=` (as Instant does). It must not match "is the
 * cursor entity": that entity's value may have changed since the cursor was taken
 * (infinite queries keep old cursors), and then it no longer belongs at the cursor.
 */
function bound(key: OrderKey, c: CursorInput, cmp: "gt" | "lt", inclusive: boolean): Bound {
  return { cmp, value: cursorValue(key, c), e: typeof c[0] === "string" ? c[0] : JSON.stringify(c[0]), inclusive };
}

/** A bound as a condition on the sorting plan's row (`i` joined with its order triple `o`). */
function boundSql(p: Params, key: OrderKey, b: Bound): string {
  const sv = sortValue(key);
  const cv = b.value;
  const ce = p.add(b.e);
  const op = b.cmp === "gt" ? ">" : "<";
  const eop = b.inclusive ? `${op}=` : op;
  const cmp = b.cmp;
  if (cv === null) {
    return cmp === "gt" ? `(${sv} IS NOT NULL OR (${sv} IS NULL AND i.e ${eop} ${ce}))` : `(${sv} IS NULL AND i.e ${eop} ${ce})`;
  }
  const v = p.add(cv);
  const core = `${sv} ${op} ${v} OR (${sv} = ${v} AND i.e ${eop} ${ce})`;
  return cmp === "gt" ? `(${core})` : `(${sv} IS NULL OR ${core})`;
}
