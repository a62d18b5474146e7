/**
 * The generated sample library (test/sample-library) is what the oracle tests and the
 * bench stand on, so its promises are checked here: same seed → same data, sizes near
 * the target, well-formed ids and links, unique attrs unique, the well-known names, every
 * value kind present, and strings whose order the server's sort key reproduces exactly
 * (otherwise order tests would fail on a known sort-key limit, not on a bug).
 */
import { describe, expect, it } from "vitest";
import type { JsonValue, Triple } from "../../src/model/triple";
import { collationKey } from "../../src/store/sort-key";
import { DEFAULT_TRIPLES, generateLibrary, type Library } from "../sample-library/generate";

/** Sizes are approximate: within this fraction of the target. */
const SIZE_TOLERANCE = 0.02;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;

const lib = generateLibrary();
const name = (l: Library) => new Map(l.attrs.map((a) => [a.id, `${a.forward.etype}.${a.forward.label}`]));
const valuesOf = (l: Library, attr: string): JsonValue[] => {
  const n = name(l);
  return l.triples.filter((t) => n.get(t[1]) === attr).map((t) => t[2]);
};
const entitiesOf = (l: Library, etype: string) => new Set(valuesOf(l, `${etype}.id`) as string[]);

describe("sample library", () => {
  it("is deterministic per seed and differs across seeds", () => {
    expect(generateLibrary().triples).toEqual(lib.triples);
    expect(generateLibrary({ seed: 2 }).triples).not.toEqual(lib.triples);
    // The schema does not depend on the data's seed.
    expect(generateLibrary({ seed: 2 }).wireAttrs).toEqual(lib.wireAttrs);
  });

  it.each([DEFAULT_TRIPLES, 20_000, 60_000])("has about %i triples", (target) => {
    const n = generateLibrary({ seed: target, triples: target }).triples.length;
    expect(Math.abs(n - target) / target).toBeLessThan(SIZE_TOLERANCE);
  });

  it("uses v4-shaped ids, and every link points at an entity of the right etype", () => {
    const big = generateLibrary({ seed: 3, triples: 20_000 });
    for (const a of big.attrs) expect(a.id).toMatch(UUID_V4);
    const ids = { users: entitiesOf(big, "users"), bookshelves: entitiesOf(big, "bookshelves"), books: entitiesOf(big, "books") };
    for (const a of big.attrs.filter((x) => x.valueType === "ref")) {
      const from = ids[a.forward.etype as keyof typeof ids];
      const to = ids[a.reverse?.etype as keyof typeof ids];
      for (const t of big.triples.filter((x) => x[1] === a.id)) {
        expect(from.has(t[0])).toBe(true);
        expect(to.has(t[2] as string)).toBe(true);
      }
    }
    for (const id of ids.books) expect(id).toMatch(UUID_V4);
  });

  it("keeps unique attrs unique, has-one links single, and no triple twice", () => {
    const big = generateLibrary({ seed: 4, triples: 20_000 });
    for (const attr of ["users.handle", "users.email", "books.next"]) {
      const vs = valuesOf(big, attr);
      expect(new Set(vs).size).toBe(vs.length);
    }
    const prequels = big.triples.filter((t) => name(big).get(t[1]) === "books.prequel").map((t) => t[0]);
    expect(new Set(prequels).size).toBe(prequels.length);
    const keys = big.triples.map((t) => JSON.stringify(t.slice(0, 3)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("has the well-known names", () => {
    expect(lib.handles.slice(0, 3)).toEqual(["stopa", "joe", "alex"]);
    expect(valuesOf(lib, "bookshelves.name")).toEqual(expect.arrayContaining(["Poetry", "Essays"]));
    expect(valuesOf(lib, "books.title")).toContain("The Count of Monte Cristo");
  });

  it("holds every value kind: accents, emoji, spaces, case twins, numbers, dates, booleans, JSON, nulls", () => {
    const strings = lib.triples.map((t) => t[2]).filter((v): v is string => typeof v === "string");
    expect(strings.some((s) => /[À-ſ]/.test(s))).toBe(true);
    expect(strings.some((s) => /\p{Extended_Pictographic}/u.test(s))).toBe(true);
    expect(strings.some((s) => s !== s.trim())).toBe(true);
    const titles = valuesOf(lib, "books.title") as string[];
    expect(titles.some((t) => t !== t.toLowerCase() && titles.includes(t.toLowerCase()))).toBe(true);
    expect(valuesOf(lib, "users.karma").some((v) => (v as number) < 0)).toBe(true);
    expect(valuesOf(lib, "books.rating").some((v) => !Number.isInteger(v))).toBe(true);
    const dates = valuesOf(lib, "books.publishedAt");
    expect(dates.some((v) => typeof v === "number" && v < 0)).toBe(true);
    expect(dates.some((v) => typeof v === "string")).toBe(true);
    for (const d of dates) expect(Number.isNaN(new Date(d as string | number).getTime())).toBe(false);
    expect(valuesOf(lib, "books.inPrint")).toEqual(expect.arrayContaining([true, false]));
    expect(valuesOf(lib, "books.meta").some((v) => Array.isArray(v))).toBe(true);
    expect(valuesOf(lib, "books.meta").some((v) => v !== null && typeof v === "object" && !Array.isArray(v))).toBe(true);
    expect(valuesOf(lib, "books.description")).toContain(null);
    // Missing: some books have no pageCount triple at all.
    expect(valuesOf(lib, "books.pageCount").length).toBeLessThan(entitiesOf(lib, "books").size);
  });

  it("stores no null in a typed attr (the client compares null as 0 in $gt/$lt)", () => {
    const typed = new Set(lib.attrs.filter((a) => a.checkedDataType !== null).map((a) => a.id));
    expect(lib.triples.filter((t: Triple) => typed.has(t[1]) && t[2] === null)).toEqual([]);
  });

  it("orders its strings under the server's sort key exactly as the client's collator", () => {
    const collator = new Intl.Collator("en-US");
    const big = generateLibrary({ seed: 5, triples: 20_000 });
    const strings = [...new Set(big.triples.map((t) => t[2]).filter((v): v is string => typeof v === "string"))];
    const sorted = strings.sort(collator.compare);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1] as string, sorted[i] as string];
      const byCollator = Math.sign(collator.compare(a, b));
      const byKey = collationKey(a) < collationKey(b) ? -1 : collationKey(a) > collationKey(b) ? 1 : 0;
      if (byKey !== byCollator) expect([a, b, byKey]).toEqual([a, b, byCollator]);
    }
  });
});
