/**
 * add-triple, deep-merge-triple and retract-triple. Cardinality one replaces the value
 * and keeps the first write's created_at; cardinality many is a set.
 */
import { type Attr, isIdAttr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { decodeValue, encodeValue } from "../store/value-codec";
import type { TxContext } from "./context";
import { deepMerge } from "./deep-merge";
import { resolveEntity, resolveValueLookup } from "./resolve";
import type { AddTripleStep, DeepMergeTripleStep, LookupRef, RetractTripleStep } from "./steps";
import { deleteEa, deleteEav, hasTriple, insertTriple, valuesOf } from "./triple-sql";
import { mergeOnLink } from "./tx-errors";
import { checkValue } from "./value-checks";

/** Lookups in value position only mean something for refs and `id` attrs. */
const takesValueLookup = (attr: Attr) => attr.valueType === "ref" || isIdAttr(attr);

function valueOf(ctx: TxContext, attr: Attr, value: JsonValue, lookup: LookupRef | null, required: boolean): JsonValue | undefined {
  if (!lookup || !takesValueLookup(attr)) return value;
  return resolveValueLookup(ctx, lookup, required) ?? undefined;
}

export function addTriple(ctx: TxContext, step: AddTripleStep): void {
  const attr = ctx.attr(step.attrId);
  const e = resolveEntity(ctx, step.entity, true) as string;
  const value = valueOf(ctx, attr, step.value, step.valueLookup, true) as JsonValue;
  ctx.resolved(step, e, linkedId(attr, value));
  writeValue(ctx, attr, e, value);
}

export function deepMergeTriple(ctx: TxContext, step: DeepMergeTripleStep): void {
  const attr = ctx.attr(step.attrId);
  if (attr.valueType === "ref") throw mergeOnLink();
  const e = resolveEntity(ctx, step.entity, true) as string;
  ctx.resolved(step, e);
  const old = valuesOf(ctx.sql, e, attr.id)[0];
  const merged = deepMerge(old ? decodeValue(old.vt, old.v) : undefined, step.patch);
  writeValue(ctx, attr, e, merged);
}

export function retractTriple(ctx: TxContext, step: RetractTripleStep): void {
  const attr = ctx.attr(step.attrId);
  const e = resolveEntity(ctx, step.entity, false);
  if (e === null) return;
  const value = valueOf(ctx, attr, step.value, step.valueLookup, false);
  if (value === undefined) return;
  ctx.resolved(step, e, linkedId(attr, value));
  const enc = encodeValue(value);
  if (!hasTriple(ctx.sql, e, attr.id, enc)) return;
  ctx.willWrite(e);
  deleteEav(ctx.sql, e, attr.id, enc);
  ctx.wrote(attr, e);
}

/** The entity a ref value names (for the authorizer's link checks). */
const linkedId = (attr: Attr, value: JsonValue): string | null => (attr.valueType === "ref" && typeof value === "string" ? value : null);

/** Stores `value` as the attr's value on `e` (replace for one, add for many). */
function writeValue(ctx: TxContext, attr: Attr, e: string, value: JsonValue): void {
  checkValue(ctx, attr, e, value);
  const enc = encodeValue(value);
  if (attr.cardinality === "many") {
    if (hasTriple(ctx.sql, e, attr.id, enc)) return ctx.touch(attr, e);
    ctx.willWrite(e);
    insertTriple(ctx.sql, e, attr.id, enc, ctx.t, attr);
    ctx.wrote(attr, e);
    return;
  }
  const existing = valuesOf(ctx.sql, e, attr.id);
  const first = existing[0];
  if (existing.length === 1 && first && first.vt === enc.vt && first.v === enc.v) return ctx.touch(attr, e);
  ctx.willWrite(e);
  if (existing.length > 0) deleteEa(ctx.sql, e, attr.id);
  insertTriple(ctx.sql, e, attr.id, enc, first ? first.t : ctx.t, attr);
  ctx.wrote(attr, e);
}
