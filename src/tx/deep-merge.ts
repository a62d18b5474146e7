/**
 * The value rule of `deep-merge-triple`, as Instant's jsonb_deep_merge defines it: when
 * either side is not a plain object the patch replaces the old value; otherwise, per key
 * of the patch, null deletes the key, object into object recurses, anything else
 * overwrites. Nulls nested in a sub-patch with no object to merge into are kept.
 */
import type { JsonValue } from "../model/triple";

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export function deepMerge(old: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(old) || !isObject(patch)) return patch;
  const out: JsonObject = { ...old };
  for (const [key, value] of Object.entries(patch)) {
    const prev = out[key];
    if (isObject(prev) && isObject(value)) out[key] = deepMerge(prev, value);
    else if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
