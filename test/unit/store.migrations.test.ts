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

  it("version 4 adds the auth tables and their indexes", () => {
    const sql = openNodeSql();
    migrate(sql);
    const names = sql.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE name LIKE 'auth_%' ORDER BY name`).map((r) => r.name);
    expect(names).toEqual([
      "auth_magic_codes",
      "auth_magic_codes_by_created",
      "auth_rate_limits",
      "auth_rate_limits_by_window",
      "auth_refresh_tokens",
      "auth_refresh_tokens_by_user",
    ]);
    expect(sql.all(`SELECT version FROM schema_migrations WHERE version = 4`)).toHaveLength(1);
  });

  it("has strictly increasing versions", () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });
});
