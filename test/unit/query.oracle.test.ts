// Differential tests: the client's own engine over our returned triples must show what
// it computes over the full data set (docs/protocol.md §7.2, docs/architecture.md §4).
import { describe, expect, it } from "vitest";
import type { Attr } from "../../src/model/attr";
import type { JsonValue } from "../../src/model/triple";
import { runQuery } from "../../src/query";
import { clientView, viewOfResult } from "../helpers/oracle";
import { type Fixture, loadFixture } from "../helpers/seed";

const typed: Record<string, Partial<Attr>> = {
  "books.pageCount": { indexed: true, checkedDataType: "number" },
  "books.title": { indexed: true, checkedDataType: "string" },
  "users.handle": { indexed: true, checkedDataType: "string" },
  "bookshelves.order": { indexed: true, checkedDataType: "number" },
  "person.born": { indexed: true, checkedDataType: "date" },
  "movie.year": { indexed: true, checkedDataType: "number" },
  "movie.title": { indexed: true, checkedDataType: "string" },
};
const tweak = (a: Attr): Attr => ({ ...a, ...typed[`${a.forward.etype}.${a.forward.label}`] });

const zeneca = loadFixture("zeneca", tweak);
const movies = loadFixture("movies", tweak);

function check(fx: Fixture, q: JsonValue) {
  const result = runQuery(fx.db.env, q);
  const ours = viewOfResult(fx.wireAttrs, result, q);
  const full = clientView(fx.wireAttrs, fx.triples, q);
  expect(ours).toEqual(full);
  return { result, ours };
}

const STOPA = "a55a5231-5c4d-4033-b859-7790c45c22d5";

const zenecaQueries: [string, JsonValue][] = [
  ["scan", { users: {} }],
  ["two namespaces", { users: {}, bookshelves: {} }],
  ["forward children", { users: { bookshelves: {} } }],
  ["two levels", { users: { bookshelves: { books: {} } } }],
  ["reverse children", { books: { bookshelves: { users: {} } } }],
  ["self link has-one", { books: { prequel: {}, sequels: {} } }],
  ["where attr", { users: { $: { where: { handle: "stopa" } } } }],
  ["where id", { users: { $: { where: { id: STOPA } }, bookshelves: {} } }],
  ["where link id", { bookshelves: { $: { where: { users: STOPA } } } }],
  ["where path fwd", { users: { $: { where: { "bookshelves.books.title": "The Count of Monte Cristo" } } } }],
  ["where path reverse", { books: { $: { where: { "bookshelves.users.handle": "joe" } } } }],
  ["where in", { users: { $: { where: { handle: { $in: ["joe", "stopa", "nobody"] } } } } }],
  ["where legacy in", { users: { $: { where: { handle: { in: ["alex"] } } } } }],
  ["where or", { users: { $: { where: { or: [{ handle: "joe" }, { "bookshelves.name": "Poetry" }] } } } }],
  ["where and", { users: { $: { where: { and: [{ "bookshelves.name": "Poetry" }, { "bookshelves.name": "Essays" }] } } } }],
  ["nested or/and", { bookshelves: { $: { where: { or: [{ and: [{ name: "Poetry" }, { "users.handle": "stopa" }] }, { order: 0 }] } } } }],
  ["child where", { users: { bookshelves: { $: { where: { name: "Poetry" } }, books: {} } } }],
  ["not", { users: { $: { where: { handle: { $not: "joe" } } } } }],
  ["ne on path", { bookshelves: { $: { where: { "users.handle": { $ne: "stopa" } } } } }],
  ["isNull true", { books: { $: { where: { prequel: { $isNull: true } } } } }],
  ["isNull false", { books: { $: { where: { prequel: { $isNull: false } } } } }],
  ["isNull reverse", { books: { $: { where: { sequels: { $isNull: false } } } } }],
  ["isNull path", { books: { $: { where: { "bookshelves.users.fullName": { $isNull: true } } } } }],
  ["gt number", { books: { $: { where: { pageCount: { $gt: 500 } } } } }],
  ["lte number + and", { books: { $: { where: { and: [{ pageCount: { $gte: 100 } }, { pageCount: { $lte: 200 } }] } } } }],
  ["string lt", { users: { $: { where: { handle: { $lt: "m" } } } } }],
  ["like", { books: { $: { where: { title: { $like: "%Count%" } } } } }],
  ["ilike", { books: { $: { where: { title: { $ilike: "the %" } } } } }],
  ["like long", { books: { $: { where: { title: { $like: "The Count of Monte Cristo and a very long pattern%" } } } } }],
  ["like long match", { books: { $: { where: { title: { $like: "%e%o%u%n%t%o%f%M%o%n%t%e%C%r%i%s%t%o%" } } } } }],
  ["fields", { users: { $: { fields: ["handle"] }, bookshelves: { $: { fields: ["name"] } } } }],
  ["unknown attr", { users: { $: { where: { nope: 1 } } } }],
  ["unknown etype", { nothing: {} }],
  ["unknown child", { users: { nothing: {} } }],
  ["limit default order", { books: { $: { limit: 5 } } }],
  ["order desc limit", { books: { $: { order: { serverCreatedAt: "desc" }, limit: 7 }, bookshelves: {} } }],
  ["order by number", { books: { $: { order: { pageCount: "desc" }, limit: 10 } } }],
  ["order by number asc where", { books: { $: { order: { pageCount: "asc" }, first: 4, where: { "bookshelves.users.handle": "stopa" } } } }],
  ["order by string", { users: { $: { order: { handle: "asc" } } } }],
];

describe("oracle: zeneca", () => {
  it.each(zenecaQueries)("%s", (_name, q) => {
    check(zeneca, q);
  });

  it("paginated results have as many rows as the limit", () => {
    const { ours } = check(zeneca, { books: { $: { limit: 5 } } });
    expect((ours as { books: unknown[] }).books).toHaveLength(5);
  });
});

const moviesQueries: [string, JsonValue][] = [
  ["scan", { movie: {} }],
  ["cast", { movie: { cast: {} } }],
  ["reverse cast", { person: { movie: {} } }],
  ["date gt", { person: { $: { where: { born: { $gt: "1960-01-01T00:00:00Z" } } } } }],
  ["date lt ms", { person: { $: { where: { born: { $lt: Date.UTC(1940, 0, 1) } } } } }],
  ["order by date", { person: { $: { order: { born: "desc" }, limit: 6 } } }],
  ["order by year", { movie: { $: { order: { year: "asc" }, limit: 3 }, cast: {} } }],
  ["where path", { movie: { $: { where: { "cast.name": "Arnold Schwarzenegger" } } } }],
  ["where path not", { movie: { $: { where: { "cast.name": { $not: "Arnold Schwarzenegger" } } } } }],
];

describe("oracle: movies", () => {
  it.each(moviesQueries)("%s", (_name, q) => {
    check(movies, q);
  });
});
