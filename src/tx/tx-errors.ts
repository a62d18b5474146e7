/**
 * The transaction engine's errors, with Instant's types, messages and hint shapes, so
 * a client sees the same failure it would get from the reference server.
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { InstantError, sqlRaise } from "../protocol/errors";

type JsonObject = { [key: string]: JsonValue };

/**
 * `validation-failed` whose errors carry extra keys (Instant puts `tx-step`/`hint` in
 * some). Messages of the errors join into the top message, as Instant does.
 */
export function validationFailed(dataType: string, input: JsonValue | undefined, errors: JsonObject[]): InstantError {
  const messages = errors.flatMap((e) => (typeof e.message === "string" ? [e.message] : []));
  const base = `Validation failed for ${dataType}`;
  const message = messages.length === 0 ? base : `${base}: ${messages.join(", ")}`;
  return new InstantError("validation-failed", message, { "data-type": dataType, input: input ?? null, errors });
}

export const unknownAttr = (attrId: string): InstantError =>
  sqlRaise(`We could not find an attribute with id = '${attrId}'`);

export const lookupAttrNotUnique = (): InstantError => sqlRaise("attribute is not unique");

export const mergeOnLink = (): InstantError => sqlRaise("merge operation is not supported for links");

export function lookupMissing(attr: Attr | undefined, attrId: string, value: JsonValue): InstantError {
  return validationFailed(
    "lookup",
    { "attribute-id": attrId, namespace: attr?.forward.etype ?? null, label: attr?.forward.label ?? null, value },
    [{ message: "The entity for the lookup does not exist." }],
  );
}

/** The unique (etype, label) constraint over every forward and reverse name. */
export function identNotUnique(etype: string, label: string): InstantError {
  return new InstantError("record-not-unique", `\`${label}\` already exists on \`${etype}\``, {
    "record-type": "ident",
    etype,
    label,
  });
}

/** Another entity already holds this value of a unique attr. */
export function tripleNotUnique(attr: Attr, value: JsonValue): InstantError {
  const { etype, label } = attr.forward;
  // Instant reports the value as Postgres printed it: its JSON text.
  const text = JSON.stringify(value);
  return new InstantError(
    "record-not-unique",
    `\`${label}\` is a unique attribute on \`${etype}\` and an entity already exists with \`${etype}.${label}\` = ${text}`,
    { "record-type": "triple", "attr-id": attr.id, etype, label, value: text },
  );
}

const jsonTypeOf = (v: JsonValue): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v;

export function invalidValueType(attr: Attr, entityId: string, value: JsonValue): InstantError {
  const dataType = attr.checkedDataType;
  return new InstantError(
    "validation-failed",
    `Invalid value type for ${attr.forward.etype}.${attr.forward.label}. Value must be a ${dataType} but the provided value type is ${jsonTypeOf(value)}.`,
    {
      namespace: attr.forward.etype,
      attribute: attr.forward.label,
      value,
      "checked-data-type": dataType,
      "attr-id": attr.id,
      "entity-id": entityId,
    },
  );
}

export function invalidLinkValue(attr: Attr, entityId: string, value: JsonValue): InstantError {
  return new InstantError("validation-failed", "Linked value must be a valid uuid.", {
    namespace: attr.forward.etype,
    attribute: attr.forward.label,
    value,
    "attr-id": attr.id,
    "entity-id": entityId,
  });
}

export const permissionDenied = (input: JsonValue): InstantError =>
  new InstantError("permission-denied", "Permission denied: not perms-pass?", { input, expected: "perms-pass?" });
