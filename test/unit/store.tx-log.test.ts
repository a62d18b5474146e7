// The tx log: tx-ids are positive, strictly increasing across commits, unaffected by
// rolled-back transactions, and durable across a reopened file database (clients
// persist them and compare them numerically).
import { useTempDir } from "../helpers/temp-dir";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { appendTx, lastTxId } from "../../src/store/tx-log";

function open(path = ":memory:") {
  const sql = openNodeSql(path);
  migrate(sql);
  return sql;
}

const commit = (sql: ReturnType<typeof open>, at: number) => sql.transaction(() => appendTx(sql, at));

describe("tx log", () => {
  const tempDir = useTempDir("tx-log-");

  it("is empty (0) before the first tx", () => {
    expect(lastTxId(open())).toBe(0);
  });

  it("hands out positive, strictly increasing ids", () => {
    const sql = open();
    const ids = Array.from({ length: 50 }, (_, i) => commit(sql, 1_700_000_000_000 + i));
    expect(ids[0]).toBeGreaterThan(0);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);
    expect(lastTxId(sql)).toBe(ids.at(-1));
  });

  it("records created_at, and the clock going backwards does not reorder ids", () => {
    const sql = open();
    const a = commit(sql, 2000);
    const b = commit(sql, 1000);
    expect(b).toBeGreaterThan(a);
    expect(sql.all(`SELECT id, created_at FROM txes ORDER BY id`)).toEqual([
      { id: a, created_at: 2000 },
      { id: b, created_at: 1000 },
    ]);
  });

  it("a rolled-back tx leaves no id behind and later ids still increase", () => {
    const sql = open();
    const first = commit(sql, 1);
    expect(() =>
      sql.transaction(() => {
        appendTx(sql, 2);
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(lastTxId(sql)).toBe(first);
    expect(commit(sql, 3)).toBeGreaterThan(first);
  });

  it("ids survive a reopened file database and continue above the last one", () => {
    const path = join(tempDir(), "app.sqlite");
    const sql = open(path);
    const ids = [commit(sql, 1), commit(sql, 2), commit(sql, 3)];
    sql.close();

    const again = open(path);
    expect(lastTxId(again)).toBe(ids[2]);
    expect(commit(again, 4)).toBeGreaterThan(ids[2] as number);
    expect(again.all<{ id: number }>(`SELECT id FROM txes ORDER BY id`).map((r) => r.id).slice(0, 3)).toEqual(ids);
    again.close();
  });
});
