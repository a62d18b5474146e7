// The value codec: every JSON value round-trips exactly (in JS and through SQLite), and
// the (type tag, native value) pair keeps values of different types apart in SQL
// equality and makes numbers order as numbers.
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { TRIPLE_COLUMNS, type TripleRow, rowToTriple } from "../../src/store/triple-rows";
import { VT, decodeValue, encodeValue } from "../../src/store/value-codec";

const E = "11111111-1111-4111-8111-111111111111";
const A = "22222222-2222-4222-8222-222222222222";

const SAMPLES: [string, JsonValue][] = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["zero", 0],
  ["negative float", -1.5],
  ["max safe integer", Number.MAX_SAFE_INTEGER],
  ["huge float", 1e300],
  ["tiny float", 5e-324],
  ["empty string", ""],
  ["numeric string", "1"],
  ["unicode string", "héllo ✓ 𝄞"],
  ["string that looks like JSON", '{"a":1}'],
  ["empty object", {}],
  ["nested object", { a: [1, { b: null, c: "x" }], d: true }],
  ["empty array", []],
  ["mixed array", [1, "1", true, null, { e: [] }]],
];

function db() {
  const sql = openNodeSql();
  migrate(sql);
  const insert = (v: JsonValue) => {
    const enc = encodeValue(v);
    sql.run(`INSERT INTO triples (e, a, vt, v, t) VALUES (?, ?, ?, ?, ?)`, E, A, enc.vt, enc.v, 1);
  };
  /** Rows equal to v under the codec's equality: same tag and same native value. */
  const matching = (v: JsonValue) => {
    const enc = encodeValue(v);
    return sql.all<TripleRow>(`SELECT ${TRIPLE_COLUMNS} FROM triples WHERE a = ? AND vt = ? AND v = ?`, A, enc.vt, enc.v).map(rowToTriple);
  };
  return { sql, insert, matching };
}

describe("value codec", () => {
  it.each(SAMPLES)("round-trips %s in JS", (_name, value) => {
    const enc = encodeValue(value);
    expect(decodeValue(enc.vt, enc.v)).toStrictEqual(value);
  });

  it("tags each JSON type distinctly", () => {
    expect(encodeValue(null).vt).toBe(VT.null);
    expect(encodeValue(true).vt).toBe(VT.boolean);
    expect(encodeValue(1).vt).toBe(VT.number);
    expect(encodeValue("1").vt).toBe(VT.string);
    expect(encodeValue({}).vt).toBe(VT.json);
    expect(encodeValue([]).vt).toBe(VT.json);
    expect(new Set(Object.values(VT)).size).toBe(Object.keys(VT).length);
  });

  it("round-trips every sample through SQLite", () => {
    const { sql, insert } = db();
    for (const [, v] of SAMPLES) insert(v);
    const back = sql.all<TripleRow>(`SELECT ${TRIPLE_COLUMNS} FROM triples ORDER BY rowid`).map((r) => rowToTriple(r)[2]);
    expect(back).toStrictEqual(SAMPLES.map(([, v]) => v));
  });

  it("keeps 1, '1' and true distinct in SQL equality", () => {
    const { sql, insert, matching } = db();
    insert(1);
    insert("1");
    insert(true);
    // Distinct values of one (entity, attr): the unique eav index must accept all three.
    expect(sql.all(`SELECT COUNT(*) AS n FROM triples`)).toEqual([{ n: 3 }]);
    expect(matching(1).map((t) => t[2])).toStrictEqual([1]);
    expect(matching("1").map((t) => t[2])).toStrictEqual(["1"]);
    expect(matching(true).map((t) => t[2])).toStrictEqual([true]);
    expect(matching(false)).toEqual([]);
    expect(matching(0)).toEqual([]);
  });

  it("keeps false, 0, '', null and '0' distinct in SQL equality", () => {
    const { insert, matching } = db();
    const falsy: JsonValue[] = [false, 0, "", null, "0"];
    for (const v of falsy) insert(v);
    for (const v of falsy.filter((x) => x !== null)) expect(matching(v).map((t) => t[2])).toStrictEqual([v]);
    // null is found by its tag: SQL `v = NULL` never matches anything.
    expect(matching(null)).toEqual([]);
  });

  it("orders numbers as numbers and strings as strings", () => {
    const { sql, insert } = db();
    for (const v of [10, 2, 100, -3, 2.5, "10", "2", "100"]) insert(v);
    const sorted = (vt: number) =>
      sql.all<{ v: number | string }>(`SELECT v FROM triples WHERE a = ? AND vt = ? ORDER BY v`, A, vt).map((r) => r.v);
    expect(sorted(VT.number)).toEqual([-3, 2, 2.5, 10, 100]);
    expect(sorted(VT.string)).toEqual(["10", "100", "2"]);
  });
});
