// Pagination: limit/offset/cursors/last and page-info (docs/protocol.md §7.4).
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { type Cursor, runQuery } from "../../src/query";
import { addTriples, blob, entity, openDb, putAttrs, uid } from "../helpers/seed";

const db = openDb();
putAttrs(db, [blob("n", "id"), blob("n", "rank", { indexed: true, type: "number" }), blob("n", "at", { indexed: true, type: "date" })]);
// created_at order: e0..e9; rank descends with i; e9 has no rank.
for (let i = 0; i < 10; i++) {
  const fields: Record<string, JsonValue> = { at: i % 2 ? 1_700_000_000_000 + i : new Date(1_700_000_000_000 + i).toISOString() };
  if (i < 9) fields.rank = 100 - i;
  entity(db, "n", uid(`e${i}`), fields, 1000 + i);
}
const e = (i: number) => uid(`e${i}`);

function page(opts: JsonValue) {
  const r = runQuery(db.env, { n: { $: opts } });
  const idAttr = db.attrs.forward("n", "id")!.id;
  const info = r.pageInfo.n!;
  return { info, ids: r.triples.filter((t) => t[1] === idAttr).map((t) => t[0]) };
}

describe("query pagination", () => {
  it("limit in serverCreatedAt order with page-info", () => {
    const { info, ids } = page({ limit: 3 });
    expect(ids.sort()).toEqual([e(0), e(1), e(2)].sort());
    expect(info.startCursor).toEqual([e(0), db.attrs.forward("n", "id")!.id, e(0), 1000]);
    expect(info.endCursor?.[0]).toBe(e(2));
    expect(info).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("after cursor, exclusive and inclusive", () => {
    const first = page({ limit: 3 }).info.endCursor as Cursor;
    const next = page({ limit: 3, after: first });
    expect(next.info.startCursor?.[0]).toBe(e(3));
    expect(next.info).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(page({ limit: 3, after: first, afterInclusive: true }).info.startCursor?.[0]).toBe(e(2));
  });

  it("offset and the end of the data", () => {
    const { info } = page({ limit: 4, offset: 8 });
    expect(info.startCursor?.[0]).toBe(e(8));
    expect(info.endCursor?.[0]).toBe(e(9));
    expect(info).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("last before a cursor, in query order", () => {
    const cur = page({ limit: 6 }).info.endCursor as Cursor; // e5
    const { info } = page({ last: 2, before: cur });
    expect([info.startCursor?.[0], info.endCursor?.[0]]).toEqual([e(3), e(4)]);
    expect(info).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it("orders by a typed attr with nulls first ascending and last descending", () => {
    expect(page({ order: { rank: "asc" }, limit: 2 }).info.startCursor?.slice(0, 3)).toEqual([e(9), db.attrs.forward("n", "rank")!.id, null]);
    const desc = page({ order: { rank: "desc" }, limit: 2 });
    expect([desc.info.startCursor?.[0], desc.info.endCursor?.[0]]).toEqual([e(0), e(1)]);
    const after = page({ order: { rank: "desc" }, after: desc.info.endCursor, limit: 20 });
    expect(after.info.endCursor?.[0]).toBe(e(9));
    expect(after.ids).toHaveLength(8);
  });

  it("orders dates stored as ms and ISO strings together", () => {
    const { info } = page({ order: { at: "desc" }, limit: 3 });
    expect([info.startCursor?.[0], info.endCursor?.[0]]).toEqual([e(9), e(7)]);
  });

  it("rejects a cursor from another order", () => {
    const cur = page({ limit: 1 }).info.endCursor;
    expect(() => page({ order: { rank: "asc" }, after: cur })).toThrow(
      "Invalid after cursor. The query orders by `rank`, but the query that returned the cursor orders by `serverCreatedAt`.",
    );
  });

  it("gives empty page-info for unknown etypes", () => {
    expect(runQuery(db.env, { nope: { $: { limit: 2 } } }).pageInfo).toEqual({
      nope: { startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false },
    });
  });
});

// Inclusive cursors compare as `(value, id) >= cursor`, by the cursor's value, not "is
// the cursor's entity". The infinite query's frozen chunks keep old cursors while the
// cursor entities' values change; matching the entity alone kept a moved entity in a
// chunk whose range it had left, and the client showed it twice (e2e infinite-query).
describe("inclusive cursors whose entity's value has since changed", () => {
  const moved = openDb();
  putAttrs(moved, [blob("m", "id"), blob("m", "rank", { indexed: true, type: "number" })]);
  const m = (i: number) => uid(`m${i}`);
  // m0 was 10 and is now 1 (before the range); m4 was 50 and is now 135 (after it).
  [1, 20, 30, 40, 135, 60].forEach((rank, i) => entity(moved, "m", m(i), { rank }, 2000 + i));
  const rank = moved.attrs.forward("m", "rank")!.id;
  const stale = (i: number, v: number): Cursor => [m(i), rank, v, 2000 + i];
  const chunk = (opts: JsonValue) => {
    const r = runQuery(moved.env, { m: { $: opts } });
    const idAttr = moved.attrs.forward("m", "id")!.id;
    return { info: r.pageInfo.m!, ids: r.triples.filter((t) => t[1] === idAttr).map((t) => t[0]).sort() };
  };

  it("ascending: neither moved cursor entity is inside [after, before]", () => {
    const { info, ids } = chunk({ order: { rank: "asc" }, after: stale(0, 10), afterInclusive: true, before: stale(4, 50), beforeInclusive: true });
    expect(ids).toEqual([m(1), m(2), m(3)].sort());
    expect([info.startCursor?.[0], info.endCursor?.[0]]).toEqual([m(1), m(3)]);
  });

  it("descending: the same range walked the other way", () => {
    const { info, ids } = chunk({ order: { rank: "desc" }, after: stale(4, 50), afterInclusive: true, before: stale(0, 10), beforeInclusive: true });
    expect(ids).toEqual([m(1), m(2), m(3)].sort());
    expect([info.startCursor?.[0], info.endCursor?.[0]]).toEqual([m(3), m(1)]);
  });

  it("a limited page after a moved inclusive cursor is still a full page", () => {
    const { info, ids } = chunk({ order: { rank: "asc" }, after: stale(0, 10), afterInclusive: true, limit: 2 });
    expect(ids).toEqual([m(1), m(2)].sort());
    expect(info).toMatchObject({ hasNextPage: true });
  });
});

// Attr-ordered pages walk the (a, k, e) index in windows (paginate-index.ts): nulls by
// id through the id triples, then keys. These data sets reach every branch of that walk:
// dense and sparse null runs, runs of order triples without an entity (more than a
// window); filtered pages take the sorting plan and must agree with it.
describe("index-driven pages agree with a reference sort", () => {
  type Spec = { name: string; value: (i: number) => number | null | undefined; orphans: number };
  const specs: Spec[] = [
    { name: "dense nulls", value: (i) => (i % 3 === 0 ? undefined : i % 7 === 0 ? null : (i * 37) % 50), orphans: 0 },
    { name: "sparse nulls, orphan run", value: (i) => (i === 17 || i === 200 ? undefined : i === 300 ? null : (i * 13) % 97), orphans: 60 },
    { name: "no nulls", value: (i) => i % 11, orphans: 5 },
  ];
  for (const spec of specs) {
    const db = openDb();
    putAttrs(db, [blob("p", "id"), blob("p", "score", { indexed: true, type: "number" }), blob("p", "tag")]);
    const score = db.attrs.forward("p", "score")!.id;
    const idAttr = db.attrs.forward("p", "id")!.id;
    const all: { id: string; v: number | null; tag: string }[] = [];
    for (let i = 0; i < 400; i++) {
      const id = uid(`${spec.name}:${i}`);
      const v = spec.value(i);
      const tag = i % 50 === 3 ? "rare" : i % 2 ? "odd" : "even";
      entity(db, "p", id, v === undefined ? { tag } : { score: v, tag }, 5000 + i);
      all.push({ id, v: v ?? null, tag });
    }
    // Order triples of entities that have no id triple: never shown, must not end a window early.
    for (let i = 0; i < spec.orphans; i++) addTriples(db, [[uid(`${spec.name}:orphan${i}`), score, 42, 9000 + i]]);
    const asc = (a: (typeof all)[number], b: (typeof all)[number]) =>
      a.v === b.v ? (a.id < b.id ? -1 : 1) : a.v === null ? -1 : b.v === null ? 1 : a.v - b.v;

    for (const where of [null, { tag: "odd" }, { tag: "rare" }]) {
      for (const dir of ["asc", "desc"] as const) {
        const ref = all.filter((x) => !where || x.tag === where.tag).sort(asc);
        if (dir === "desc") ref.reverse();
        const run = (opts: Record<string, JsonValue>) => {
          const r = runQuery(db.env, { p: { $: { order: { score: dir }, ...(where ? { where } : {}), ...opts } } });
          return { info: r.pageInfo.p!, ids: r.triples.filter((t) => t[1] === idAttr).map((t) => t[0]).sort() };
        };
        const expectPage = (got: ReturnType<typeof run>, from: number, to: number) => {
          const want = ref.slice(Math.max(0, from), to);
          expect(got.ids).toEqual(want.map((x) => x.id).sort());
          expect([got.info.startCursor?.[0] ?? null, got.info.endCursor?.[0] ?? null]).toEqual([want[0]?.id ?? null, want[want.length - 1]?.id ?? null]);
        };

        it(`${spec.name}, where ${JSON.stringify(where)}, ${dir}: forward, backward and offset pages`, () => {
          let after: JsonValue = null;
          for (let pos = 0; pos < ref.length; pos += 7) {
            const got = run({ limit: 7, ...(after ? { after } : {}) });
            expectPage(got, pos, pos + 7);
            expect(got.info).toMatchObject({ hasNextPage: pos + 7 < ref.length, hasPreviousPage: pos > 0 });
            after = got.info.endCursor as JsonValue;
          }
          let before: JsonValue = null;
          for (let end = ref.length; end > 0; end -= 9) {
            const got = run({ last: 9, ...(before ? { before } : {}) });
            expectPage(got, end - 9, end);
            expect(got.info).toMatchObject({ hasNextPage: end < ref.length, hasPreviousPage: end - 9 > 0 });
            before = got.info.startCursor as JsonValue;
          }
          for (const offset of [0, 5, 130, ref.length - 3, ref.length + 2]) {
            const got = run({ limit: 10, offset });
            expectPage(got, offset, offset + 10);
            expect(got.info.hasNextPage).toBe(offset + 10 < ref.length);
          }
        });
      }
    }
  }
});
