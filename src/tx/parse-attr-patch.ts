/**
 * The argument of `update-attr` (`{"id": …, …changed props…}`) as a domain AttrPatch.
 * Only keys present on the wire end up in the patch, so absent keys keep their value.
 */
import * as z from "zod";
import { attrWireSchema } from "../protocol/attr-wire";
import type { AttrPatch } from "./steps";
import { isUuid } from "./wire-form";

const patchSchema = attrWireSchema.partial().extend({ id: z.string() });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function parseAttrPatch(raw: unknown): AttrPatch | null {
  const parsed = patchSchema.safeParse(raw);
  if (!parsed.success || !isUuid(parsed.data.id)) return null;
  const w = parsed.data;
  const patch: Mutable<AttrPatch> = { id: w.id };
  const fwd = w["forward-identity"];
  if (fwd) patch.forward = { id: fwd[0], etype: fwd[1], label: fwd[2] };
  const rev = w["reverse-identity"];
  if (rev !== undefined) patch.reverse = rev ? { id: rev[0], etype: rev[1], label: rev[2] } : null;
  if (w["value-type"]) patch.valueType = w["value-type"];
  if (w.cardinality) patch.cardinality = w.cardinality;
  if (w["unique?"] != null) patch.unique = w["unique?"];
  if (w["index?"] != null) patch.indexed = w["index?"];
  if (w["required?"] != null) patch.required = w["required?"];
  if (w["checked-data-type"] !== undefined) patch.checkedDataType = w["checked-data-type"] ?? null;
  // Instant overwrites the on-delete columns on every update: absent means "none".
  patch.onDelete = w["on-delete"] ?? null;
  patch.onDeleteReverse = w["on-delete-reverse"] ?? null;
  return patch;
}
