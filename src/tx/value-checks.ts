/**
 * The constraints every written value must meet, as Instant's triples table enforces
 * them: the attr's checked data type, link values being entity ids, and uniqueness of
 * non-null values of unique attrs across entities.
 */
import type { Attr, CheckedDataType } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { encodeValue } from "../store/value-codec";
import type { TxContext } from "./context";
import { otherHolder } from "./triple-sql";
import { invalidLinkValue, invalidValueType, tripleNotUnique } from "./tx-errors";
import { isUuid } from "./wire-form";

export function matchesDataType(type: CheckedDataType, value: JsonValue): boolean {
  if (value === null) return true;
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "date":
      // Epoch milliseconds or a parseable date string (ISO-8601 from the client).
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && !Number.isNaN(Date.parse(value)));
  }
}

/** Throws Instant's error when `value` may not be stored as `attr` of entity `e`. */
export function checkValue(ctx: TxContext, attr: Attr, e: string, value: JsonValue): void {
  if (attr.checkedDataType && !matchesDataType(attr.checkedDataType, value)) throw invalidValueType(attr, e, value);
  if (attr.valueType === "ref" && !isUuid(value)) throw invalidLinkValue(attr, e, value);
  if (attr.unique && value !== null && otherHolder(ctx.sql, attr.id, encodeValue(value), e) !== undefined) {
    throw tripleNotUnique(attr, value);
  }
}
