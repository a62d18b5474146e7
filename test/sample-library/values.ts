/**
 * Blob values of the sample library that are not plain text: dates in both stored forms
 * (ISO strings, date-only strings and epoch-ms numbers, pre-1970 included), integers and
 * floats with negatives, JSON objects and arrays, and the missing-or-null decision every
 * optional attr makes. Kept apart from the layout so each kind's mix is stated once.
 */
import type { JsonValue } from "../../src/model/triple";
import type { Rng } from "./prng";
import { LANGUAGES, SHELF_TAGS } from "./words";

/** The value is left out (no triple) when `missing`, stored as JSON null when `nulled`. */
export type Presence = { readonly missing: number; readonly nulled?: number };
export const ABSENT = Symbol("absent");

/** Decides whether an optional attr gets no triple, a null, or a value. */
export function optional(r: Rng, p: Presence, make: () => JsonValue): JsonValue | typeof ABSENT {
  const x = r.next();
  if (x < p.missing) return ABSENT;
  if (x < p.missing + (p.nulled ?? 0)) return null;
  return make();
}

const DAY_MS = 86_400_000;
const USERS_FROM_MS = Date.UTC(2019, 0, 1);
const USERS_SPAN_DAYS = 7 * 365;
const BOOKS_FROM_MS = Date.UTC(1850, 0, 1);
const BOOKS_SPAN_DAYS = 175 * 365;

/** A date in one of the forms a `date` attr accepts, as an app would have written it. */
function dateIn(r: Rng, ms: number): string | number {
  const x = r.next();
  if (x < 0.45) return new Date(ms).toISOString();
  if (x < 0.55) return new Date(ms - (ms % DAY_MS)).toISOString().slice(0, 10);
  return ms;
}

/** Sign-up moments: recent, to the millisecond. */
export function signupDate(r: Rng): string | number {
  return dateIn(r, USERS_FROM_MS + r.int(0, USERS_SPAN_DAYS) * DAY_MS + r.int(0, DAY_MS - 1));
}

/** Publication days: 1850 onwards, so epoch-ms values go negative before 1970. */
export function publicationDate(r: Rng): string | number {
  return dateIn(r, BOOKS_FROM_MS + r.int(0, BOOKS_SPAN_DAYS) * DAY_MS);
}

/** Reputation-like integers, a fifth of them negative. */
export function karma(r: Rng): number {
  return r.chance(0.2) ? -r.int(1, 100) : r.int(0, 1000);
}

/** A 0–5 rating with two decimals (floats that compare and sort as numbers). */
export function rating(r: Rng): number {
  return Math.round(r.next() * 500) / 100;
}

/** A shelf's position: mostly small integers, now and then a float or a negative. */
export function shelfOrder(r: Rng, i: number): number {
  if (r.chance(0.05)) return i + 0.5;
  if (r.chance(0.03)) return -1;
  return i;
}

export function pageCount(r: Rng): number {
  return r.chance(0.7) ? r.int(90, 480) : r.int(24, 1600);
}

/** A 13-digit code, kept as a string the way apps store ISBNs. */
export function isbn13(r: Rng): string {
  let s = r.pick(["978", "979"]);
  while (s.length < 13) s += String(r.int(0, 9));
  return s;
}

export function userSettings(r: Rng): JsonValue {
  return { theme: r.pick(["dark", "light", "système"]), langs: r.some(LANGUAGES, 3), notifications: r.chance(0.5) };
}

export function shelfTags(r: Rng): JsonValue {
  return r.some(SHELF_TAGS, 3);
}

/** Book metadata: an object or an array, nested one level. */
export function bookMeta(r: Rng): JsonValue {
  if (r.chance(0.3)) return [r.pick(["signed", "first edition", "annoté"]), r.int(1, 9)];
  return { edition: r.int(1, 12), langs: r.some(LANGUAGES, 2), signed: r.chance(0.2), dims: { w: r.int(10, 30), h: r.int(15, 40) } };
}
