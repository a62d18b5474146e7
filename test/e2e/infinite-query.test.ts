/**
 * Infinite queries (docs/protocol.md §8.6) with the real @instantdb/core client: the client
 * composes one infinite list out of ordinary paginated subscriptions (a starter query,
 * forward chunks `after` a cursor with a limit, frozen chunks between two cursors,
 * reverse chunks in the flipped order), so these tests prove that the server's order,
 * cursors, inclusive flags and has-next-page agree with what the client expects, and
 * keep agreeing while another client changes the data under a loaded view.
 *
 * Every assertion is on what a user sees: the callback's `data.items` in order and
 * `canLoadNextPage`. Expected orders are computed here independently: by `n`, ties by
 * entity id (lowercase uuids, so string order is byte order), `desc` reversing both.
 */
import { i, id } from "@instantdb/core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { connectClient, createApp, type Db, record } from "./instant-client";

const url = inject("gatewayUrl");

// `n` is indexed and typed, which the server requires of an `order` field (§7.4).
const schema = i.schema({
  entities: { items: i.entity({ n: i.number().indexed(), label: i.string() }) },
  links: {},
  rooms: {},
});

const clients: Db[] = [];
const unsubscribes: (() => void)[] = [];
afterEach(() => {
  for (const u of unsubscribes.splice(0)) u();
  for (const db of clients.splice(0)) db.shutdown();
});

/** A fresh app with the schema, a reader (only ever reads) and a writer (only writes). */
async function setup() {
  const app = await createApp(url, { schema });
  const open = () => {
    const db = connectClient(url, app.id, { schema });
    clients.push(db);
    return db;
  };
  // Writes come from another client so the reader's view is built from server results
  // alone, never from its own optimistic updates.
  return { reader: open(), writer: open(), open };
}

type Item = { id: string; n: number; label: string };
type Direction = "asc" | "desc";
type InfiniteResponse = { data?: { items?: Item[] }; error?: { message: string }; canLoadNextPage: boolean };
/** What the user sees, in a form whose diff reads well when a wait times out. */
type View = { error: string | null; labels: string[] | null; canLoadNextPage: boolean };

const viewOf = (r: InfiniteResponse | undefined): View | undefined =>
  r && { error: r.error?.message ?? null, labels: r.data?.items?.map((x) => x.label) ?? null, canLoadNextPage: r.canLoadNextPage };

/** Subscribes an infinite query and records every callback. */
function infinite(db: Db, pageSize: number, order?: Record<string, Direction>) {
  const responses: InfiniteResponse[] = [];
  const $ = order ? { limit: pageSize, order } : { limit: pageSize };
  const sub = db.subscribeInfiniteQuery({ items: { $ } }, (r: unknown) => responses.push(r as InfiniteResponse));
  unsubscribes.push(sub.unsubscribe);
  const latest = () => responses.at(-1);
  return {
    latest,
    loadNextPage: sub.loadNextPage,
    /** Waits until the newest callback shows exactly these items; on timeout, fails with a diff. */
    async shows(items: readonly Item[], canLoadNextPage: boolean, what: string) {
      const want: View = { error: null, labels: items.map((x) => x.label), canLoadNextPage };
      try {
        await waitFor(() => JSON.stringify(viewOf(latest())) === JSON.stringify(want), { timeoutMs: 15_000, what });
      } catch (err) {
        expect(viewOf(latest()), what).toEqual(want);
        throw err;
      }
      const shown = latest()!.data!.items!;
      // Labels are unique per entity; ids must match too, each exactly once.
      expect(shown.map((x) => x.id)).toEqual(items.map((x) => x.id));
      expect(new Set(shown.map((x) => x.id)).size).toBe(shown.length);
    },
  };
}
type Infinite = ReturnType<typeof infinite>;

function sorted(items: readonly Item[], direction: Direction): Item[] {
  const asc = (a: Item, b: Item) => (a.n !== b.n ? a.n - b.n : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...items].sort(direction === "asc" ? asc : (a, b) => asc(b, a));
}

/** Creates items (one transaction) with unique labels, random ids unless given; returns them. */
async function seed(writer: Db, ns: readonly number[], prefix = "i", ids: readonly string[] = []): Promise<Item[]> {
  const items = ns.map((n, k) => ({ id: ids[k] ?? id(), n, label: `${prefix}${k}:${n}` }));
  await writer.transact(items.map((x) => writer.tx.items![x.id]!.create({ n: x.n, label: x.label })));
  return items;
}

