/**
 * The storage seam: the smallest synchronous SQL surface the engine needs. The Durable
 * Object adapter (do-sql.ts) and the node:sqlite adapter (node-sql.ts) implement it, so
 * the whole core runs and is tested under plain Node.
 */

/** What may be bound or read back. Booleans and objects are encoded by value-codec.ts. */
export type SqlValue = string | number | null;

export type SqlRow = Record<string, SqlValue>;

export interface Sql {
  /** Runs a statement and returns every row. */
  all<T extends SqlRow = SqlRow>(query: string, ...params: SqlValue[]): T[];
  /** Runs a statement for its effect. */
  run(query: string, ...params: SqlValue[]): void;
  /**
   * Runs fn atomically: everything it wrote is rolled back if it throws. Must not be
   * nested (Durable Object SQLite refuses BEGIN/COMMIT; this maps to transactionSync).
   */
  transaction<T>(fn: () => T): T;
}

/**
 * Durable Object SQLite accepts at most this many bound parameters per statement.
 * Lists of ids are passed as one JSON parameter (`json_each(?)`) instead, so this only
 * bounds hand-written statements.
 */
export const MAX_BOUND_PARAMS = 100;

/** Ids passed to one statement through json_each, to keep each statement's work bounded. */
export const ID_BATCH_SIZE = 2000;

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number = ID_BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
