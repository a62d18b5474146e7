/**
 * add-attr, update-attr, delete-attr. add-attr must be idempotent (clients re-send
 * unsynced attrs with every transaction); conflicts are reported the way Instant's
 * attrs/idents constraints report them.
 */
import { type Attr, type Identity, sameAttr } from "../model/attr";
import { attrToWire } from "../protocol/attr-wire";
import { sqlRaise } from "../protocol/errors";
import { rekeyAttr } from "../store/sort-key-backfill";
import { decodeValue, encodeValue } from "../store/value-codec";
import type { TxContext } from "./context";
import { checkAttrNames } from "./reserved-names";
import type { AttrPatch } from "./steps";
import { identNotUnique, tripleNotUnique, unknownAttr, validationFailed } from "./tx-errors";

const identsOf = (attr: Attr): Identity[] => (attr.reverse ? [attr.forward, attr.reverse] : [attr.forward]);

export function addAttr(ctx: TxContext, attr: Attr): void {
  checkAttrNames(attr);
  const existing = ctx.attrs.get(attr.id);
  if (existing && sameAttr(existing, attr)) return;
  checkIdentIds(ctx, attr);
  checkNamesFree(ctx, attr);
  if (existing) {
    throw sqlRaise(`The attribute with id ${attr.id} conflicts with an existing attribute with id ${existing.id}.`);
  }
  if (attr.required && etypeHasTriples(ctx, attr.forward.etype)) {
    throw validationFailed("attributes", attrToWire(attr), [
      { message: `Can't create attribute \`${attr.forward.label}\` as required because \`${attr.forward.etype}\` already have entities` },
    ]);
  }
  ctx.attrs.put(attr);
  ctx.createdAttrs.push(attr);
  ctx.attrsDidChange();
}

export function updateAttr(ctx: TxContext, patch: AttrPatch): void {
  const existing = ctx.attrs.get(patch.id);
  if (!existing) throw unknownAttr(patch.id);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const next: Attr = { ...existing, ...defined, id: existing.id, catalog: existing.catalog };
  if (patch.forward || patch.reverse) checkAttrNames(next);
  if (sameAttr(existing, next)) return;
  checkIdentIds(ctx, next, true);
  checkNamesFree(ctx, next);
  if (next.unique && !existing.unique) checkNoDuplicates(ctx, next);
  if (next.required && !existing.required) checkAllHaveValue(ctx, next);
  // String sort keys depend on the index flag and the type (store/sort-key.ts).
  if (next.indexed !== existing.indexed || next.checkedDataType !== existing.checkedDataType) rekeyAttr(ctx.sql, next);
  ctx.attrs.put(next);
  ctx.attrsDidChange();
}

export function deleteAttr(ctx: TxContext, attrId: string): void {
  const existing = ctx.attrs.get(attrId);
  if (!existing) return;
  // Probe first rather than RETURNING: an attr can have more triples than fit in memory.
  const had = ctx.sql.all(`SELECT 1 AS x FROM triples WHERE a = ? LIMIT 1`, attrId).length > 0;
  ctx.sql.run(`DELETE FROM triples WHERE a = ?`, attrId);
  if (had) ctx.wroteAttr(existing);
  ctx.attrs.remove(attrId);
  ctx.attrsDidChange();
}

/**
 * An identity id re-sent with another name or attr (Instant's idents primary key).
 * update-attr may rename its own identities.
 */
function checkIdentIds(ctx: TxContext, attr: Attr, renaming = false): void {
  for (const ident of identsOf(attr)) {
    for (const other of ctx.attrs.all()) {
      if (renaming && other.id === attr.id) continue;
      for (const o of identsOf(other)) {
        if (o.id !== ident.id) continue;
        if (other.id !== attr.id || o.etype !== ident.etype || o.label !== ident.label) {
          throw sqlRaise(`Another attribute for ${ident.etype}.${ident.label} exists with different properties.`);
        }
      }
    }
  }
}

/** (etype, label) is unique across every forward and reverse name of the app. */
function checkNamesFree(ctx: TxContext, attr: Attr): void {
  const idents = identsOf(attr);
  if (attr.reverse && attr.reverse.etype === attr.forward.etype && attr.reverse.label === attr.forward.label) {
    throw identNotUnique(attr.reverse.etype, attr.reverse.label);
  }
  for (const { etype, label } of idents) {
    const owner = ctx.attrs.nameOwner(etype, label);
    if (owner && owner.id !== attr.id) throw identNotUnique(etype, label);
  }
}

function etypeHasTriples(ctx: TxContext, etype: string): boolean {
  const ids = ctx.attrs.ofEtype(etype).map((a) => a.id);
  if (ids.length === 0) return false;
  return ctx.sql.all(`SELECT 1 AS x FROM triples WHERE a IN (SELECT value FROM json_each(?)) LIMIT 1`, JSON.stringify(ids)).length > 0;
}

/** Turning `unique?` on fails when two entities already share a non-null value. */
function checkNoDuplicates(ctx: TxContext, attr: Attr): void {
  const dup = ctx.sql.all<{ vt: number; v: string | number | null }>(
    `SELECT vt, v FROM triples WHERE a = ? AND vt != 0 GROUP BY vt, v HAVING COUNT(DISTINCT e) > 1 LIMIT 1`,
    attr.id,
  )[0];
  if (dup) throw tripleNotUnique(attr, decodeValue(dup.vt, dup.v));
}

/** Turning `required?` on fails when an entity of the etype lacks a non-null value. */
function checkAllHaveValue(ctx: TxContext, attr: Attr): void {
  const idAttr = ctx.attrs.idAttr(attr.forward.etype);
  if (!idAttr || idAttr.id === attr.id) return;
  const missing = ctx.sql.all(
    `SELECT 1 AS x FROM triples t WHERE t.a = ?
       AND NOT EXISTS (SELECT 1 FROM triples u WHERE u.e = t.e AND u.a = ? AND u.vt != ?) LIMIT 1`,
    idAttr.id,
    attr.id,
    encodeValue(null).vt,
  );
  if (missing.length > 0) {
    throw validationFailed("attributes", { id: attr.id }, [
      { message: `Can't update attribute \`${attr.forward.label}\` to required because \`${attr.forward.etype}\` already have entities without it` },
    ]);
  }
}
