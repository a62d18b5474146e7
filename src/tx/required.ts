/**
 * Post-validation: every entity the transaction touched that still exists in an etype
 * with required attrs must hold a non-null value for each of them (and for the etype's
 * `id` attr). Only the touched entities are read, one indexed query per (entity, etype).
 */
import type { Attr } from "../model/attr";
import { InstantError } from "../protocol/errors";
import type { JsonValue } from "../model/triple";
import type { TxContext } from "./context";
import { nonNullAttrsOf } from "./triple-sql";

type Missing = { entity: string; attr: Attr };

export function validateRequired(ctx: TxContext): void {
  const requiredEtypes = new Set(ctx.attrs.all().filter((a) => a.required).map((a) => a.forward.etype));
  if (requiredEtypes.size === 0) return;
  const missing: Missing[] = [];
  for (const [entity, attrIds] of ctx.touched) {
    const etypes = new Set<string>();
    for (const id of attrIds) {
      const etype = ctx.attrs.get(id)?.forward.etype;
      if (etype !== undefined && requiredEtypes.has(etype)) etypes.add(etype);
    }
    for (const etype of etypes) {
      const attrs = ctx.attrs.ofEtype(etype);
      const present = nonNullAttrsOf(ctx.sql, entity, attrs.map((a) => a.id));
      if (present.size === 0) continue; // deleted, or never existed in this etype
      for (const attr of attrs) {
        if ((attr.required || attr.forward.label === "id") && !present.has(attr.id)) missing.push({ entity, attr });
      }
    }
  }
  if (missing.length > 0) throw missingError(missing);
}

function missingError(missing: Missing[]): InstantError {
  const groups = new Map<string, Missing[]>();
  for (const m of missing) {
    const key = `${m.attr.forward.etype}/${m.attr.forward.label}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const message = [...groups]
    .map(([name, ms]) =>
      ms.length === 1
        ? `Missing required attribute \`${name}\`: ${ms[0]?.entity}`
        : `Missing required attributes \`${name}\`: ${ms.map((m) => m.entity).join(", ")}`,
    )
    .join(". ");
  const records: JsonValue = missing.map((m) => ({
    entity_id: m.entity,
    attr_id: m.attr.id,
    etype: m.attr.forward.etype,
    label: m.attr.forward.label,
  }));
  return new InstantError("validation-failed", message, { records });
}
