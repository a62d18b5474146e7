/**
 * `extra-fields` of a sign-up: values for custom `$users` attrs written when the user
 * is created. Checked as Instant checks them, key by key in order: every key must name
 * a forward `$users` attr of the app, and none may be a system attr (id, email, type,
 * imageURL, linkedPrimaryUser). The values themselves are checked by the transaction
 * that writes them (data types, uniqueness).
 */
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import type { AttrRegistry } from "../store/attr-registry";

export type ExtraFields = { readonly [label: string]: JsonValue };

const DATA_TYPE = "extra-fields";

/** The validated fields ({} when absent), or `validation-failed` with Instant's messages. */
export function validateExtraFields(attrs: AttrRegistry, raw: unknown): ExtraFields {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw validationError(DATA_TYPE, raw as JsonValue, [{ message: "extra-fields must be an object" }]);
  }
  const fields = raw as { [k: string]: JsonValue };
  for (const label of Object.keys(fields)) {
    const attr = attrs.forward("$users", label);
    if (!attr) {
      throw validationError(DATA_TYPE, fields, [{ message: `Unknown field: ${label}. It must be defined in your $users schema.` }]);
    }
    if (attr.catalog === "system") {
      throw validationError(DATA_TYPE, fields, [{ message: `Cannot set system field: ${label}` }]);
    }
  }
  return fields;
}
