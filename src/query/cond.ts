/**
 * The resolved where condition: where paths turned into link hops over real attrs and
 * values checked and encoded. where-sql.ts compiles it to SQL; collect-triples.ts walks
 * its paths to return the where-clause triples.
 */
import type { Attr } from "../model/attr";
import type { EncodedValue } from "../store/value-codec";
import type { SqlValue } from "../store/sql";
import type { Comparator } from "./types";

/** One link traversal; `etype` is the etype reached. */
export type Hop = { readonly attr: Attr; readonly forward: boolean; readonly etype: string };

export type ValueMatch =
  | { readonly kind: "eq"; readonly values: readonly EncodedValue[] }
  | { readonly kind: "ne"; readonly value: EncodedValue }
  /** `date` compares the normalised timestamp (see date-key.ts) instead of the raw value. */
  | { readonly kind: "cmp"; readonly op: Comparator; readonly value: SqlValue; readonly vt: number; readonly date: boolean }
  | { readonly kind: "like"; readonly pattern: string; readonly caseInsensitive: boolean };

export type Target =
  /** `[?x attr match]` over a forward attr (blob or link). */
  | { readonly kind: "value"; readonly attr: Attr; readonly match: ValueMatch }
  /** `[id attr ?x]`: a reverse link label compared with source ids. */
  | { readonly kind: "source"; readonly attr: Attr; readonly ids: readonly string[]; readonly negate: boolean }
  /** `[?x idAttr {isNull attr}]`: the entity exists and attr is (not) null or missing. */
  | { readonly kind: "isNull"; readonly idAttr: Attr; readonly attr: Attr; readonly reverse: boolean; readonly isNull: boolean }
  | { readonly kind: "idPrefix"; readonly prefix: string };

export type Leaf = { readonly hops: readonly Hop[]; readonly target: Target };

/**
 * `scope`: leaves that share link variables (one where object, as Instant's datalog
 * does: `owner.name` and `owner.age` constrain the same owner), ANDed with independent
 * sub-conditions. `or`: any item.
 */
export type Cond =
  | { readonly kind: "scope"; readonly leaves: readonly Leaf[]; readonly subs: readonly Cond[] }
  | { readonly kind: "or"; readonly items: readonly Cond[] };

export const scope = (leaves: readonly Leaf[], subs: readonly Cond[] = []): Cond => ({ kind: "scope", leaves, subs });
