/**
 * How rule inputs look inside CEL. Instant hands its CEL runtime maps that answer every
 * key (a missing key reads as null, `has()` and `in` on such a map are always true) and
 * turns integers into CEL ints; this file builds the same values for the JS library:
 * JSON objects become `NullMap`s, safe integers become bigints, lists and the rest stay
 * as they are. `data`/`linkedData`/`auth` maps also carry the entity they stand for, so
 * `x.ref('path')` knows where to start.
 */
import type { JsonValue } from "../model/triple";

/**
 * A CEL map whose absent keys read as null. The library recognises maps by their exact
 * constructor, so the class reports `Map` as its constructor.
 */
export class NullMap extends Map<string, unknown> {
  override get(key: string): unknown {
    const v = super.get(key);
    return v === undefined ? null : v;
  }

  /** Instant's maps claim every key, so `has(data.x)` and `'x' in data` are true. */
  override has(_key: string): boolean {
    return true;
  }
}
Object.defineProperty(NullMap.prototype, "constructor", { value: Map });

/** What `x.ref(path)` calls: set on the maps that stand for an entity. */
export type RefOrigin = { readonly ref: (path: string) => unknown[] };

const origins = new WeakMap<object, RefOrigin>();

/** The entity behind a `data`, `linkedData` or `auth` map; undefined for any other map. */
export const refOrigin = (map: unknown): RefOrigin | undefined =>
  typeof map === "object" && map !== null ? origins.get(map) : undefined;

/** A JSON value as CEL sees it. */
export function toCel(value: JsonValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "number":
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case "string":
    case "boolean":
      return value;
    default:
      if (Array.isArray(value)) return value.map(toCel);
      return objectToCel(value);
  }
}

function objectToCel(obj: { readonly [key: string]: JsonValue }): NullMap {
  const m = new NullMap();
  for (const [k, v] of Object.entries(obj)) m.set(k, toCel(v));
  return m;
}

/**
 * An entity map (null: every key reads null). With `ref`, `x.ref(path)` works on it,
 * as on Instant's `data`, `linkedData` and `auth`; without, as on `newData`, it fails.
 */
export function entityToCel(entity: { readonly [key: string]: JsonValue } | null, ref: RefOrigin["ref"] | null): NullMap {
  const m = entity === null ? new NullMap() : objectToCel(entity);
  if (ref !== null) origins.set(m, { ref });
  return m;
}

/**
 * Instant tests a rule's result the Clojure way: only null and false deny. Any other
 * value (a string, a number, a list) passes, as it does there.
 */
export const passes = (result: unknown): boolean => result !== null && result !== undefined && result !== false;
