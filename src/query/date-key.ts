/**
 * Dates: a `date` attr holds epoch-ms numbers or date strings. Stored values are keyed
 * by their timestamp in the `k` column (store/sort-key.ts); query values are parsed
 * here the same way, matching the client's `new Date(v).getTime()`.
 */

/** The ms timestamp of a query value, or null when it is not a valid date. */
export function parseDateValue(v: string | number): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (["now", "today", "tomorrow", "yesterday"].includes(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}
