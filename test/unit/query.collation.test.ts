/**
 * The stored sort key (store/sort-key.ts): string keys must order exactly like the
 * client's `Intl.Collator("en-US")` over Latin text (case, accents, punctuation,
 * digits, whitespace, combining marks); date keys are the client's timestamps; the key
 * follows an attr's type change; date comparisons are index-backed.
 */
import { describe, expect, it } from "vitest";
import { runQuery } from "../../src/query";
import { collationKey, sortKey } from "../../src/store/sort-key";
import type { Sql, SqlRow, SqlValue } from "../../src/store/sql";
import { VT } from "../../src/store/value-codec";
import { rekeyAttr } from "../../src/store/sort-key-backfill";
import { Rng } from "../sample-library/prng";
import { addTriples, blob, openDb, putAttrs, uid } from "../helpers/seed";

const collator = new Intl.Collator("en-US");
const cmpKeys = (x: string, y: string) => {
  const kx = collationKey(x);
  const ky = collationKey(y);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
};

describe("collation key", () => {
  it("orders like the en-US collator over random Latin strings", () => {
    const r = new Rng(42);
    const rep: string[] = [];
    // Not covered (documented in sort-key.ts): vulgar fractions ¼½¾ and ŉ (ICU expands them).
    const skip = new Set([0xbc, 0xbd, 0xbe, 0x149]);
    for (let cp = 0x20; cp <= 0x17f; cp++) if ((cp < 0x7f || cp > 0x9f) && !skip.has(cp)) rep.push(String.fromCodePoint(cp));
    const common = [..."aAeEoO éÉöÖ-_.,'0129zZ"];
    // U+0363–U+036F (combining Latin letters) have primary weights in ICU; not covered.
    const marks = Array.from({ length: 0x63 }, (_, i) => String.fromCodePoint(0x300 + i));
    const gen = () => Array.from({ length: r.int(1, 6) }, () => (r.chance(0.4) ? r.pick(common) : r.chance(0.1) ? r.pick(marks) : r.pick(rep))).join("");
    const bad: string[][] = [];
    for (let i = 0; i < 30_000; i++) {
      const x = gen();
      const y = gen();
      if (Math.sign(collator.compare(x, y)) !== cmpKeys(x, y)) bad.push([x, y]);
    }
    expect(bad.slice(0, 5).map((p) => p.map((x) => [...x].map((c) => c.codePointAt(0)?.toString(16)).join(" ")))).toEqual([]);
  });

  it("handles the classic cases", () => {
    const words = ["résumé", "Resume", "resume", "RÉSUMÉ", "a b", "ab", "a-b", "a_b", "10", "9", "Zoë", "zoe", "ß", "ss", "Æsir", "aesir", "Øre", "ore", "ĳ", "ij", "", "!"];
    expect([...words].sort(cmpKeys)).toEqual([...words].sort(collator.compare));
  });

  it("ignores control and format characters as the collator does", () => {
    expect(collationKey("a\u0000b\u200bc")).toBe(collationKey("abc"));
    expect(collationKey("e\u0301")).toBe(collationKey("é"));
  });
});

describe("sort key column", () => {
  it("keys dates as the client's timestamps and numbers/booleans as themselves", () => {
    const typed = (checkedDataType: "date" | "string" | "boolean" | "number" | null) => ({ indexed: true, checkedDataType });
    expect(sortKey(VT.string, "2020-01-01", typed("date"))).toBe(Date.UTC(2020, 0, 1));
    expect(sortKey(VT.number, 5, typed("date"))).toBe(5);
    expect(sortKey(VT.boolean, 1, typed("boolean"))).toBe(1);
    expect(sortKey(VT.null, null, typed("string"))).toBe(null);
    expect(sortKey(VT.json, "{}", typed(null))).toBe(null);
  });

  it("keys strings only for attrs that can be ordered (indexed and typed)", () => {
    expect(sortKey(VT.string, "Zoë", { indexed: true, checkedDataType: "string" })).toBe(collationKey("Zoë"));
    expect(sortKey(VT.string, "Zoë", { indexed: false, checkedDataType: "string" })).toBe(null);
    expect(sortKey(VT.string, "Zoë", { indexed: true, checkedDataType: null })).toBe(null);
    expect(sortKey(VT.number, 3, { indexed: false, checkedDataType: null })).toBe(3);
  });

  it("rekeys an attr's strings when its type moves to date", () => {
    const db = openDb();
    const attr = blob("ev", "when", { indexed: true, type: "string" });
    putAttrs(db, [blob("ev", "id"), attr]);
    addTriples(db, [[uid("x"), attr.id, "2020-01-01", 1]]);
    rekeyAttr(db.sql, { id: attr.id, indexed: true, checkedDataType: "date" });
    expect(db.sql.all(`SELECT k FROM triples WHERE a = ?`, attr.id)).toEqual([{ k: Date.UTC(2020, 0, 1) }]);
  });

  it("date comparisons and order use the (a, k) index", () => {
    const db = openDb();
    const d = blob("ev", "at", { indexed: true, type: "date" });
    putAttrs(db, [blob("ev", "id"), d]);
    const plans: string[] = [];
    const sql: Sql = {
      ...db.sql,
      all<T extends SqlRow = SqlRow>(q: string, ...p: SqlValue[]): T[] {
        plans.push(...db.sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`, ...p).map((r) => r.detail));
        return db.sql.all<T>(q, ...p);
      },
    };
    runQuery({ ...db.env, sql }, { ev: { $: { where: { at: { $gt: "2020-01-01" } } } } });
    expect(plans.join("\n")).toContain("triples_ak");
  });
});
