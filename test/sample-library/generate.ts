/**
 * The seeded sample library: users → bookshelves → books in Instant's triple shape, at
 * any size from a couple of thousand triples (tests) to millions (bench). The repository
 * ships no data set, so tests and the bench generate this one; the same seed and size
 * always give the same triples.
 *
 * Generation is one pass, user by user: each user gets an equal share of the triples
 * still wanted and spends it on its shelves' books. Links to earlier books (a second
 * shelf, a prequel, a next book) only look back over a small window, so the work is
 * linear in the size and nothing is held but the triples themselves.
 */
import type { Attr } from "../../src/model/attr";
import type { JsonValue, Triple } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import { Rng } from "./prng";
import { KNOWN_TITLES, KNOWN_USERS } from "./known";
import { attrIdsByName, libraryAttrs } from "./schema";
import * as V from "./values";
import * as W from "./words";

export const DEFAULT_SEED = 20_261_201;
/** About the size of a small real app (a few users, dozens of shelves, hundreds of books). */
export const DEFAULT_TRIPLES = 2_600;
/** Sets the number of users: one per this many wanted triples (at least the known ones). */
const TRIPLES_PER_USER = 650;
const SHELVES_PER_USER = { min: 3, max: 12 } as const;
/** Users after the known ones that own no shelf at all (a link's null side). */
const SHELFLESS_USER_P = 0.05;
/** Earlier books a new link may point to: bounded, so generation stays linear. */
const RECENT_BOOKS = 64;
const SHARED_BOOK_P = 0.12;
const PREQUEL_P = 0.1;
const NEXT_P = 0.1;
/** First created_at; entities advance by 0–2 s, so ties on created_at happen. */
const T0_MS = 1_717_000_000_000;
const STEP_MS = 1_000;

export type LibraryOptions = { readonly seed?: number; readonly triples?: number };

export type Library = {
  readonly attrs: Attr[];
  readonly wireAttrs: { [k: string]: JsonValue }[];
  readonly triples: Triple[];
  /** The users' handles in creation order (the first ones are the known users'). */
  readonly handles: string[];
};