/**
 * Shows the first page, then calls loadNextPage while the view says it can, checking
 * after every page that exactly the next `pageSize` items of `expected` were appended.
 * Returns the number of pages seen.
 */
async function loadAll(view: Infinite, expected: readonly Item[], pageSize: number): Promise<number> {
  let shown = Math.min(pageSize, expected.length);
  await view.shows(expected.slice(0, shown), shown < expected.length, "the first page");
  let pages = 1;
  while (view.latest()!.canLoadNextPage) {
    // More pages than items would mean has-next-page never turns false.
    expect(pages).toBeLessThan(expected.length + 1);
    view.loadNextPage();
    pages++;
    shown = Math.min(shown + pageSize, expected.length);
    await view.shows(expected.slice(0, shown), shown < expected.length, `page ${pages}`);
  }
  expect(shown).toBe(expected.length);
  return pages;
}

function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(Math.random() * (k + 1));
    [out[k], out[j]] = [out[j]!, out[k]!];
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe("infinite query over a typed number order", () => {
  it.each(["asc", "desc"] as const)("pages through 1..25 %s, 5 at a time", async (direction) => {
    const { reader, writer } = await setup();
    const items = await seed(writer, shuffled(range(1, 25)));
    const view = infinite(reader, 5, { n: direction });
    const expected = sorted(items, direction);
    expect(expected.map((x) => x.n)).toEqual(direction === "asc" ? range(1, 25) : range(1, 25).reverse());
    expect(await loadAll(view, expected, 5)).toBe(5);
  });

  it.each(["asc", "desc"] as const)("orders negatives, zero and fractions numerically (%s)", async (direction) => {
    const { reader, writer } = await setup();
    // Values whose text order differs from their numeric order (-10 < -9, 9 < 10).
    const ns = [-100, -10, -9, -3.5, -1, -0.25, 0, 0.5, 1, 2, 9, 10, 42, 100];
    const items = await seed(writer, shuffled(ns));
    const view = infinite(reader, 4, { n: direction });
    expect(await loadAll(view, sorted(items, direction), 4)).toBe(4);
  });

  it.each(["asc", "desc"] as const)("shows tied values straddling page edges exactly once (%s)", async (direction) => {
    const { reader, writer } = await setup();
    // Seven 4s start at position 3 and cover the page edges at 5 and 10; three 6s
    // straddle the edge at 15 (page size 5). Ties order by entity id.
    const ns = [1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 8];
    const items = await seed(writer, shuffled(ns));
    const view = infinite(reader, 5, { n: direction });
    expect(await loadAll(view, sorted(items, direction), 5)).toBe(4);
  });

  it("pages one item at a time, ties included", async () => {
    const { reader, writer } = await setup();
    const items = await seed(writer, shuffled([3, 1, 2, 2, 5, 4, 2]));
    const view = infinite(reader, 1, { n: "asc" });
    expect(await loadAll(view, sorted(items, "asc"), 1)).toBe(7);
  });
});

