/**
 * `order` (docs/protocol.md §7.3–7.4): asc/desc on number, string (the client's en-US collator),
 * date (timestamps, ISO strings and epoch ms mixed) and boolean attrs; null and missing
 * values first in asc, last in desc; ties by entity id; cursors through the stored sort
 * key; validation errors; order on children ignored server-side.
 */
import { describe, expect, it } from "vitest";
import type { Attr } from "../../src/model/attr";
import type { JsonValue } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import { InstantError } from "../../src/protocol/errors";
import { type PageInfo, runQuery } from "../../src/query";
import { clientView, viewOfResult } from "../helpers/oracle";
import { type Db, addTriples, blob, link, openDb, putAttrs, uid } from "../helpers/seed";

const attrs: Attr[] = [
  blob("items", "id"),
  blob("items", "n", { indexed: true, type: "number" }),
  blob("items", "s", { indexed: true, type: "string" }),
  blob("items", "d", { indexed: true, type: "date" }),
  blob("items", "b", { indexed: true, type: "boolean" }),
  blob("items", "plain"),
  blob("items", "untyped", { indexed: true }),
  blob("items", "unindexed", { type: "number" }),
  blob("parts", "id"),
  blob("parts", "n", { indexed: true, type: "number" }),
  link("items", "parts", "parts", "item"),
];
const a = (label: string, etype = "items") => attrs.find((x) => x.forward.etype === etype && x.forward.label === label) as Attr;

type Row = { name: string; n?: number | null; s?: string | null; d?: string | number | null; b?: boolean | null; t?: number };
const rows: Row[] = [
  { name: "e1", n: 3, s: "apple", d: "2020-01-02T00:00:00.000Z", b: true },
  { name: "e2", n: -1, s: "Apple", d: Date.UTC(2020, 0, 1), b: false },
  { name: "e3", n: 10, s: "éclair", d: "2019-12-31", b: true },
  { name: "e4", n: 3, s: "Eclair", d: Date.UTC(2021, 5, 1), b: false },
  { name: "e5", n: null, s: null, d: null, b: null },
  { name: "e6" },
  { name: "e7", n: 2.5, s: "a-b", d: "2020-01-01T12:00:00.000Z", b: true },
  { name: "e8", n: -1, s: "ab", d: "2020-01-01T12:00:00.000Z", b: false },
  { name: "e9", n: 100, s: "zebra", d: 0, b: true },
  { name: "e10", n: 0, s: "Zoë", d: -86_400_000, b: false },
  { name: "e11", n: 0, s: "a b", d: "2030-01-01T00:00:00.000Z" },
  { name: "e12", n: 1e9, s: "10", d: "1999-01-01T00:00:00.000Z", b: true },
  { name: "e13", n: -1e9, s: "9", d: Date.UTC(1999, 0, 1) },
];

function seed(): { db: Db; triples: [string, string, JsonValue, number][] } {
  const db = openDb();
  putAttrs(db, attrs);
  const triples: [string, string, JsonValue, number][] = [];
  rows.forEach((r, i) => {
    const id = uid(r.name);
    const t = 1_700_000_000_000 + (i % 4);
    triples.push([id, a("id").id, id, t]);
    for (const k of ["n", "s", "d", "b"] as const) if (k in r) triples.push([id, a(k).id, r[k] as JsonValue, t]);
    const part = uid(`part-${r.name}`);
    triples.push([part, a("id", "parts").id, part, t + 10], [part, a("n", "parts").id, i, t], [id, a("parts").id, part, t]);
  });
  addTriples(db, triples);
  return { db, triples };
}

const { db, triples } = seed();
const wire = attrs.map(attrToWire);
const names = new Map(rows.map((r) => [uid(r.name), r.name]));

/** Our page as the client shows it, checked against the client over the full data. */
function page(q: JsonValue): string[] {
  const res = runQuery(db.env, q);
  const ours = viewOfResult(wire, res, q) as { items: { id: string }[] };
  expect(ours).toEqual(clientView(wire, triples, q));
  return ours.items.map((x) => names.get(x.id) as string);
}

