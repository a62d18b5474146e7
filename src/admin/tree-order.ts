/**
 * How Instant's admin tree orders the entities of a form (docs/protocol.md §13.4), at
 * every level: by the order field's value (default: the creation
 * time of the entity's `id` triple), Clojure's `compare` on values (null first, numbers
 * numerically, strings by UTF-16 code units, false before true; `date` attrs compared
 * as instants), equal values by entity id; `desc` reverses both.
 *
 * Where Instant throws (Clojure can't compare a string with a number, or two maps)
 * values fall back to a fixed type rank instead, so mixed data still sorts.
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { canonicalJson } from "../util/json";

export type SortEntry = { readonly id: string; readonly key: JsonValue };

/** The form's `order` field; `serverCreatedAt` (or no order) sorts by creation time. */
export const CREATED_AT_FIELD = "serverCreatedAt";

/** Fallback rank of value types Clojure's compare refuses to mix. */
const TYPE_RANK = { boolean: 0, number: 1, string: 2, array: 3, object: 4 } as const;

const typeOf = (v: JsonValue): keyof typeof TYPE_RANK =>
  Array.isArray(v) ? "array" : typeof v === "object" ? "object" : (typeof v as "boolean" | "number" | "string");

/** Dates compare as instants: ISO strings and epoch numbers alike. */
export function sortKeyOf(attr: Attr | undefined, v: JsonValue | undefined): JsonValue {
  if (v === undefined) return null;
  if (attr?.checkedDataType !== "date" || v === null) return v;
  const ms = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(ms) ? v : ms;
}

function compareValues(a: JsonValue, b: JsonValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  if (ta === "array" || ta === "object") return cmp(canonicalJson(a), canonicalJson(b));
  return cmp(a as string | number | boolean, b as string | number | boolean);
}

const cmp = <T extends string | number | boolean>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** Instant's `uuid-util/pg-compare`: byte order, i.e. lowercase hex order for uuids. */
const compareIds = (a: string, b: string): number => cmp(a.toLowerCase(), b.toLowerCase());

export function compareEntries(x: SortEntry, y: SortEntry): number {
  return compareValues(x.key, y.key) || compareIds(x.id, y.id);
}

export function sortEntries<T extends SortEntry>(entries: T[], direction: "asc" | "desc"): T[] {
  return entries.sort(direction === "desc" ? (x, y) => compareEntries(y, x) : compareEntries);
}
