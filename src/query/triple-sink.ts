/**
 * Collects result triples from SQL rows: deduplicated by (e, a, vt, v) and returned in
 * a deterministic order. Also holds the batched reads every collector needs, each one
 * statement per chunk of ids (json_each), never one per entity.
 */
import type { Triple } from "../model/triple";
import { type Sql, chunk } from "../store/sql";
import { TRIPLE_COLUMNS, type TripleRow, rowToTriple } from "../store/triple-rows";
import { VT } from "../store/value-codec";

export class TripleSink {
  private rows = new Map<string, TripleRow>();

  constructor(private readonly sql: Sql) {}

  add(row: TripleRow): void {
    const k = `${row.e}\u0000${row.a}\u0000${row.vt}\u0000${String(row.v)}`;
    if (!this.rows.has(k)) this.rows.set(k, row);
  }

  has(row: TripleRow): boolean {
    return this.rows.has(`${row.e}\u0000${row.a}\u0000${row.vt}\u0000${String(row.v)}`);
  }

  /** Triples of `attrIds` on entities `ids` (the (e, a) index). */
  byEntities(ids: readonly string[], attrIds: readonly string[]): TripleRow[] {
    if (ids.length === 0 || attrIds.length === 0) return [];
    const out: TripleRow[] = [];
    for (const part of chunk(ids)) {
      out.push(
        ...this.sql.all<TripleRow>(
          `SELECT ${TRIPLE_COLUMNS} FROM triples WHERE e IN (SELECT value FROM json_each(?1)) AND a IN (SELECT value FROM json_each(?2))`,
          JSON.stringify(part),
          JSON.stringify(attrIds),
        ),
      );
    }
    return out;
  }

  /** Link triples of `attrId` pointing at entities `ids` (the (a, v) index). */
  byTargets(ids: readonly string[], attrId: string): TripleRow[] {
    if (ids.length === 0) return [];
    const out: TripleRow[] = [];
    for (const part of chunk(ids)) {
      out.push(
        ...this.sql.all<TripleRow>(
          `SELECT ${TRIPLE_COLUMNS} FROM triples WHERE a = ?1 AND vt = ${VT.string} AND v IN (SELECT value FROM json_each(?2))`,
          attrId,
          JSON.stringify(part),
        ),
      );
    }
    return out;
  }

  addAll(rows: readonly TripleRow[]): void {
    for (const r of rows) this.add(r);
  }

  /** Sorted by entity, attr, then value, so equal queries give equal results. */
  triples(): Triple[] {
    const rows = [...this.rows.values()];
    rows.sort((x, y) => cmp(x.e, y.e) || cmp(x.a, y.a) || x.vt - y.vt || cmp(String(x.v), String(y.v)));
    return rows.map(rowToTriple);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
