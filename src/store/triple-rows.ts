/**
 * Reading triples back out of SQLite: the row shape of the `triples` table and its
 * conversion to the wire/model Triple.
 */
import type { Triple } from "../model/triple";
import type { SqlValue } from "./sql";
import { decodeValue } from "./value-codec";

export type TripleRow = { e: string; a: string; vt: number; v: SqlValue; t: number };

/** Column list to select for rowToTriple. */
export const TRIPLE_COLUMNS = "e, a, vt, v, t";

export function rowToTriple(row: TripleRow): Triple {
  return [row.e, row.a, decodeValue(row.vt, row.v), row.t];
}
