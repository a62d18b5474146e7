/**
 * Domain types of the InstaQL engine: the public result shapes other modules code
 * against, and the parsed query AST that everything past parse-query.ts trusts.
 */
import type { Sql } from "../store/sql";
import type { AttrRegistry } from "../store/attr-registry";
import type { JsonValue, Triple } from "../model/triple";
import type { AuthContext } from "../model/auth-context";

export type QueryEnv = {
  sql: Sql;
  attrs: AttrRegistry;
  /** Who asks: admin-only features (aggregates) and, through `visibility`, permissions. */
  auth: AuthContext;
  /** The permissions hook: removes what `auth` may not see. Absent = everything visible. */
  visibility?: VisibilityFilter;
};

/**
 * Filters a finished evaluation down to what the asking user may see. Runs before the
 * result is hashed, cached or sent, so shared results are per permission context.
 * `extra` carries the page order of paginated forms (to move cursors off hidden
 * entities) and the read collector: what deciding visibility read becomes part of the
 * result's deps, so a write that changes a rule's outcome invalidates the result.
 */
export type VisibilityFilter = (env: QueryEnv, ast: QueryAst, result: QueryResult, extra: VisibilityInput) => QueryResult;

export type VisibilityInput = {
  /** Each paginated top-level form's page, as one cursor per entity in page order (keyed like pageInfo). */
  readonly pages: Readonly<Record<string, readonly Cursor[]>>;
  /** Records reads of triples (see read-deps.ts). */
  readonly reads: {
    anyEntity(attrIds: Iterable<string>): void;
    onEntities(attrIds: readonly string[], entities: readonly string[]): void;
  };
};

export type Cursor = [entity: string, attrId: string, value: JsonValue, createdAt: number];

export type PageInfo = {
  startCursor: Cursor | null;
  endCursor: Cursor | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
};

/** Every etype whose attrs the evaluation read (forward or reverse etype of each attr). */
export type QueryDeps = { etypes: string[] };

export type QueryResult = {
  triples: Triple[];
  pageInfo: Record<string, PageInfo>;
  aggregate: Record<string, { count: number }>;
  deps: QueryDeps;
};

/**
 * Told which entities each form selected. A result's triples are one flat set; a caller
 * that needs its structure (the admin API's object tree) listens here instead of
 * re-evaluating the query.
 */
export type SelectionObserver = {
  /** A top-level form's selected entities (its page when it paginates); not called when none. */
  top(form: FormAst, ids: readonly string[]): void;
  /** A child form's matched `[parent, child]` pairs, for all its parents at once; not called when none. */
  child(form: FormAst, pairs: readonly (readonly [parent: string, child: string])[]): void;
};

// ---- AST ----

export type Direction = "asc" | "desc";

/** A where value that may be compared: what Instant calls `where-value-valid?`. */
export type Scalar = string | number | boolean;

export const COMPARATORS = ["$gt", "$gte", "$lt", "$lte"] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type WhereOp =
  | { readonly op: "eq"; readonly value: Scalar }
  | { readonly op: "in"; readonly values: readonly (Scalar | null)[] }
  | { readonly op: "not"; readonly value: Scalar }
  | { readonly op: "isNull"; readonly value: boolean }
  | { readonly op: "cmp"; readonly cmp: Comparator; readonly value: Scalar }
  | { readonly op: "like"; readonly caseInsensitive: boolean; readonly value: Scalar };

export type WhereEntry =
  | { readonly kind: "or" | "and"; readonly items: readonly WhereAst[] }
  | { readonly kind: "cond"; readonly path: readonly string[]; readonly op: WhereOp }
  | { readonly kind: "idPrefix"; readonly prefix: string };

/** One where object: its entries are ANDed and share link variables (see resolve-where.ts). */
export type WhereAst = readonly WhereEntry[];

/** A cursor as sent by the client: 4 elements, or 3 for BYOP apps (no created_at). */
export type CursorInput = readonly [entity: JsonValue, attrId: string, value: JsonValue, createdAt?: number];

export type FormOptions = {
  readonly where: WhereAst | null;
  readonly order: { readonly field: string; readonly direction: Direction } | null;
  readonly limit: number | null;
  readonly first: number | null;
  readonly last: number | null;
  readonly offset: number | null;
  readonly after: CursorInput | null;
  readonly before: CursorInput | null;
  readonly afterInclusive: boolean;
  readonly beforeInclusive: boolean;
  readonly aggregate: "count" | null;
  readonly fields: readonly string[] | null;
};

export type FormAst = {
  /** The etype (top level) or link label (children). */
  readonly key: string;
  /** Path of keys from the query root, for error hints. */
  readonly path: readonly string[];
  readonly options: FormOptions;
  readonly children: readonly FormAst[];
};

export type QueryAst = {
  readonly forms: readonly FormAst[];
  /** The query's `$$ruleParams` (an object), which permission rules read as `ruleParams`. */
  readonly ruleParams?: { readonly [key: string]: JsonValue } | null;
};
