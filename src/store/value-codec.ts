/**
 * How a triple's JSON value is stored: a type tag (`vt`) plus a native SQLite value
 * (`v`), so numbers compare as numbers and strings as strings inside indexes, and
 * booleans, nulls and objects round-trip exactly.
 */
import type { JsonValue } from "../model/triple";
import type { SqlValue } from "./sql";

export const VT = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  json: 4,
} as const;
export type ValueTag = (typeof VT)[keyof typeof VT];

export type EncodedValue = { readonly vt: ValueTag; readonly v: SqlValue };

export function encodeValue(value: JsonValue): EncodedValue {
  if (value === null) return { vt: VT.null, v: null };
  switch (typeof value) {
    case "boolean":
      return { vt: VT.boolean, v: value ? 1 : 0 };
    case "number":
      return { vt: VT.number, v: value };
    case "string":
      return { vt: VT.string, v: value };
    default:
      return { vt: VT.json, v: JSON.stringify(value) };
  }
}

export function decodeValue(vt: number, v: SqlValue): JsonValue {
  switch (vt) {
    case VT.null:
      return null;
    case VT.boolean:
      return v === 1;
    case VT.number:
      return Number(v);
    case VT.string:
      return String(v);
    default:
      return JSON.parse(String(v)) as JsonValue;
  }
}
