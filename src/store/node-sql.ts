/**
 * node:sqlite adapter of the Sql interface, for unit tests and benchmarks under Node.
 * It mirrors the Durable Object adapter's behaviour: synchronous statements and an
 * atomic transaction() that rolls back on throw.
 */
import { DatabaseSync } from "node:sqlite";
import type { Sql, SqlRow, SqlValue } from "./sql";

export function openNodeSql(path = ":memory:"): Sql & { close(): void } {
  const db = new DatabaseSync(path);
  let inTransaction = false;
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const prepare = (query: string) => {
    let stmt = statements.get(query);
    if (!stmt) {
      stmt = db.prepare(query);
      statements.set(query, stmt);
    }
    return stmt;
  };
  return {
    all<T extends SqlRow = SqlRow>(query: string, ...params: SqlValue[]): T[] {
      return prepare(query).all(...params) as T[];
    },
    run(query: string, ...params: SqlValue[]): void {
      prepare(query).run(...params);
    },
    transaction<T>(fn: () => T): T {
      if (inTransaction) throw new Error("nested Sql.transaction is not supported");
      inTransaction = true;
      db.exec("BEGIN");
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      } finally {
        inTransaction = false;
      }
    },
    close() {
      db.close();
    },
  };
}
