/**
 * Recomputes the `k` column (sort-key.ts) of string triples: once for databases that
 * predate the column (migration 3), and for one attr when its checked data type moves
 * to or from `date` (date strings key as epoch ms, other strings as collation keys).
 * Rows are read in rowid batches so memory stays bounded whatever the data size.
 */
import type { Attr } from "../model/attr";
import type { Sql } from "./sql";
import { type SortKeyAttr, sortKey } from "./sort-key";
import { VT } from "./value-codec";

const BATCH = 2000;

function rekey(sql: Sql, filter: string, params: (string | number)[], attrOf: (a: string) => SortKeyAttr): void {
  let after = -1;
  for (;;) {
    const rows = sql.all<{ r: number; a: string; v: string }>(
      `SELECT rowid AS r, a, v FROM triples WHERE vt = ${VT.string} AND rowid > ? ${filter} ORDER BY rowid LIMIT ${BATCH}`,
      after,
      ...params,
    );
    for (const row of rows) sql.run(`UPDATE triples SET k = ? WHERE rowid = ?`, sortKey(VT.string, row.v, attrOf(row.a)), row.r);
    if (rows.length < BATCH) return;
    after = (rows[rows.length - 1] as { r: number }).r;
  }
}

/** Every string triple, each keyed by its attr's current checked data type. */
export function backfillSortKeys(sql: Sql): void {
  const attrs = new Map<string, SortKeyAttr>();
  for (const r of sql.all<{ id: string; json: string }>(`SELECT id, json FROM attrs`)) {
    const a = JSON.parse(r.json) as Partial<Attr>;
    attrs.set(r.id, { indexed: a.indexed ?? false, checkedDataType: a.checkedDataType ?? null });
  }
  const none: SortKeyAttr = { indexed: false, checkedDataType: null };
  rekey(sql, "", [], (a) => attrs.get(a) ?? none);
}

/** The string triples of one attr, after its index flag or checked data type changed. */
export function rekeyAttr(sql: Sql, attr: SortKeyAttr & { readonly id: string }): void {
  rekey(sql, "AND a = ?", [attr.id], () => attr);
}
