/**
 * The sample library's well-known entities: the first users, the first user's shelves
 * and the first books, fixed at every seed and size so tests can name them and so the
 * edge cases they carry (an explicit null, a negative number, a user without shelves, a
 * case-only twin title, surrounding spaces, an emoji) exist even in the smallest set.
 */
import type { JsonValue } from "../../src/model/triple";

export type KnownUser = {
  readonly handle: string;
  /** Shelf names this user gets first (more are drawn after them). */
  readonly shelves?: readonly string[];
  /** A fixed value instead of a drawn one. */
  readonly fullName?: JsonValue;
  readonly karma?: number;
  /** No shelves at all: the null side of users.bookshelves. */
  readonly shelfless?: boolean;
};

export const KNOWN_USERS: readonly KnownUser[] = [
  { handle: "stopa", shelves: ["Poetry", "Essays"] },
  { handle: "joe", karma: -42 },
  { handle: "alex", fullName: null },
  { handle: "Zoë", shelfless: true },
  { handle: "Émile" },
];

/** The first books' titles; the lower-case twin is on purpose. */
export const KNOWN_TITLES = [
  "The Count of Monte Cristo",
  "Les Misérables",
  "À la recherche du temps perdu",
  "the count of monte cristo",
  " Zoë's Garden ",
  "Night Café ☕",
] as const;
