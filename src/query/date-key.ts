/**
 * Dates: a `date` attr holds epoch-ms numbers or ISO strings. Comparisons and order use
 * a normalised millisecond key, computed the same way in SQL (for stored values) and in
 * JS (for query values), matching the client's `new Date(v).getTime()` for ISO strings.
 */

/** SQL expression giving the ms timestamp of a stored (vt, v) pair, NULL when not a date. */
export function dateKeySql(vt: string, v: string): string {
  // julianday parses ISO-8601 (with `T`, fractional seconds, `Z` or an offset).
  return `(CASE ${vt} WHEN 2 THEN ${v} WHEN 3 THEN CAST(round((julianday(${v}) - 2440587.5) * 86400000.0) AS INTEGER) END)`;
}

/** The ms timestamp of a query value, or null when it is not a valid date. */
export function parseDateValue(v: string | number): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (["now", "today", "tomorrow", "yesterday"].includes(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}
