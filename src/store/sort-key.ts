/**
 * Sort keys: the `k` column of `triples`, written with every triple and indexed on
 * (a, k, e), so `order` and cursors compare the way the Instant client does without a
 * per-row SQL expression (DO SQLite allows no custom collations or functions):
 *
 * - numbers and booleans: the value itself;
 * - values of `date` attrs: epoch milliseconds (`new Date(v).getTime()`, as the client);
 * - other strings: a binary-comparable key reproducing `Intl.Collator("en-US")`.
 *
 * The string key is the Unicode Collation Algorithm's three-level key (primaries, then
 * secondaries = accents, then tertiaries = case), built from collation elements in
 * collation-table.ts (generated from ICU and checked in, so stored keys never depend on
 * the runtime's ICU). Each weight is one character ≥ U+0100 and levels are separated by
 * U+0001, so SQLite's byte order (= code point order) on the key is the collator's order.
 *
 * Exact (fuzzed against the collator in test/unit/query.collation.test.ts) for text
 * made of U+0000–U+017F — ASCII, Latin-1, Latin Extended-A: case, accents, ß/æ/œ/ø/ł
 * and friends, punctuation, digits, whitespace, ignorable controls — plus the combining
 * marks U+0300–U+0362. Known differences:
 * - ¼ ½ ¾ and ŉ (ICU expands them to several elements) get one primary of their own;
 * - combining Latin letters U+0363–U+036F, and characters past U+017F, fall back to code
 *   point order inside two bands (symbols/punctuation/spaces just before digits,
 *   everything else after Latin letters; other marks as one accent weight, Cc/Cf
 *   ignorable). So Greek, Cyrillic, CJK, emoji sort among themselves by code point,
 *   not by ICU's script order, case and accent rules;
 * - strings equal under the collator but different (e.g. ICU-ignorable characters
 *   other than Cc/Cf): the client's sort is then unstable, ours ties by entity id;
 * - only the first SORT_KEY_MAX_CODE_POINTS code points count.
 * `$gt`/`$lt` on strings do not use this key: the client compares them with JS `<`
 * (UTF-16 code units), which SQLite's byte order on `v` matches except for astral
 * characters against U+E000–U+FFFF.
 */
import type { CheckedDataType } from "../model/attr";
import { FIRST_DIGIT_PRIMARY, LAST_PRIMARY, LAST_TABLE_CP, MAX_SECONDARY, TABLE } from "./collation-table";
import type { SqlValue } from "./sql";
import { VT } from "./value-codec";

/** Only this many code points (after NFD) of a string take part in its key; longer strings tie past it. */
export const SORT_KEY_MAX_CODE_POINTS = 1024;

type Ce = readonly [primary: number, secondary: number, tertiary: number];

const CES = new Map<number, readonly Ce[]>();
for (const entry of TABLE.split(" ")) {
  if (!entry) continue;
  const [cp, list] = entry.split(":") as [string, string];
  CES.set(Number(cp), list ? list.split(";").map((c) => c.split(",").map(Number) as unknown as Ce) : []);
}

const LEVEL_SEP = "\u0001";
const w = (n: number) => String.fromCharCode(0x100 + n);
// Primary weights, with two reserved slots for characters outside the table.
const SYMBOL_BAND = FIRST_DIGIT_PRIMARY;
const OTHER_BAND = LAST_PRIMARY + 2;
const primary = (p: number) => w(p < FIRST_DIGIT_PRIMARY ? p : p + 1);
const codePoint = (cp: number) => w(cp >> 10) + w(cp & 0x3ff);
const FALLBACK_MARK = MAX_SECONDARY + 1;
const T_LOWER = 2;
const T_UPPER = 8;

const IGNORABLE = /^[\p{Cc}\p{Cf}]$/u;
const MARK = /^\p{M}$/u;
const SYMBOL = /^[\p{P}\p{S}\p{Z}]$/u;

/** The collation key of a string (see the module comment). */
export function collationKey(s: string): string {
  const p: string[] = [];
  const sec: string[] = [];
  const ter: string[] = [];
  let n = 0;
  for (const ch of s.normalize("NFD")) {
    if (n++ >= SORT_KEY_MAX_CODE_POINTS) break;
    const cp = ch.codePointAt(0) as number;
    const ces = CES.get(cp);
    if (ces) {
      for (const [cp1, c2, c3] of ces) {
        if (cp1 > 0) p.push(primary(cp1));
        sec.push(w(c2));
        ter.push(w(c3));
      }
      continue;
    }
    if (cp <= LAST_TABLE_CP || IGNORABLE.test(ch)) continue;
    if (MARK.test(ch)) {
      sec.push(w(FALLBACK_MARK));
      ter.push(w(T_LOWER));
      continue;
    }
    p.push(w(SYMBOL.test(ch) ? SYMBOL_BAND : OTHER_BAND) + codePoint(cp));
    sec.push(w(1));
    ter.push(w(ch === ch.toLowerCase() ? T_LOWER : T_UPPER));
  }
  return p.join("") + LEVEL_SEP + sec.join("") + LEVEL_SEP + ter.join("");
}

/** The epoch ms of a date value the way the client compares it (`new Date(v).getTime()`). */
export function dateMs(v: string | number): number | null {
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** What decides an attr's sort keys. */
export type SortKeyAttr = { readonly indexed: boolean; readonly checkedDataType: CheckedDataType | null };

/**
 * Only indexed, typed attrs can be ordered by or range-compared (the query layer
 * rejects the rest), so only their strings get a key: collation keys cost ~0.1 ms for
 * a long text, which every description and body would otherwise pay on each write.
 */
export const keysStrings = (attr: SortKeyAttr): boolean => attr.indexed && attr.checkedDataType !== null;

/** The `k` column for a stored (vt, v) of this attr. */
export function sortKey(vt: number, v: SqlValue, attr: SortKeyAttr): SqlValue {
  if (v === null) return null;
  if (vt === VT.number || vt === VT.boolean) return v;
  if (vt !== VT.string || !keysStrings(attr)) return null;
  return attr.checkedDataType === "date" ? dateMs(String(v)) : collationKey(String(v));
}
