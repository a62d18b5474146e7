/**
 * The per-app transaction log: tx-ids are positive, strictly increasing and durable
 * because they are SQLite rowids of committed rows (the client persists them and
 * compares them numerically across restarts).
 */
import type { Sql } from "./sql";

/** Appends a tx to the log inside the caller's transaction and returns its id. */
export function appendTx(sql: Sql, createdAt: number): number {
  const row = sql.all<{ id: number }>(`INSERT INTO txes (created_at) VALUES (?) RETURNING id`, createdAt)[0];
  if (!row) throw new Error("tx log insert returned no id");
  return row.id;
}

/** The newest committed tx-id (the genesis tx written at app creation makes it ≥ 1). */
export function lastTxId(sql: Sql): number {
  const row = sql.all<{ id: number | null }>(`SELECT MAX(id) AS id FROM txes`)[0];
  return row?.id ?? 0;
}
