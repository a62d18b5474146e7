/**
 * The state of one running transaction: the injected environment, what it changed
 * (for the ChangeSet), which entities it touched (for required-attr post-validation)
 * and the lookups it already resolved (so every step of the tx sees the same entity).
 */
import { type Attr, isIdAttr } from "../model/attr";
import type { ChangeSet } from "../model/change-set";
import type { JsonValue } from "../model/triple";
import type { AuthContext } from "../model/auth-context";
import type { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import { TRIPLE_COLUMNS, type TripleRow } from "../store/triple-rows";
import type { EntityRef, TxStep } from "./steps";
import { valuesOf } from "./triple-sql";
import { unknownAttr } from "./tx-errors";

export type TxEnv = {
  sql: Sql;
  attrs: AttrRegistry;
  /** Epoch milliseconds. */
  now: () => number;
  /** A fresh uuid (entities created by lookups). */
  newId: () => string;
  /** Who writes: admins bypass the system-namespace checks and, later, the rules. */
  auth: AuthContext;
  /** The permissions hook, run after the steps and before commit. Absent = allowed. */
  authorize?: TxAuthorizer;
};

/** What the authorize hook sees: the steps as parsed and what applying them changed. */
export type AppliedTx = { readonly steps: readonly TxStep[]; readonly changes: ChangeSet; readonly ruleParams: readonly RuleParams[] };

/**
 * Throws (permission-denied) to refuse the transaction. It runs inside the SQL
 * transaction, so it can read the data both as it was and as it will be, and a refusal
 * rolls everything back.
 */
export type TxAuthorizer = (ctx: TxContext, tx: AppliedTx) => void;

/** An entity removed by a delete-entity step (`root`: the entity the step named; cascades differ). */
export type Deletion = { readonly e: string; readonly etype: string; readonly root: string };

/** What a triple step addressed once resolved: its entity and, for a ref value, the linked entity. */
export type ResolvedStep = { readonly e: string; readonly value: string | null };

export type RuleParams = { readonly entity: EntityRef; readonly etype: string | null; readonly params: { readonly [key: string]: JsonValue } };

export class TxContext {
  readonly sql: Sql;
  readonly attrs: AttrRegistry;
  readonly isAdmin: boolean;
  readonly auth: AuthContext;
  readonly newId: () => string;
  /** One timestamp for every triple first written by this tx. */
  readonly t: number;
  private readonly etypes = new Set<string>();
  private attrsChanged = false;
  /** entity id → attr ids written or deleted on it. */
  readonly touched = new Map<string, Set<string>>();
  readonly touchedAttrIds = new Set<string>();
  /** attr id → entities whose triples of it were written or deleted (ChangeSet.entities). */
  private readonly writtenEntities = new Map<string, Set<string>>();
  /** Attrs whose triples vanished without per-entity records (delete-attr). */
  private readonly wroteEverywhere = new Set<string>();
  /** `${attrId}\u0000${JSON value}` → entity id. */
  private readonly lookups = new Map<string, string>();
  readonly ruleParams: RuleParams[] = [];
  /**
   * Kept only when an authorizer will read them (non-admin writes with a hook): each
   * written entity's triples as they were before this tx first wrote to it, the
   * deletions (cascades included) and each triple step's resolved entities.
   */
  private readonly beforeRows: Map<string, readonly TripleRow[]> | null;
  readonly deletions: Deletion[] = [];
  readonly resolvedSteps = new Map<TxStep, ResolvedStep>();
  /** Attrs add-attr created (not re-sent ones that already existed), for `attrs.allow.create`. */
  readonly createdAttrs: Attr[] = [];

  constructor(env: TxEnv) {
    this.sql = env.sql;
    this.attrs = env.attrs;
    this.auth = env.auth;
    this.isAdmin = env.auth.isAdmin;
    this.newId = env.newId;
    this.t = env.now();
    this.beforeRows = env.authorize !== undefined && !env.auth.isAdmin ? new Map() : null;
  }

  /** Does this tx keep before-states for an authorizer? */
  get tracksWrites(): boolean {
    return this.beforeRows !== null;
  }

  /** Call before writing or deleting triples of entity `e`: keeps its before-state once. */
  willWrite(e: string): void {
    if (this.beforeRows === null || this.beforeRows.has(e)) return;
    this.beforeRows.set(e, this.sql.all<TripleRow>(`SELECT ${TRIPLE_COLUMNS} FROM triples WHERE e = ?`, e));
  }

  /**
   * The triples of `e` before this tx wrote to it; undefined when it wrote nothing on
   * `e` (or keeps no before-states), so that its current triples are its before-state.
   */
  rowsBefore(e: string): readonly TripleRow[] | undefined {
    return this.beforeRows?.get(e);
  }

  /** The entities this tx wrote to (those with a kept before-state). */
  writtenIds(): Iterable<string> {
    return this.beforeRows?.keys() ?? [];
  }

  /** Records what a triple step addressed (only when tracking). */
  resolved(step: TxStep, e: string, value: string | null = null): void {
    if (this.beforeRows !== null) this.resolvedSteps.set(step, { e, value });
  }

  /** Records an entity delete-entity removed (only when tracking). */
  deleted(e: string, etype: string, root: string): void {
    if (this.beforeRows !== null) this.deletions.push({ e, etype, root });
  }

  attr(id: string): Attr {
    const attr = this.attrs.get(id);
    if (!attr) throw unknownAttr(id);
    return attr;
  }

  /** Records that triples of `attr` on entity `e` were written or deleted. */
  wrote(attr: Attr, e: string): void {
    this.etypes.add(attr.forward.etype);
    if (attr.reverse) this.etypes.add(attr.reverse.etype);
    this.touchedAttrIds.add(attr.id);
    let written = this.writtenEntities.get(attr.id);
    if (!written) this.writtenEntities.set(attr.id, (written = new Set()));
    written.add(e);
    // A query pinned to `where: {id: X}` selects by the id triple's value, which a raw
    // add-triple may set to something other than `e`.
    if (isIdAttr(attr)) for (const { v } of valuesOf(this.sql, e, attr.id)) if (typeof v === "string") written.add(v);
    this.touch(attr, e);
  }

  /**
   * Records that a step addressed `attr` on `e` without changing data (a re-sent
   * identical value): not a change, but the entity is still post-validated.
   */
  touch(attr: Attr, e: string): void {
    let set = this.touched.get(e);
    if (!set) this.touched.set(e, (set = new Set()));
    set.add(attr.id);
  }

  /** Triples of an attr vanished without a per-entity record (delete-attr). */
  wroteAttr(attr: Attr): void {
    this.etypes.add(attr.forward.etype);
    if (attr.reverse) this.etypes.add(attr.reverse.etype);
    this.touchedAttrIds.add(attr.id);
    this.wroteEverywhere.add(attr.id);
  }

  attrsDidChange(): void {
    this.attrsChanged = true;
  }

  cachedLookup(attrId: string, value: JsonValue): string | undefined {
    return this.lookups.get(lookupKey(attrId, value));
  }

  rememberLookup(attrId: string, value: JsonValue, e: string): void {
    this.lookups.set(lookupKey(attrId, value), e);
  }

  /** Deletes can make remembered lookups stale. */
  forgetLookups(): void {
    this.lookups.clear();
  }

  changeSet(): ChangeSet {
    const entities = new Map<string, ReadonlySet<string>>();
    for (const [a, es] of this.writtenEntities) if (!this.wroteEverywhere.has(a)) entities.set(a, new Set(es));
    return { etypes: new Set(this.etypes), attrIds: new Set(this.touchedAttrIds), entities, attrsChanged: this.attrsChanged };
  }
}

const lookupKey = (attrId: string, value: JsonValue) => `${attrId}\u0000${JSON.stringify(value)}`;
