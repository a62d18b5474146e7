/**
 * `$like` / `$ilike`: `%` any run, `_` one character, anchored, matching newlines. Short
 * patterns run in SQLite (GLOB for the case-sensitive form, LIKE for ASCII `$ilike`);
 * patterns past SQLite's LIKE/GLOB length limit inside a Durable Object, or needing
 * Unicode case folding, are matched in JS over the attr's values, read in bounded
 * batches (narrowed by the pattern's literal prefix when it has one).
 */
import { MAX_LIKE_PATTERN_BYTES } from "../protocol/limits";
import type { Sql } from "../store/sql";
import { VT } from "../store/value-codec";

export type LikePlan =
  | { readonly kind: "sql"; readonly op: "GLOB" | "LIKE"; readonly pattern: string }
  | { readonly kind: "js" };

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** LIKE pattern → GLOB pattern (GLOB is case-sensitive; escape its own specials). */
function toGlob(pattern: string): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "%") out += "*";
    else if (ch === "_") out += "?";
    else if (ch === "*" || ch === "?" || ch === "[") out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/** LIKE pattern with backslash escaping for SQLite's `LIKE ... ESCAPE '\'`. */
function toSqlLike(pattern: string): string {
  return pattern.replace(/\\/g, "\\\\");
}

export function planLike(pattern: string, caseInsensitive: boolean): LikePlan {
  if (!caseInsensitive) {
    const glob = toGlob(pattern);
    return utf8Bytes(glob) <= MAX_LIKE_PATTERN_BYTES ? { kind: "sql", op: "GLOB", pattern: glob } : { kind: "js" };
  }
  // SQLite's LIKE folds ASCII case only; anything else is matched in JS.
  const like = toSqlLike(pattern);
  const ascii = /^[\x00-\x7f]*$/.test(pattern);
  return ascii && utf8Bytes(like) <= MAX_LIKE_PATTERN_BYTES ? { kind: "sql", op: "LIKE", pattern: like } : { kind: "js" };
}

export function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
}

/** Rows read per batch when matching in JS. */
const SCAN_BATCH = 5000;

/**
 * Entity ids whose `attrId` string value matches, scanning in rowid batches so memory
 * stays bounded by the batch plus the matches.
 */
export function matchLikeInJs(sql: Sql, attrId: string, pattern: string, caseInsensitive: boolean): string[] {
  const re = likeRegex(pattern, caseInsensitive);
  const prefix = caseInsensitive ? "" : literalPrefix(pattern);
  const out: string[] = [];
  let after = -1;
  for (;;) {
    const range = prefix ? ` AND v >= ?3 AND v < ?4` : "";
    const params = prefix ? [attrId, after, prefix, prefix + "\u{10ffff}"] : [attrId, after];
    const rows = sql.all<{ r: number; e: string; v: string }>(
      `SELECT rowid AS r, e, v FROM triples WHERE a = ?1 AND vt = ${VT.string} AND rowid > ?2${range} ORDER BY rowid LIMIT ${SCAN_BATCH}`,
      ...params,
    );
    for (const row of rows) if (re.test(row.v)) out.push(row.e);
    if (rows.length < SCAN_BATCH) return out;
    after = (rows[rows.length - 1] as { r: number }).r;
  }
}

/** The pattern's leading run without wildcards. */
function literalPrefix(pattern: string): string {
  const i = pattern.search(/[%_]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}