export function generateLibrary(opts: LibraryOptions = {}): Library {
  const target = opts.triples ?? DEFAULT_TRIPLES;
  const r = new Rng(opts.seed ?? DEFAULT_SEED);
  const attrs = libraryAttrs();
  const ids = attrIdsByName(attrs);
  const A = (name: string) => ids.get(name) as string;
  const links = { shelves: A("users.bookshelves"), books: A("bookshelves.books"), prequel: A("books.prequel"), next: A("books.next") };
  // Field ids per etype, resolved once: `put` runs for every entity.
  const fieldIds = (etype: string) => new Map([...ids].filter(([k]) => k.startsWith(`${etype}.`)).map(([k, v]) => [k.slice(etype.length + 1), v]));
  const fields = { users: fieldIds("users"), bookshelves: fieldIds("bookshelves"), books: fieldIds("books") };
  const out: Triple[] = [];
  const handles: string[] = [];
  const recent: string[] = [];
  let t = T0_MS;
  let bookCount = 0;

  /** One triple per field; ABSENT fields write nothing. */
  const put = (e: string, etype: keyof typeof fields, values: Record<string, JsonValue | typeof V.ABSENT>) => {
    const f = fields[etype];
    out.push([e, f.get("id") as string, e, t]);
    for (const label in values) {
      const v = values[label] as JsonValue | typeof V.ABSENT;
      if (v !== V.ABSENT) out.push([e, f.get(label) as string, v, t]);
    }
  };

  const book = (shelf: string) => {
    t += r.int(0, 2) * STEP_MS;
    const id = r.uuid();
    const known = KNOWN_TITLES[bookCount++];
    put(id, "books", {
      title: known ?? W.bookTitle(r),
      pageCount: V.optional(r, { missing: 0.08 }, () => V.pageCount(r)),
      rating: V.optional(r, { missing: 0.2 }, () => V.rating(r)),
      thumbnail: V.optional(r, { missing: 0.05, nulled: 0.05 }, () => `https://covers.example.org/${W.hex(r, 12)}.jpg`),
      isbn13: V.optional(r, { missing: 0.15 }, () => V.isbn13(r)),
      description: V.optional(r, { missing: 0.08, nulled: 0.07 }, () => W.paragraph(r, r.int(1, 6))),
      publishedAt: V.optional(r, { missing: 0.12 }, () => V.publicationDate(r)),
      inPrint: V.optional(r, { missing: 0.2 }, () => r.chance(0.6)),
      meta: V.optional(r, { missing: 0.5, nulled: 0.05 }, () => V.bookMeta(r)),
    });
    out.push([shelf, links.books, id, t]);
    if (recent.length > 0 && r.chance(PREQUEL_P)) out.push([id, links.prequel, r.pick(recent), t]);
    // Each new book is the target of at most one `next`, which keeps that link unique.
    if (recent.length > 0 && r.chance(NEXT_P)) out.push([r.pick(recent), links.next, id, t]);
    recent.push(id);
    if (recent.length > RECENT_BOOKS) recent.shift();
  };

  /** Puts an earlier book on `shelf` too (books on several shelves, across users). */
  const shareBook = (shelf: string, onShelf: Set<string>) => {
    const b = r.pick(recent);
    if (onShelf.has(b)) return;
    onShelf.add(b);
    out.push([shelf, links.books, b, t]);
  };

  const userCount = Math.max(KNOWN_USERS.length, Math.round(target / TRIPLES_PER_USER));
  for (let u = 0; u < userCount; u++) {
    const budget = out.length + (target - out.length) / (userCount - u);
    t += r.int(0, 2) * STEP_MS;
    const userId = r.uuid();
    const known = KNOWN_USERS[u];
    const h = known?.handle ?? W.handle(r, u);
    handles.push(h);
    put(userId, "users", {
      handle: h,
      email: W.emailOf(h, u),
      fullName: known && "fullName" in known
        ? (known.fullName as JsonValue)
        : V.optional(r, { missing: 0.05, nulled: 0.05 }, () => W.fullName(r)),
      createdAt: V.optional(r, { missing: 0.1 }, () => V.signupDate(r)),
      karma: known?.karma ?? V.optional(r, { missing: 0.1 }, () => V.karma(r)),
      verified: V.optional(r, { missing: 0.1 }, () => r.chance(0.7)),
      settings: V.optional(r, { missing: 0.3, nulled: 0.1 }, () => V.userSettings(r)),
    });
    // Never the last user: its share of the triples would go unspent.
    const last = u === userCount - 1;
    if (known?.shelfless || (!known && !last && r.chance(SHELFLESS_USER_P))) continue;

    const names = new Set<string>(known?.shelves ?? []);
    const shelfCount = r.int(SHELVES_PER_USER.min, SHELVES_PER_USER.max);
    while (names.size < shelfCount) names.add(W.shelfName(r));
    const shelves: { id: string; books: Set<string> }[] = [];
    for (const name of names) {
      t += r.int(0, 2) * STEP_MS;
      const id = r.uuid();
      put(id, "bookshelves", {
        name,
        desc: V.optional(r, { missing: 0.25, nulled: 0.15 }, () => W.paragraph(r, r.int(1, 3))),
        order: V.shelfOrder(r, shelves.length),
        isPublic: V.optional(r, { missing: 0.1 }, () => r.chance(0.5)),
        tags: V.optional(r, { missing: 0.4 }, () => V.shelfTags(r)),
      });
      out.push([userId, links.shelves, id, t]);
      shelves.push({ id, books: new Set() });
    }
    while (out.length < budget) {
      const shelf = r.pick(shelves);
      if (recent.length > 0 && r.chance(SHARED_BOOK_P)) shareBook(shelf.id, shelf.books);
      else {
        book(shelf.id);
        shelf.books.add(recent[recent.length - 1] as string);
      }
    }
  }
  return { attrs, wireAttrs: attrs.map(attrToWire), triples: out, handles };
}
