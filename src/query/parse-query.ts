/**
 * Parses a client's InstaQL query (JSON) into QueryAst, with Instant's validation errors
 * and messages for malformed forms and options. Attrs are not consulted here: unknown
 * etypes, labels and attrs are resolved (to empty results) later.
 */
import type { JsonValue } from "../model/triple";
import { MAX_QUERY_DEPTH, MAX_QUERY_PAGE_NUMBER } from "../protocol/limits";
import type { CursorInput, Direction, FormAst, FormOptions, QueryAst } from "./types";
import { type Path, queryError, shapeError, toJson } from "./query-errors";
import { parseWhere } from "./parse-where";

type Obj = { [k: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keys of the client's `$` that are handled; anything else is rejected. */
const OPTION_KEYS = new Set(["where", "order", "limit", "first", "last", "offset", "before", "after", "beforeInclusive", "afterInclusive", "aggregate", "fields"]);

export function parseQuery(q: JsonValue): QueryAst {
  if (!isObject(q)) throw shapeError(q, [], "map?");
  const forms = Object.entries(q)
    .filter(([k]) => k !== "$$ruleParams")
    .map(([k, v]) => parseForm(q, [k], v, 0));
  const params = q.$$ruleParams;
  return { forms, ruleParams: isObject(params) ? params : null };
}

function parseForm(root: JsonValue, path: string[], form: JsonValue, level: number): FormAst {
  if (!isObject(form)) throw shapeError(root, path, "map?");
  if (level >= MAX_QUERY_DEPTH) throw queryError(root, path, `Queries may nest at most ${MAX_QUERY_DEPTH} levels.`, "valid-query?");
  const options = parseOptions(root, [...path, "$"], form.$ ?? {}, level);
  const children = Object.entries(form)
    .filter(([k]) => k !== "$")
    .map(([k, v]) => parseForm(root, [...path, k], v, level + 1));
  return { key: path[path.length - 1] as string, path, options, children };
}

/** Instant treats null/false as "not given" for most options (Clojure truthiness). */
const given = (v: JsonValue | undefined): v is JsonValue => v !== undefined && v !== null && v !== false;

function parseOptions(root: JsonValue, path: Path, $: JsonValue, level: number): FormOptions {
  if (!isObject($)) throw shapeError(root, path, "map?");
  const where = given($.where) ? parseWhere(root, [...path, "where"], $.where) : null;
  const order = given($.order) ? parseOrder(root, [...path, "order"], $.order) : null;
  const count = (name: string, min: number, what: string): number | null => {
    const v = $[name];
    if (!given(v)) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > MAX_QUERY_PAGE_NUMBER) {
      throw queryError(root, [...path, name], `The ${name} field must be ${what}. Got ${toJson(v)}.`);
    }
    return v;
  };
  const limit = count("limit", 1, "a positive integer");
  const first = count("first", 1, "a positive integer");
  const last = count("last", 1, "a positive integer");
  const offset = count("offset", 0, "a non-negative integer");
  const after = given($.after) ? parseCursor(root, [...path, "after"], $.after) : null;
  const before = given($.before) ? parseCursor(root, [...path, "before"], $.before) : null;
  const bool = (name: string): boolean => {
    const v = $[name];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") throw shapeError(root, [...path, name], "boolean?");
    return v;
  };
  const afterInclusive = bool("afterInclusive");
  const beforeInclusive = bool("beforeInclusive");
  let aggregate: "count" | null = null;
  if (given($.aggregate)) {
    if ($.aggregate !== "count") {
      throw queryError(root, [...path, "aggregate"], `The aggregate field only accepts "count", got ${toJson($.aggregate)}.`);
    }
    aggregate = "count";
  }
  let fields: string[] | null = null;
  if (given($.fields)) {
    if (!Array.isArray($.fields) || $.fields.some((f) => typeof f !== "string")) {
      throw queryError(root, [...path, "fields"], "The `fields` property should be an array of field names.", "array?");
    }
    fields = $.fields as string[];
  }
  if (Object.keys($).some((k) => !OPTION_KEYS.has(k))) {
    throw queryError(root, path, "We only support `where`, `order`, `limit`, `offset`, `before`, and `after` clauses.");
  }
  if (level > 0 && (offset !== null || after !== null || before !== null)) {
    throw queryError(
      root,
      path,
      "We currently only support `offset`, `before`, and `after` clauses on the top-level field. Limit fields will be ignored",
    );
  }
  const limitOpts = [limit !== null && "`limit`", first !== null && "`first`", last !== null && "`last`"].filter(Boolean);
  if (limitOpts.length > 1) throw queryError(root, path, `Only provide one of ${limitOpts.join(" or ")}.`);
  return { where, order, limit, first, last, offset, after, before, afterInclusive, beforeInclusive, aggregate, fields };
}

function parseOrder(root: JsonValue, path: Path, order: JsonValue): FormOptions["order"] {
  if (!isObject(order)) throw shapeError(root, path, "map?");
  const entries = Object.entries(order);
  if (entries.length === 0) return null;
  if (entries.length > 1) {
    throw queryError(root, path, `We only support a single key in the \`order\` clause. Got ${entries.map(([k]) => k).join(",")}.`, "single-key?");
  }
  const [field, direction] = entries[0] as [string, JsonValue];
  if (direction !== "asc" && direction !== "desc") {
    throw queryError(root, [...path, field], `We only support "asc" or "desc" in the \`order\` clause. Got ${toJson(direction)}.`, "valid-direction?");
  }
  return { field, direction: direction as Direction };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: JsonValue): v is string => typeof v === "string" && UUID_RE.test(v);

function parseCursor(root: JsonValue, path: Path, c: JsonValue): CursorInput {
  const err = (msg: string) => queryError(root, path, msg, "join-row?");
  if (!Array.isArray(c)) throw err(`Expected a join row for the cursor, got ${toJson(c)}.`);
  if (c.length !== 3 && c.length !== 4) throw err(`Expected a join row with 4 items for the cursor, got ${toJson(c)}.`);
  const [e, a, v, t] = c as [JsonValue, JsonValue, JsonValue, JsonValue | undefined];
  if (!isUuid(a as JsonValue)) throw err(`Expected a join row with a uuid attribute id in the second position, got ${toJson(a)}.`);
  if (t !== undefined && t !== null && !(typeof t === "number" && Number.isInteger(t))) {
    throw err(`Expected a join row with an integer created_at in the last position, got ${toJson(t)}.`);
  }
  const entity = isUuid(e) ? e.toLowerCase() : e;
  const attrId = (a as string).toLowerCase();
  return typeof t === "number" ? [entity, attrId, v, t] : [entity, attrId, v];
}
