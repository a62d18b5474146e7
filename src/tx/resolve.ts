/**
 * Resolving lookup refs to entity ids. An entity lookup that finds nothing creates the
 * entity (that is what makes `update` on `lookup('email', x)` an upsert by unique key);
 * a value lookup that finds nothing is an error. Resolutions are remembered for the
 * rest of the transaction, so later steps address the same entity even after an
 * earlier step changed the looked-up value.
 */
import { isIdAttr } from "../model/attr";
import { encodeValue } from "../store/value-codec";
import type { TxContext } from "./context";
import type { EntityRef, LookupRef } from "./steps";
import { entityWithValue, insertTriple } from "./triple-sql";
import { lookupAttrNotUnique, lookupMissing } from "./tx-errors";
import { checkValue } from "./value-checks";

/** The entity a step addresses; with `create`, a missing lookup entity is created, else null. */
export function resolveEntity(ctx: TxContext, ref: EntityRef, create: boolean): string | null {
  if (ref.kind === "id") return ref.id;
  const { attrId, value } = ref.lookup;
  const cached = ctx.cachedLookup(attrId, value);
  if (cached !== undefined) return cached;
  const attr = ctx.attr(attrId);
  if (!attr.unique) throw lookupAttrNotUnique();
  const enc = encodeValue(value);
  let e = entityWithValue(ctx.sql, attrId, enc);
  if (e === undefined) {
    if (!create) return null;
    // Pre-validation guaranteed a uuid value for lookups on `id` attrs.
    e = isIdAttr(attr) ? String(value) : ctx.newId();
    checkValue(ctx, attr, e, value);
    ctx.willWrite(e);
    insertTriple(ctx.sql, e, attrId, enc, ctx.t, attr);
    ctx.wrote(attr, e);
  }
  ctx.rememberLookup(attrId, value, e);
  return e;
}

/** A lookup in value position (ref or `id` attrs); missing → with `required`, an error. */
export function resolveValueLookup(ctx: TxContext, lookup: LookupRef, required: boolean): string | null {
  const { attrId, value } = lookup;
  const cached = ctx.cachedLookup(attrId, value);
  if (cached !== undefined) return cached;
  const attr = ctx.attr(attrId);
  // Instant resolves value lookups through the unique (attr, value) index only.
  const e = attr.unique ? entityWithValue(ctx.sql, attrId, encodeValue(value)) : undefined;
  if (e === undefined) {
    if (required) throw lookupMissing(attr, attrId, value);
    return null;
  }
  ctx.rememberLookup(attrId, value, e);
  return e;
}
