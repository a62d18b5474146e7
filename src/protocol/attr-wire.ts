/**
 * Attr objects on the wire (kebab-case keys, `[identId, etype, label]` identities) and
 * their conversion to and from the domain Attr. Unknown keys such as the client's
 * `isUnsynced` are dropped here and never echoed back.
 */
import * as z from "zod";
import { CARDINALITIES, CHECKED_DATA_TYPES, VALUE_TYPES, type Attr, type Identity } from "../model/attr";
import type { JsonValue } from "../model/triple";

const identityWire = z.tuple([z.string(), z.string(), z.string()]);

export const attrWireSchema = z.object({
  id: z.string(),
  "forward-identity": identityWire,
  "reverse-identity": identityWire.nullish(),
  "value-type": z.enum(VALUE_TYPES),
  cardinality: z.enum(CARDINALITIES),
  "unique?": z.boolean().nullish(),
  "index?": z.boolean().nullish(),
  "required?": z.boolean().nullish(),
  "checked-data-type": z.enum(CHECKED_DATA_TYPES).nullish(),
  "on-delete": z.literal("cascade").nullish(),
  "on-delete-reverse": z.literal("cascade").nullish(),
  catalog: z.enum(["system", "user"]).nullish(),
});
export type AttrWire = z.infer<typeof attrWireSchema>;

const identFromWire = ([id, etype, label]: [string, string, string]): Identity => ({ id, etype, label });
const identToWire = (i: Identity): [string, string, string] => [i.id, i.etype, i.label];

export function attrFromWire(w: AttrWire): Attr {
  return {
    id: w.id,
    forward: identFromWire(w["forward-identity"]),
    reverse: w["reverse-identity"] ? identFromWire(w["reverse-identity"]) : null,
    valueType: w["value-type"],
    cardinality: w.cardinality,
    unique: w["unique?"] ?? false,
    indexed: w["index?"] ?? false,
    required: w["required?"] ?? false,
    checkedDataType: w["checked-data-type"] ?? null,
    onDelete: w["on-delete"] ?? null,
    onDeleteReverse: w["on-delete-reverse"] ?? null,
    catalog: w.catalog ?? "user",
  };
}

export function attrToWire(a: Attr): { [key: string]: JsonValue } {
  const wire: { [key: string]: JsonValue } = {
    id: a.id,
    "forward-identity": identToWire(a.forward),
    "value-type": a.valueType,
    cardinality: a.cardinality,
    "unique?": a.unique,
    "index?": a.indexed,
    "required?": a.required,
    catalog: a.catalog,
  };
  if (a.reverse) wire["reverse-identity"] = identToWire(a.reverse);
  if (a.checkedDataType) wire["checked-data-type"] = a.checkedDataType;
  if (a.onDelete) wire["on-delete"] = a.onDelete;
  if (a.onDeleteReverse) wire["on-delete-reverse"] = a.onDeleteReverse;
  return wire;
}
