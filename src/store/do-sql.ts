/**
 * Durable Object adapter of the Sql interface: ctx.storage.sql for statements and
 * ctx.storage.transactionSync for atomic work (DO SQLite refuses BEGIN/COMMIT).
 */
import type { Sql, SqlRow, SqlValue } from "./sql";

export function doSql(storage: DurableObjectStorage): Sql {
  let inTransaction = false;
  return {
    all<T extends SqlRow = SqlRow>(query: string, ...params: SqlValue[]): T[] {
      return storage.sql.exec(query, ...params).toArray() as T[];
    },
    run(query: string, ...params: SqlValue[]): void {
      // exec is lazy: drain the cursor so the statement runs to completion.
      storage.sql.exec(query, ...params).toArray();
    },
    transaction<T>(fn: () => T): T {
      if (inTransaction) throw new Error("nested Sql.transaction is not supported");
      inTransaction = true;
      try {
        return storage.transactionSync(fn);
      } finally {
        inTransaction = false;
      }
    },
  };
}
