/**
 * `$users` rows: ordinary entities of the app's triple store, read here straight from
 * the indexed `triples` table and written only through tx steps returned to the
 * caller (the commit pipeline applies them as an admin transaction). The user object
 * is Instant's (docs/protocol.md §12.1): the row's `$users` fields plus `app_id`,
 * `created_at` (the id triple's time) and `isGuest`; the caller adds `refresh_token`.
 */
import type { Attr } from "../model/attr";
import type { AuthUser } from "../model/auth-context";
import { SYSTEM_ATTRS } from "../model/system-attrs";
import type { JsonValue } from "../model/triple";
import type { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import { type TripleRow, TRIPLE_COLUMNS } from "../store/triple-rows";
import { decodeValue, VT } from "../store/value-codec";
import type { AddTripleStep, DeleteEntityStep, LookupRef, TxStep } from "../tx/steps";
import { isUuid } from "../util/uuid";
import type { ExtraFields } from "./extra-fields";
import { resolveRefreshToken } from "./refresh-tokens";

export const USERS_ETYPE = "$users";

function systemAttrId(label: string): string {
  const attr = SYSTEM_ATTRS.find((a) => a.forward.etype === USERS_ETYPE && a.forward.label === label);
  if (!attr) throw new Error(`missing system attr $users.${label}`);
  return attr.id;
}

/** The fixed ids of the `$users` system attrs. */
export const USER_ATTR_IDS = {
  id: systemAttrId("id"),
  email: systemAttrId("email"),
  type: systemAttrId("type"),
  imageURL: systemAttrId("imageURL"),
  linkedPrimaryUser: systemAttrId("linkedPrimaryUser"),
} as const;

/** §12.1. Custom `$users` fields appear as extra keys; absent fields are absent keys. */
export type UserObject = {
  readonly id: string;
  readonly app_id: string;
  /** The id triple's time, as Instant's JSON prints dates: `2025-08-01T12:00:00Z`. */
  readonly created_at: string;
  readonly isGuest: boolean;
  readonly email?: string;
  readonly type?: string;
  readonly imageURL?: string;
  readonly linkedPrimaryUser?: string;
  readonly [field: string]: JsonValue | undefined;
};

export type UserWithToken = UserObject & { readonly refresh_token: string };

/** What reading users needs: the app's database, its attrs and its id (for `app_id`). */
export type UserStore = {
  readonly sql: Sql;
  readonly attrs: AttrRegistry;
  readonly appId: string;
};

/** Epoch ms → `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds), Instant's date format. */
export function formatCreatedAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A user row's cardinality-one fields by label, and its id triple's time. */
type UserRow = { readonly fields: Map<string, JsonValue>; readonly createdAt: number };

/**
 * Cardinality-one `$users` attrs: blobs and has-one links. (Instant would print one
 * arbitrary target of a has-many link; the object leaves those out.)
 */
const fieldAttrs = (attrs: AttrRegistry): readonly Attr[] => attrs.ofEtype(USERS_ETYPE).filter((a) => a.cardinality === "one");

function readUserRow(store: UserStore, id: string): UserRow | null {
  const byId = new Map(fieldAttrs(store.attrs).map((a) => [a.id, a]));
  const rows = store.sql.all<TripleRow>(
    `SELECT ${TRIPLE_COLUMNS} FROM triples WHERE e = ? AND a IN (SELECT value FROM json_each(?))`,
    id,
    JSON.stringify([...byId.keys()]),
  );
  const idRow = rows.find((r) => r.a === USER_ATTR_IDS.id);
  if (!idRow) return null;
  const fields = new Map<string, JsonValue>();
  for (const r of rows) fields.set(byId.get(r.a)!.forward.label, decodeValue(r.vt, r.v));
  return { fields, createdAt: idRow.t };
}

function toUserObject(appId: string, id: string, row: UserRow): UserObject {
  return {
    ...Object.fromEntries(row.fields),
    id,
    app_id: appId,
    created_at: formatCreatedAt(row.createdAt),
    isGuest: row.fields.get("type") === "guest",
  };
}

/** The user object of `$users` entity `id`, or null when there is no such user. */
export function readUser(store: UserStore, id: string): UserObject | null {
  const row = readUserRow(store, id);
  return row ? toUserObject(store.appId, id, row) : null;
}

/** The id of the user holding this (already normalized) email, on the (attr, value) index. */
export function findUserIdByEmail(sql: Sql, email: string): string | null {
  const row = sql.all<{ e: string }>(
    `SELECT e FROM triples WHERE a = ? AND vt = ? AND v = ? LIMIT 1`,
    USER_ATTR_IDS.email,
    VT.string,
    email,
  )[0];
  return row?.e ?? null;
}

export function findUserByEmail(store: UserStore, email: string): UserObject | null {
  const id = findUserIdByEmail(store.sql, email);
  return id === null ? null : readUser(store, id);
}

/** The user a refresh token belongs to; null for unknown tokens and deleted users. */
export function findUserByRefreshToken(store: UserStore, token: string): UserObject | null {
  const id = resolveRefreshToken(store.sql, token);
  return id === null ? null : readUser(store, id);
}

/** Guests linked to `primaryId` (deleted with it: linkedPrimaryUser cascades). */
export function linkedGuestIds(sql: Sql, primaryId: string): string[] {
  return sql
    .all<{ e: string }>(`SELECT e FROM triples WHERE a = ? AND vt = ? AND v = ?`, USER_ATTR_IDS.linkedPrimaryUser, VT.string, primaryId)
    .map((r) => r.e);
}

/** What rules and replies need of a user (model/auth-context.ts). */
export function toAuthUser(user: UserObject): AuthUser {
  return {
    id: user.id,
    email: typeof user.email === "string" ? user.email : null,
    type: user.type === "guest" ? "guest" : "user",
  };
}

// ---- writes, as tx steps ----

/** An add-triple step shaped exactly as parse.ts builds one from `["add-triple", id, attrId, value]`. */
function addTriple(id: string, attrId: string, value: JsonValue): AddTripleStep {
  const valueLookup: LookupRef | null =
    Array.isArray(value) && value.length === 2 && isUuid(value[0]) ? { attrId: value[0], value: value[1] as JsonValue } : null;
  return { kind: "add-triple", entity: { kind: "id", id }, attrId, value, valueLookup, mode: null };
}

export type NewUserFields = {
  readonly email?: string | null;
  readonly type?: "user" | "guest" | null;
  readonly imageURL?: string | null;
};

/**
 * Steps writing a `$users` row: the id triple, the given system fields and the
 * (validated, extra-fields.ts) custom fields. On an existing entity they update it in
 * place, which is how a guest is upgraded.
 */
export function createUserSteps(attrs: AttrRegistry, id: string, fields: NewUserFields, extra: ExtraFields = {}): TxStep[] {
  const steps: TxStep[] = [addTriple(id, USER_ATTR_IDS.id, id)];
  if (fields.email != null) steps.push(addTriple(id, USER_ATTR_IDS.email, fields.email));
  if (fields.type != null) steps.push(addTriple(id, USER_ATTR_IDS.type, fields.type));
  if (fields.imageURL != null) steps.push(addTriple(id, USER_ATTR_IDS.imageURL, fields.imageURL));
  for (const [label, value] of Object.entries(extra)) {
    const attr = attrs.forward(USERS_ETYPE, label);
    if (!attr) throw new Error(`extra field ${label} was not validated`);
    steps.push(addTriple(id, attr.id, value));
  }
  return steps;
}

/** A guest becomes a user in place (same id): it gets the email, type "user" and the extra fields. */
export function upgradeGuestSteps(attrs: AttrRegistry, guestId: string, email: string, extra: ExtraFields = {}): TxStep[] {
  return createUserSteps(attrs, guestId, { email, type: "user" }, extra);
}

/** A guest signing in as an existing user stays a row of its own, linked to that user. */
export function linkGuestSteps(guestId: string, primaryUserId: string): TxStep[] {
  return [addTriple(guestId, USER_ATTR_IDS.linkedPrimaryUser, primaryUserId)];
}

export function deleteUserSteps(id: string): TxStep[] {
  const step: DeleteEntityStep = { kind: "delete-entity", entity: { kind: "id", id }, etype: USERS_ETYPE };
  return [step];
}

export type UserDeletion = {
  /** The user as it was, or null when there was none (then there is nothing to do). */
  readonly deleted: UserObject | null;
  readonly steps: TxStep[];
  /**
   * Users whose refresh tokens to revoke once the steps committed: the user and the
   * guests linked to it, which the cascade deletes with it.
   */
  readonly userIds: readonly string[];
};

export function planDeleteUser(store: UserStore, id: string): UserDeletion {
  const deleted = readUser(store, id);
  if (!deleted) return { deleted: null, steps: [], userIds: [] };
  return { deleted, steps: deleteUserSteps(id), userIds: [id, ...linkedGuestIds(store.sql, id)] };
}

/**
 * The user object `id` will have once `steps` commit with `now` as the commit time:
 * the current row overlaid with the steps' add-triples on it (a new row's created_at is
 * `now`; an existing row keeps its own). Null when the steps delete it or it never exists.
 */
export function userAfterSteps(store: UserStore, id: string, steps: readonly TxStep[], now: number): UserObject | null {
  const current = readUserRow(store, id);
  const fields = new Map(current?.fields);
  let createdAt = current?.createdAt;
  for (const step of steps) {
    if (!("entity" in step) || step.entity.kind !== "id" || step.entity.id !== id) continue;
    if (step.kind === "delete-entity" && (step.etype === null || step.etype === USERS_ETYPE)) return null;
    if (step.kind !== "add-triple") continue;
    const attr = store.attrs.get(step.attrId);
    if (!attr || attr.forward.etype !== USERS_ETYPE || attr.cardinality !== "one") continue;
    fields.set(attr.forward.label, step.value);
    if (attr.id === USER_ATTR_IDS.id) createdAt ??= now;
  }
  return createdAt === undefined ? null : toUserObject(store.appId, id, { fields, createdAt });
}