describe("a loaded infinite view under live changes", () => {
  it("converges after inserts, deletes and moves across chunk edges, before and after the window", async () => {
    const { reader, writer } = await setup();
    let items = await seed(writer, range(1, 20).map((k) => k * 10));
    const byN = (n: number) => items.find((x) => x.n === n)!;
    const view = infinite(reader, 5, { n: "asc" });
    // Four chunks: [10..50] [60..100] [110..150] frozen, [160..200] live.
    expect(await loadAll(view, sorted(items, "asc"), 5)).toBe(4);
    const all = (canLoadNextPage = false) => view.shows(sorted(items, "asc"), canLoadNextPage, "the full ordering");

    const update = async (n: number, to: number) => {
      const x = byN(n);
      await writer.transact(writer.tx.items![x.id]!.update({ n: to }));
      items = items.map((y) => (y.id === x.id ? { ...y, n: to } : y));
    };

    // Inside the first (frozen) chunk.
    items.push(...(await seed(writer, [25], "new")));
    await all();

    // Deleted from the middle of the second chunk.
    const gone = byN(70);
    await writer.transact(writer.tx.items![gone.id]!.delete());
    items = items.filter((x) => x.id !== gone.id);
    await all();

    // Ties with the second chunk's end cursor (100): the smallest id sorts before the
    // cursor entity (inside the second chunk), the largest after it (the third chunk).
    const lowest = "00000000-0000-4000-8000-000000000000";
    const highest = "ffffffff-ffff-4fff-bfff-ffffffffffff";
    items.push(...(await seed(writer, [100, 100], "tie", [lowest, highest])));
    await all();

    // The third chunk's end-cursor entity is deleted; the live chunk starts after it.
    const edge = byN(150);
    await writer.transact(writer.tx.items![edge.id]!.delete());
    items = items.filter((x) => x.id !== edge.id);
    await all();

    // Moves from the first chunk into the third.
    await update(30, 125);
    await all();

    // The first chunk's end-cursor entity moves into the third chunk: the first chunk
    // still ends at the cursor's old value, so it must no longer contain it.
    await update(50, 135);
    await all();

    // The first chunk's (inclusive) start-cursor entity moves before the window; the
    // reverse chunk picks it up, and the first chunk must let it go.
    await update(10, 1);
    await all();

    // A new item before the window.
    items.push(...(await seed(writer, [5], "new")));
    await all();

    // Two items after the live chunk overflow it: it keeps its page size and now
    // has a next page; loading it shows them.
    const late = await seed(writer, [300, 310], "late");
    await view.shows(sorted(items, "asc"), true, "the live chunk with a next page");
    items.push(...late);
    view.loadNextPage();
    await all(false);
  });
});

describe("infinite query in the default order (serverCreatedAt)", () => {
  /** The items in serverCreatedAt order as a plain (non-paginated) query on another client sorts them. */
  async function createdOrder(open: () => Db, count: number): Promise<Item[]> {
    const oracle = record(open(), { items: {} });
    unsubscribes.push(oracle.unsubscribe);
    const r = await oracle.until((x) => x.data?.items?.length === count, `all ${count} items in a plain query`);
    return r.data.items as Item[];
  }

  it("fills the first page live, then appends items created after the window", async () => {
    const { reader, writer, open } = await setup();
    const view = infinite(reader, 3);
    await view.shows([], false, "an empty list");
    const items: Item[] = [];
    // One transaction each so every item has its own created_at (ties, if the clock
    // does not move, are broken by id in both the oracle and the server).
    const add = async (k: number) => items.push(...(await seed(writer, [k], `c${k}-`)));
    await add(1);
    await add(2);
    await view.shows(await createdOrder(open, 2), false, "a partial first page");
    await add(3);
    let order = await createdOrder(open, 3);
    await view.shows(order, false, "a full first page");
    for (const k of range(4, 7)) await add(k);
    order = await createdOrder(open, 7);
    await view.shows(order.slice(0, 3), true, "the first page with more after it");

    // Updating a field must not change an item's created_at, so nothing moves.
    const first = order[0]!;
    await writer.transact(writer.tx.items![first.id]!.update({ label: `${first.label}!` }));
    order = order.map((x) => (x.id === first.id ? { ...x, label: `${first.label}!` } : x));
    await view.shows(order.slice(0, 3), true, "the renamed item in place");

    expect(await loadAll(view, order, 3)).toBe(3);
  });

  it("newest first: items created after subscribing arrive before the loaded window", async () => {
    const { reader, writer, open } = await setup();
    for (const k of range(1, 8)) await seed(writer, [k], `old${k}-`);
    const old = (await createdOrder(open, 8)).reverse();
    const view = infinite(reader, 3, { serverCreatedAt: "desc" });
    await view.shows(old.slice(0, 3), true, "the newest three");

    // Seven new items: more than a page, so the reverse chunk fills, freezes and a new
    // one starts, and all of them show up in front of the loaded window.
    for (const k of range(1, 7)) await seed(writer, [100 + k], `new${k}-`);
    const everything = (await createdOrder(open, 15)).reverse();
    const fresh = everything.slice(0, 7);
    expect(fresh.every((x) => x.label.startsWith("new"))).toBe(true);
    await view.shows([...fresh, ...old.slice(0, 3)], true, "new items before the window");

    // Paging on continues after the originally loaded window.
    let shown = 10;
    while (view.latest()!.canLoadNextPage) {
      expect(shown).toBeLessThan(everything.length);
      view.loadNextPage();
      shown = Math.min(shown + 3, everything.length);
      await view.shows(everything.slice(0, shown), shown < everything.length, `up to ${shown} items`);
    }
    expect(shown).toBe(everything.length);
  });
});
