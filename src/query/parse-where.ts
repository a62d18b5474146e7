/**
 * Structural parsing of a `where` object into WhereAst (no attrs needed). Mirrors
 * Instant's spec: values are strings, numbers or booleans, or an operator object whose
 * keys are all known operators; `or`/`and` take non-empty lists of where objects.
 */
import type { JsonValue } from "../model/triple";
import { COMPARATORS, type Comparator, type Scalar, type WhereAst, type WhereEntry, type WhereOp } from "./types";
import { type Path, queryError, shapeError, toJson } from "./query-errors";

const OPERATOR_KEYS = new Set(["in", "$in", "$not", "$ne", "$isNull", "$gt", "$gte", "$lt", "$lte", "$like", "$ilike", "$entityId"]);

const isScalar = (v: JsonValue | undefined): v is Scalar =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function parseWhere(root: JsonValue, path: Path, where: JsonValue): WhereAst {
  if (!isObject(where)) throw shapeError(root, path, "map?");
  const entries: WhereEntry[] = [];
  for (const [key, value] of Object.entries(where)) {
    if ((key === "or" || key === "and") && Array.isArray(value)) {
      if (value.length === 0) {
        throw queryError(root, [...path.slice(0, -1), key], `The list of \`${key}\` conditions can't be empty.`, "non-empty-list?");
      }
      const items = value.map((item, i) => parseWhere(root, [...path, key, i], item));
      entries.push({ kind: key, items });
      continue;
    }
    if (key === "$entityIdStartsWith") {
      if (typeof value !== "string") throw invalidValue(root, [...path, key], value);
      entries.push({ kind: "idPrefix", prefix: value.toLowerCase() });
      continue;
    }
    entries.push({ kind: "cond", path: key.split("."), op: parseOp(root, [...path, key], value) });
  }
  return entries;
}

function invalidValue(root: JsonValue, path: Path, value: JsonValue | undefined) {
  return queryError(root, path, `Invalid where value ${toJson(value)}. Expected a string, number, boolean or an operator object.`, "where-value-valid?");
}

function parseOp(root: JsonValue, path: Path, value: JsonValue): WhereOp {
  if (isScalar(value)) return { op: "eq", value };
  if (!isObject(value)) throw invalidValue(root, path, value);
  const keys = Object.keys(value);
  if (keys.length === 0 || keys.some((k) => !OPERATOR_KEYS.has(k))) throw invalidValue(root, path, value);
  const scalarArg = (k: string): Scalar => {
    const v = value[k];
    if (!isScalar(v)) throw invalidValue(root, [...path, k], v);
    return v;
  };
  // Instant checks `$not`/`$ne` and `$isNull` wherever they sit; otherwise only the
  // first operator of the object is honoured.
  if ("$not" in value) return { op: "not", value: scalarArg("$not") };
  if ("$ne" in value) return { op: "not", value: scalarArg("$ne") };
  if ("$isNull" in value) {
    const v = value.$isNull;
    if (typeof v !== "boolean") throw invalidValue(root, [...path, "$isNull"], v);
    return { op: "isNull", value: v };
  }
  const first = keys[0] as string;
  if (first === "in" || first === "$in") {
    const list = value[first];
    if (!Array.isArray(list) || list.some((v) => v !== null && !isScalar(v))) throw invalidValue(root, [...path, first], list);
    return { op: "in", values: list as (Scalar | null)[] };
  }
  if ((COMPARATORS as readonly string[]).includes(first)) return { op: "cmp", cmp: first as Comparator, value: scalarArg(first) };
  if (first === "$like" || first === "$ilike") return { op: "like", caseInsensitive: first === "$ilike", value: scalarArg(first) };
  // `$entityId` passes Instant's key check but has no meaning: treat as plain equality.
  return { op: "eq", value: scalarArg(first) };
}
