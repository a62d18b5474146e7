import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";

describe("migrations", () => {
  it("applies every migration once, in order", () => {
    const sql = openNodeSql();
    expect(migrate(sql)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(sql)).toEqual([]);
    const tables = sql.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(["attrs", "idents", "meta", "presence", "subscriptions", "triples", "txes"]));
  });

  it("has strictly increasing versions", () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
