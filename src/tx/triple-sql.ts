/**
 * The triple reads and writes the engine needs, each one indexed statement: by
 * (entity, attr) on triples_eav and by (attr, value) on triples_av. Value equality
 * always matches both the type tag and the native value (value-codec.ts).
 */
import { type SortKeyAttr, sortKey } from "../store/sort-key";
import type { Sql, SqlValue } from "../store/sql";
import { VT, type EncodedValue } from "../store/value-codec";

/** Ref values are entity ids, stored as strings. */
const REF_VT = VT.string;

export type StoredValue = { vt: number; v: SqlValue; t: number };

/** `vt = ? AND v = ?`, with SQL's null handled (NULL = NULL is not true). */
function valueEq(enc: EncodedValue): [string, SqlValue[]] {
  return enc.v === null ? ["vt = ? AND v IS NULL", [enc.vt]] : ["vt = ? AND v = ?", [enc.vt, enc.v]];
}

export function valuesOf(sql: Sql, e: string, a: string): StoredValue[] {
  return sql.all<StoredValue>(`SELECT vt, v, t FROM triples WHERE e = ? AND a = ?`, e, a);
}

export function hasTriple(sql: Sql, e: string, a: string, enc: EncodedValue): boolean {
  const [cond, params] = valueEq(enc);
  return sql.all(`SELECT 1 AS x FROM triples WHERE e = ? AND a = ? AND ${cond} LIMIT 1`, e, a, ...params).length > 0;
}

/** Some entity whose `a` triple equals the value (lookups). */
export function entityWithValue(sql: Sql, a: string, enc: EncodedValue): string | undefined {
  const [cond, params] = valueEq(enc);
  return sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ? AND ${cond} LIMIT 1`, a, ...params)[0]?.e;
}

/** An entity other than `e` holding the value (uniqueness). */
export function otherHolder(sql: Sql, a: string, enc: EncodedValue, e: string): string | undefined {
  const [cond, params] = valueEq(enc);
  return sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ? AND ${cond} AND e != ? LIMIT 1`, a, ...params, e)[0]?.e;
}

/** Writes a triple with its sort key (`k`, see store/sort-key.ts), which depends on the attr's data type. */
export function insertTriple(sql: Sql, e: string, a: string, enc: EncodedValue, t: number, attr: SortKeyAttr): void {
  const k = sortKey(enc.vt, enc.v, attr);
  sql.run(`INSERT INTO triples (e, a, vt, v, t, k) VALUES (?, ?, ?, ?, ?, ?)`, e, a, enc.vt, enc.v, t, k);
}

export function deleteEa(sql: Sql, e: string, a: string): void {
  sql.run(`DELETE FROM triples WHERE e = ? AND a = ?`, e, a);
}

export function deleteEav(sql: Sql, e: string, a: string, enc: EncodedValue): void {
  const [cond, params] = valueEq(enc);
  sql.run(`DELETE FROM triples WHERE e = ? AND a = ? AND ${cond}`, e, a, ...params);
}

/** Does the entity have any triple of these attrs? (Passed as one JSON parameter.) */
export function hasAnyOf(sql: Sql, e: string, attrIds: readonly string[]): boolean {
  if (attrIds.length === 0) return false;
  return (
    sql.all(`SELECT 1 AS x FROM triples WHERE e = ? AND a IN (SELECT value FROM json_each(?)) LIMIT 1`, e, JSON.stringify(attrIds))
      .length > 0
  );
}

/** Which of these attrs the entity holds a non-null value of. */
export function nonNullAttrsOf(sql: Sql, e: string, attrIds: readonly string[]): Set<string> {
  if (attrIds.length === 0) return new Set();
  const rows = sql.all<{ a: string }>(
    `SELECT DISTINCT a FROM triples WHERE e = ? AND a IN (SELECT value FROM json_each(?)) AND vt != 0`,
    e,
    JSON.stringify(attrIds),
  );
  return new Set(rows.map((r) => r.a));
}

/** Distinct attr ids the entity has triples of (to find its etypes). */
export function attrIdsOf(sql: Sql, e: string): string[] {
  return sql.all<{ a: string }>(`SELECT DISTINCT a FROM triples WHERE e = ?`, e).map((r) => r.a);
}

/** Sources linking to `target` through ref attr `a`. */
export function sourcesOf(sql: Sql, a: string, target: string): string[] {
  return sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ? AND vt = ${REF_VT} AND v = ?`, a, target).map((r) => r.e);
}

/** Targets `source` links to through ref attr `a`. */
export function targetsOf(sql: Sql, source: string, a: string): string[] {
  return sql
    .all<{ v: SqlValue }>(`SELECT v FROM triples WHERE e = ? AND a = ? AND vt = ${REF_VT}`, source, a)
    .flatMap((r) => (typeof r.v === "string" ? [r.v] : []));
}

/** Deletes the entity's triples of these attrs; returns the attr ids it deleted from. */
export function deleteEntityAttrs(sql: Sql, e: string, attrIds: readonly string[]): string[] {
  if (attrIds.length === 0) return [];
  return sql
    .all<{ a: string }>(
      `DELETE FROM triples WHERE e = ? AND a IN (SELECT value FROM json_each(?)) RETURNING a`,
      e,
      JSON.stringify(attrIds),
    )
    .map((r) => r.a);
}

/** Entities linking to `target` through any of these attrs (what deleteLinksTo would touch). */
export function linkSourcesOf(sql: Sql, target: string, attrIds: readonly string[]): string[] {
  if (attrIds.length === 0) return [];
  return sql
    .all<{ e: string }>(
      `SELECT DISTINCT e FROM triples WHERE a IN (SELECT value FROM json_each(?)) AND vt = ${REF_VT} AND v = ?`,
      JSON.stringify(attrIds),
      target,
    )
    .map((r) => r.e);
}

/** Deletes ref triples pointing at `target` through these attrs; returns (source, attr) pairs. */
export function deleteLinksTo(sql: Sql, target: string, attrIds: readonly string[]): { e: string; a: string }[] {
  if (attrIds.length === 0) return [];
  return sql.all<{ e: string; a: string }>(
    `DELETE FROM triples WHERE a IN (SELECT value FROM json_each(?)) AND vt = ${REF_VT} AND v = ? RETURNING e, a`,
    JSON.stringify(attrIds),
    target,
  );
}
