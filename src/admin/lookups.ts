/**
 * Entity positions of admin ops (docs/protocol.md §13.5): a uuid, `lookup__<label>__<json>`,
 * `[label, value]` or `{label: value}`, turned into what the tx engine understands (the
 * uuid as given, or a `[attrId, value]` lookup ref). A label with a dot (`owner.id`)
 * that names no attr is a lookup through the has-one link `owner` by the linked id.
 * Errors are Instant's, word for word (docs/protocol.md §13.5).
 */
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import { isJsonObject } from "../util/json";
import type { AttrNames } from "./planned-attrs";

export type LookupPair = readonly [label: string, value: JsonValue];

const LOOKUP_PREFIX = "lookup__";
const LOOKUP_SEPARATOR = "__";
/** The only second segment a dotted lookup label may have (`owner.id`). */
const REF_LOOKUP_SUFFIX = "id";

export const isEncodedLookup = (v: JsonValue): v is string => typeof v === "string" && v.startsWith(LOOKUP_PREFIX);

/** The `[label, value]` an entity position names, or null for a plain id. */
export function lookupPairOf(eid: JsonValue): LookupPair | null {
  if (typeof eid === "string") return isEncodedLookup(eid) ? decodeLookup(eid) : null;
  if (Array.isArray(eid)) return [String(eid[0]), (eid[1] ?? null) as JsonValue];
  if (isJsonObject(eid)) {
    const entries = Object.entries(eid);
    const [only] = entries;
    if (entries.length !== 1 || !only) {
      throw validationError("lookup", eid, [{ message: "lookup must be an object with a single unique attr and value." }]);
    }
    return only;
  }
  return null;
}

/** `lookup__email__"a@b.c"` → `["email", "a@b.c"]`; the value is everything after the label, as JSON. */
function decodeLookup(text: string): LookupPair {
  const parts = javaSplit(text, LOOKUP_SEPARATOR);
  const label = parts[1] ?? "";
  const json = parts.slice(2).join(LOOKUP_SEPARATOR);
  try {
    return [label, JSON.parse(json) as JsonValue];
  } catch {
    throw validationError("lookup", text, [{ message: "lookup value is invalid", hint: { attribute: label, value: json } }]);
  }
}

/** Java's `String.split`, which Instant uses for these names: trailing empty segments are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** `owner.id` on an etype with no attr literally named so (attr names may contain dots). */
export function isRefLookup(attrs: AttrNames, etype: string, pair: LookupPair): boolean {
  return pair[0].includes(".") && !attrs.forward(etype, pair[0]);
}

/** The link label of a ref lookup: `owner.id` → `owner`; anything else is invalid. */
export function refLookupLinkLabel(pair: LookupPair): string {
  const [linkLabel, suffix, ...more] = javaSplit(pair[0], ".");
  if (more.length > 0 || suffix !== REF_LOOKUP_SUFFIX) {
    throw validationError("lookup", [...pair], [{ message: `${pair[0]} is not a valid lookup attribute.` }]);
  }
  return linkLabel ?? "";
}

/**
 * The entity position for the tx engine: a plain id as given, a lookup as `[attrId,
 * value]` on a unique forward attr of `etype` (null when the etype is unknown, as for a
 * link whose attr is a plain field).
 */
export function resolveEntity(attrs: AttrNames, etype: string | null, eid: JsonValue): JsonValue {
  const pair = lookupPairOf(eid);
  if (!pair) return eid;
  const label = etype !== null && isRefLookup(attrs, etype, pair) ? refLookupLinkLabel(pair) : pair[0];
  const attr = etype === null ? undefined : attrs.forward(etype, label);
  if (!attr?.unique) {
    throw validationError("lookup", eid, [{ message: `${pair[0]} is not a unique attribute on ${etype ?? ""}` }]);
  }
  return [attr.id, pair[1]];
}

/**
 * Link targets as Instant iterates them: an array is a list of targets, and so is an
 * object (each of its entries is a `[label, value]` lookup); anything else is one target.
 */
export function linkTargets(v: JsonValue): JsonValue[] {
  if (Array.isArray(v)) return v;
  if (isJsonObject(v)) return Object.entries(v);
  return [v];
}
