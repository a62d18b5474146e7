/**
 * Instant's validation errors for queries: `validation-failed` with data-type "query"
 * (or "attr" for link checks), the offending query as `input` and an `in` path.
 */
import { InstantError, validationError } from "../protocol/errors";
import type { JsonValue } from "../model/triple";

export type Path = readonly (string | number)[];

/** A query problem with Instant's message; `expected` mirrors Instant's spec name. */
export function queryError(input: JsonValue, path: Path, message: string, expected = "supported-options?"): InstantError {
  return validationError("query", input, [{ message, expected, in: [...path] }]);
}

/** Instant's message-less spec failure (e.g. `map?`): the message has no colon part. */
export function shapeError(input: JsonValue, path: Path, expected: string): InstantError {
  return new InstantError("validation-failed", "Validation failed for query", {
    "data-type": "query",
    input,
    errors: [{ expected, in: [...path] }],
  });
}

/** Thrown while resolving a form when it names an attr that does not exist: the form is empty. */
export class MissingAttr extends Error {
  constructor(what: string) {
    super(`missing attr ${what}`);
    this.name = "MissingAttr";
  }
}

/** JSON rendering Instant uses inside messages. */
export const toJson = (v: JsonValue | undefined): string => (v === undefined ? "null" : JSON.stringify(v));

/** Instant's `json-type-of-clj` names. */
export function jsonTypeOf(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}
