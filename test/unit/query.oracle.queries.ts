/**
 * The named queries of the oracle test (query.oracle.test.ts), written against the
 * generated library's well-known names and value kinds: links both ways and the two
 * self links, every where operator, paths, order on strings with accents, case twins,
 * spaces and emoji, `$like`/`$ilike` on accented text, dates in both stored forms,
 * floats and negatives, booleans, nulls (missing and explicit) and JSON values.
 * Forms the client engine is known to evaluate differently from Instant's server
 * ($not/$isNull through reverse links...) are left out, per the gaps listed in
 * query.random-oracle.test.ts.
 */
import type { JsonValue } from "../../src/model/triple";
import type { NamedQuery } from "../helpers/generic-queries";
import type { Library } from "../sample-library/generate";

/** The id of the user with `handle` (the known handles exist at every seed). */
function userId(lib: Library, handle: string): string {
  const attr = lib.attrs.find((a) => a.forward.etype === "users" && a.forward.label === "handle")?.id;
  const t = lib.triples.find((x) => x[1] === attr && x[2] === handle);
  if (!t) throw new Error(`no user ${handle}`);
  return t[0];
}

const linkQueries = (stopa: string): NamedQuery[] => [
  ["scan", { users: {} }],
  ["two namespaces", { users: {}, bookshelves: {} }],
  ["forward children", { users: { bookshelves: {} } }],
  ["two levels", { users: { bookshelves: { books: {} } } }],
  ["reverse children", { books: { bookshelves: { users: {} } } }],
  ["self link has-one", { books: { prequel: {}, sequels: {} } }],
  ["self link unique many", { books: { next: {}, previous: {} } }],
  ["where id", { users: { $: { where: { id: stopa } }, bookshelves: {} } }],
  ["where link id", { bookshelves: { $: { where: { users: stopa } } } }],
  ["where path fwd", { users: { $: { where: { "bookshelves.books.title": "The Count of Monte Cristo" } } } }],
  ["where path reverse", { books: { $: { where: { "bookshelves.users.handle": "joe" } } } }],
  ["where path self link", { books: { $: { where: { "sequels.pageCount": { $gt: 300 } } }, sequels: {} } }],
  ["where path not (forward)", { bookshelves: { $: { where: { "books.title": { $not: "The Count of Monte Cristo" } } } } }],
  ["child where", { users: { bookshelves: { $: { where: { name: "Poetry" } }, books: {} } } }],
  ["fields", { users: { $: { fields: ["handle"] }, bookshelves: { $: { fields: ["name"] } } } }],
  ["unknown attr", { users: { $: { where: { nope: 1 } } } }],
  ["unknown etype", { nothing: {} }],
  ["unknown child", { users: { nothing: {} } }],
];

const whereQueries: NamedQuery[] = [
  ["where attr", { users: { $: { where: { handle: "stopa" } } } }],
  ["where in", { users: { $: { where: { handle: { $in: ["joe", "stopa", "nobody"] } } } } }],
  ["where legacy in", { users: { $: { where: { handle: { in: ["alex"] } } } } }],
  ["where or", { users: { $: { where: { or: [{ handle: "joe" }, { "bookshelves.name": "Poetry" }] } } } }],
  ["where and", { users: { $: { where: { and: [{ "bookshelves.name": "Poetry" }, { "bookshelves.name": "Essays" }] } } } }],
  ["nested or/and", { bookshelves: { $: { where: { or: [{ and: [{ name: "Poetry" }, { "users.handle": "stopa" }] }, { order: 0 }] } } } }],
  ["not", { users: { $: { where: { handle: { $not: "joe" } } } } }],
  ["ne on path", { bookshelves: { $: { where: { "users.handle": { $ne: "stopa" } } } } }],
  ["string lt", { users: { $: { where: { handle: { $lt: "m" } } } } }],
  ["exact match with spaces", { bookshelves: { $: { where: { name: " to read " } } } }],
  ["accented equality", { users: { $: { where: { handle: "Zoë" } } } }],
];

const likeQueries: NamedQuery[] = [
  ["like", { books: { $: { where: { title: { $like: "%Count%" } } } } }],
  ["ilike", { books: { $: { where: { title: { $ilike: "the %" } } } } }],
  ["like long", { books: { $: { where: { title: { $like: "The Count of Monte Cristo and a very long pattern%" } } } } }],
  ["like long match", { books: { $: { where: { title: { $like: "%e%o%u%n%t%o%f%M%o%n%t%e%C%r%i%s%t%o%" } } } } }],
  ["like accented", { books: { $: { where: { title: { $like: "%Café%" } } } } }],
  ["ilike accented", { books: { $: { where: { title: { $ilike: "%CAFÉ%" } } } } }],
  ["ilike ascii pattern on accented values", { users: { $: { where: { handle: { $ilike: "zo%" } } } } }],
  ["like emoji", { books: { $: { where: { title: { $like: "%☕" } } } } }],
  ["like leading space", { books: { $: { where: { title: { $like: " %" } } } } }],
  ["like one char over accent", { books: { $: { where: { title: { $like: "%Caf_%" } } } } }],
  ["ilike on path", { users: { $: { where: { "bookshelves.name": { $ilike: "%poetry%" } } } } }],
];

