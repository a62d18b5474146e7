/**
 * Bound parameters for one statement. Durable Object SQLite allows at most
 * MAX_BOUND_PARAMS per statement, so past that limit every value travels inside ONE
 * JSON array parameter read back with json_extract (constant per statement, so
 * SQLite still uses the indexes).
 */
import { MAX_BOUND_PARAMS, type SqlValue } from "../store/sql";

const MARK = "\u0001";

export class Params {
  private values: SqlValue[] = [];

  /** A placeholder for `v`, resolved by finish(). */
  add(v: SqlValue): string {
    this.values.push(v);
    return `${MARK}${this.values.length - 1}${MARK}`;
  }

  /** A placeholder for a list, to be used as `json_each(<placeholder>)`. */
  list(items: readonly SqlValue[]): string {
    return this.add(JSON.stringify(items));
  }

  /** The final SQL text and its parameters. */
  finish(sql: string): { sql: string; params: SqlValue[] } {
    const re = new RegExp(`${MARK}(\\d+)${MARK}`, "g");
    if (this.values.length <= MAX_BOUND_PARAMS) {
      return { sql: sql.replace(re, (_, i: string) => `?${Number(i) + 1}`), params: this.values };
    }
    return {
      sql: sql.replace(re, (_, i: string) => `json_extract(?1, '$[${i}]')`),
      params: [JSON.stringify(this.values)],
    };
  }
}
