/**
 * delete-entity: removes the entity's triples in one etype and the links pointing at it
 * from that etype's side, then follows cascades: `on-delete` (target deleted → its
 * sources deleted) and `on-delete-reverse` (source deleted → its targets deleted).
 * Cascades are read before the links that express them are deleted.
 */
import type { TxContext } from "./context";
import { resolveEntity } from "./resolve";
import type { DeleteEntityStep } from "./steps";
import { attrIdsOf, deleteEntityAttrs, deleteLinksTo, linkSourcesOf, sourcesOf, targetsOf } from "./triple-sql";

export function deleteEntity(ctx: TxContext, step: DeleteEntityStep): void {
  const e = resolveEntity(ctx, step.entity, false);
  if (e === null) return;
  const etypes = step.etype !== null ? [step.etype] : etypesOf(ctx, e);
  const queue: [string, string][] = etypes.map((etype) => [e, etype]);
  const seen = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [id, etype] = next;
    const key = `${id}\u0000${etype}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const refsInto = ctx.attrs.refsInto(etype);
    const own = ctx.attrs.ofEtype(etype);
    for (const attr of refsInto) {
      if (attr.onDelete !== "cascade") continue;
      for (const source of sourcesOf(ctx.sql, attr.id, id)) queue.push([source, attr.forward.etype]);
    }
    for (const attr of own) {
      if (attr.valueType !== "ref" || attr.onDeleteReverse !== "cascade" || !attr.reverse) continue;
      for (const target of targetsOf(ctx.sql, id, attr.id)) queue.push([target, attr.reverse.etype]);
    }
    ctx.deleted(id, etype, e);
    if (ctx.tracksWrites) {
      // Before-states of the entity and of the sources whose links to it go with it.
      ctx.willWrite(id);
      for (const source of linkSourcesOf(ctx.sql, id, refsInto.map((a) => a.id))) ctx.willWrite(source);
    }
    for (const attrId of new Set(deleteEntityAttrs(ctx.sql, id, own.map((a) => a.id)))) ctx.wrote(ctx.attr(attrId), id);
    for (const { e: source, a } of deleteLinksTo(ctx.sql, id, refsInto.map((a) => a.id))) ctx.wrote(ctx.attr(a), source);
  }
  // A later step's lookup must not find an entity this step deleted.
  ctx.forgetLookups();
}

/** Old clients omit the etype: every etype the entity has triples in. */
function etypesOf(ctx: TxContext, e: string): string[] {
  const etypes = new Set<string>();
  for (const a of attrIdsOf(ctx.sql, e)) {
    const attr = ctx.attrs.get(a);
    if (attr) etypes.add(attr.forward.etype);
  }
  return [...etypes];
}