const valueQueries: NamedQuery[] = [
  ["gt number", { books: { $: { where: { pageCount: { $gt: 500 } } } } }],
  ["lte number + and", { books: { $: { where: { and: [{ pageCount: { $gte: 100 } }, { pageCount: { $lte: 200 } }] } } } }],
  ["negative numbers", { users: { $: { where: { karma: { $lt: 0 } } } } }],
  ["float range", { books: { $: { where: { rating: { $gte: 4.5 } } } } }],
  ["negative or float order value", { bookshelves: { $: { where: { or: [{ order: -1 }, { order: 1.5 }, { order: 2.5 }] } } } }],
  ["boolean true", { books: { $: { where: { inPrint: true } } } }],
  ["boolean false", { users: { $: { where: { verified: false } } } }],
  ["boolean untyped-index", { bookshelves: { $: { where: { isPublic: true } }, books: {} } }],
  ["isNull true", { books: { $: { where: { prequel: { $isNull: true } } } } }],
  ["isNull false", { books: { $: { where: { prequel: { $isNull: false } } } } }],
  ["isNull path", { books: { $: { where: { "bookshelves.users.fullName": { $isNull: true } } } } }],
  ["isNull missing or null text", { users: { $: { where: { fullName: { $isNull: true } } } } }],
  ["isNull false text", { books: { $: { where: { description: { $isNull: false } } } } }],
  ["isNull typed missing", { books: { $: { where: { pageCount: { $isNull: true } } } } }],
  ["isNull json", { bookshelves: { $: { where: { tags: { $isNull: true } } } } }],
  ["isNull forward link", { users: { $: { where: { bookshelves: { $isNull: true } } } } }],
  ["json fields", { users: { $: { fields: ["handle", "settings"] } } }],
  ["json values with children", { books: { $: { where: { meta: { $isNull: false } }, limit: 10 }, bookshelves: {} } }],
  ["date gt iso", { books: { $: { where: { publishedAt: { $gt: "1960-01-01T00:00:00Z" } } } } }],
  ["date lt ms (pre-1970)", { books: { $: { where: { publishedAt: { $lt: Date.UTC(1900, 0, 1) } } } } }],
  ["date gte day", { users: { $: { where: { createdAt: { $gte: "2021-01-01" } } } } }],
  ["date on path", { users: { $: { where: { "bookshelves.books.publishedAt": { $lt: "1870-01-01" } } } } }],
];

const orderQueries: NamedQuery[] = [
  ["limit default order", { books: { $: { limit: 5 } } }],
  ["order desc limit", { books: { $: { order: { serverCreatedAt: "desc" }, limit: 7 }, bookshelves: {} } }],
  ["order by number", { books: { $: { order: { pageCount: "desc" }, limit: 10 } } }],
  ["order by number asc where", { books: { $: { order: { pageCount: "asc" }, first: 4, where: { "bookshelves.users.handle": "stopa" } } } }],
  ["order by float", { books: { $: { order: { rating: "asc" }, limit: 12 } } }],
  ["order by negative ints", { users: { $: { order: { karma: "asc" } } } }],
  ["order by string", { users: { $: { order: { handle: "asc" } } } }],
  ["order by accented titles", { books: { $: { order: { title: "asc" }, limit: 40 } } }],
  ["order by titles desc", { books: { $: { order: { title: "desc" }, limit: 40 } } }],
  ["order by shelf names (case, spaces, emoji)", { bookshelves: { $: { order: { name: "asc" } } } }],
  ["order by boolean", { books: { $: { order: { inPrint: "desc" }, limit: 10 } } }],
  ["order by date", { books: { $: { order: { publishedAt: "desc" }, limit: 6 } } }],
  ["order by date asc, children", { books: { $: { order: { publishedAt: "asc" }, limit: 3 }, bookshelves: {} } }],
  ["order by mixed date forms", { users: { $: { order: { createdAt: "asc" } } } }],
];

export function libraryQueries(lib: Library): NamedQuery[] {
  const stopa = userId(lib, "stopa");
  const all: NamedQuery[] = [...linkQueries(stopa), ...whereQueries, ...likeQueries, ...valueQueries, ...orderQueries];
  return all.map(([name, q]): [string, JsonValue] => [name, q]);
}