describe("order by each type", () => {
  it.each(["n", "s", "d", "b"])("%s: asc and desc pages equal the client's order", (field) => {
    for (const dir of ["asc", "desc"]) {
      const all = page({ items: { $: { order: { [field]: dir } } } });
      expect(all).toHaveLength(rows.length);
      for (const limit of [1, 3, 5, 8]) expect(page({ items: { $: { order: { [field]: dir }, limit } } })).toEqual(all.slice(0, limit));
    }
  });

  it("strings follow the en-US collator: case and accents are secondary, punctuation and digits sort first", () => {
    expect(page({ items: { $: { order: { s: "asc" } } } })).toEqual(["e6", "e5", "e11", "e7", "e12", "e13", "e8", "e1", "e2", "e3", "e4", "e9", "e10"].sort(
      (x, y) => order(x, y),
    ));
  });

  it("nulls and missing values come first in asc and last in desc, ties by entity id", () => {
    const asc = page({ items: { $: { order: { n: "asc" } } } });
    const nullish = ["e5", "e6"].sort((x, y) => (uid(x) < uid(y) ? -1 : 1));
    expect(asc.slice(0, 2)).toEqual(nullish);
    expect(page({ items: { $: { order: { n: "desc" } } } }).slice(-2)).toEqual([...nullish].reverse());
    const tied = asc.filter((x) => ["e2", "e8"].includes(x));
    expect(tied).toEqual(["e2", "e8"].sort((x, y) => (uid(x) < uid(y) ? -1 : 1)));
  });

  it("dates mix ISO strings and epoch ms and compare as timestamps", () => {
    const asc = page({ items: { $: { order: { d: "asc" } } } });
    // 1969-12-31 (ms), 1970-01-01 (0 ms), then 1999-01-01 as ISO and as ms: a tie, by id.
    expect(asc.slice(2, 6)).toEqual(["e10", "e9", ...["e12", "e13"].sort((x, y) => (uid(x) < uid(y) ? -1 : 1))]);
  });

  it("cursors page through a string order without gaps or repeats", () => {
    const seen: string[] = [];
    let after: JsonValue | undefined;
    for (let i = 0; i < 10; i++) {
      const q = { items: { $: { order: { s: "desc" }, limit: 4, ...(after ? { after } : {}) } } };
      const res = runQuery(db.env, q as JsonValue);
      const pi = res.pageInfo.items as PageInfo;
      const view = viewOfResult(wire, res, q as JsonValue) as { items: { id: string }[] };
      seen.push(...view.items.map((x) => names.get(x.id) as string));
      if (!pi.hasNextPage) break;
      after = pi.endCursor as JsonValue;
    }
    expect(seen).toEqual(page({ items: { $: { order: { s: "desc" } } } }));
  });

  it("fields without the order attr still return its triples, so the client sorts the page right", () => {
    const q = { items: { $: { order: { s: "asc" }, fields: ["n"], limit: 4 } } };
    page(q);
    const res = runQuery(db.env, q);
    expect(res.triples.some((t) => t[1] === a("s").id)).toBe(true);
  });
});

describe("order errors and children", () => {
  const fails = (q: JsonValue, message: string) => {
    let err: unknown;
    try {
      runQuery(db.env, q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstantError);
    expect(JSON.stringify((err as InstantError).hint)).toContain(message);
  };

  it("rejects unindexed, untyped and unknown order fields", () => {
    fails({ items: { $: { order: { unindexed: "asc" } } } }, "is not indexed");
    fails({ items: { $: { order: { untyped: "asc" } } } }, "is not typed");
    fails({ items: { $: { order: { plain: "asc" } } } }, "is not indexed");
    fails({ items: { $: { order: { nope: "asc" } } } }, "There is no `nope` attribute for items.");
  });

  it("order inside a child form is ignored by the server but every child is returned", () => {
    const q = { items: { parts: { $: { order: { n: "desc" } } } } };
    const res = runQuery(db.env, q);
    expect(res.pageInfo).toEqual({});
    expect(res.triples.filter((t) => t[1] === a("id", "parts").id)).toHaveLength(rows.length);
    expect(viewOfResult(wire, res, q)).toEqual(clientView(wire, triples, q));
  });
});

const collator = new Intl.Collator("en-US");
function order(x: string, y: string): number {
  const sx = rows.find((r) => r.name === x)?.s;
  const sy = rows.find((r) => r.name === y)?.s;
  if (sx == null && sy == null) return uid(x) < uid(y) ? -1 : 1;
  if (sx == null) return -1;
  if (sy == null) return 1;
  return collator.compare(sx, sy) || (uid(x) < uid(y) ? -1 : 1);
}
