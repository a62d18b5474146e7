/**
 * Resolves a parsed where (WhereAst) against the app's attrs into a Cond: dotted paths
 * become link hops, values are validated and encoded with Instant's messages. An attr
 * that does not exist throws MissingAttr (the form is then empty, not an error).
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import type { AttrRegistry } from "../store/attr-registry";
import { encodeValue, type EncodedValue } from "../store/value-codec";
import { type Cond, type Hop, type Leaf, type Target, type ValueMatch, scope } from "./cond";
import { parseDateValue } from "./date-key";
import { isUuid } from "./parse-query";
import { MissingAttr, type Path, jsonTypeOf, queryError, toJson } from "./query-errors";
import type { Scalar, WhereAst, WhereEntry, WhereOp } from "./types";

export type ResolveCtx = {
  readonly attrs: AttrRegistry;
  readonly root: JsonValue;
  /** `in` path of the form's `$` (for error hints). */
  readonly path: Path;
  readonly deps: Set<string>;
};

export function resolveWhere(ctx: ResolveCtx, etype: string, where: WhereAst): Cond {
  const leaves: Leaf[] = [];
  const subs: Cond[] = [];
  for (const entry of where) {
    const r = resolveEntry(ctx, etype, entry);
    if ("hops" in r) leaves.push(r);
    else subs.push(r);
  }
  return scope(leaves, subs);
}

function resolveEntry(ctx: ResolveCtx, etype: string, entry: WhereEntry): Leaf | Cond {
  switch (entry.kind) {
    case "or":
      return { kind: "or", items: entry.items.map((w) => resolveWhere(ctx, etype, w)) };
    case "and":
      return scope([], entry.items.map((w) => resolveWhere(ctx, etype, w)));
    case "idPrefix":
      return { hops: [], target: { kind: "idPrefix", prefix: entry.prefix } };
    case "cond":
      return resolveCond(ctx, etype, entry.path, entry.op);
  }
}

function resolveCond(ctx: ResolveCtx, etype: string, path: readonly string[], op: WhereOp): Leaf | Cond {
  // `$not` also matches when the attr or any link on the way is missing or null.
  if (op.op === "not") {
    return { kind: "or", items: [scope([leafFor(ctx, etype, path, op)]), ...nullPaths(ctx, etype, path)] };
  }
  if (op.op === "isNull" && op.value && path.length > 1) return { kind: "or", items: nullPaths(ctx, etype, path) };
  // A null inside `$in` means "null or missing".
  if (op.op === "in" && op.values.includes(null)) {
    const leaf = leafFor(ctx, etype, path, op);
    return { kind: "or", items: [scope([leaf]), ...nullPaths(ctx, etype, path)] };
  }
  return leafFor(ctx, etype, path, op);
}

/** `$isNull: true` at every prefix of the path: any missing link counts as null. */
function nullPaths(ctx: ResolveCtx, etype: string, path: readonly string[]): Cond[] {
  return path.map((_, i) => scope([leafFor(ctx, etype, path.slice(0, i + 1), { op: "isNull", value: true })]));
}

function lookup(ctx: ResolveCtx, etype: string, label: string): { attr: Attr; forward: boolean } {
  const fwd = ctx.attrs.forward(etype, label);
  const attr = fwd ?? ctx.attrs.reverse(etype, label);
  if (!attr) throw new MissingAttr(`${etype}.${label}`);
  ctx.deps.add(attr.forward.etype);
  if (attr.reverse) ctx.deps.add(attr.reverse.etype);
  return { attr, forward: fwd !== undefined };
}

/** Instant's check that a path segment is a link. */
export function needsLink(etype: string, label: string, attr: Attr): InstantError {
  const message = `${etype}.${label} needs to be a link`;
  return new InstantError("validation-failed", `Validation failed for attr: ${message}`, {
    "data-type": "attr",
    input: { id: attr.id, "forward-identity": [attr.forward.id, attr.forward.etype, attr.forward.label] },
    errors: [{ message }],
  });
}

function leafFor(ctx: ResolveCtx, etype: string, path: readonly string[], op: WhereOp): Leaf {
  const hops: Hop[] = [];
  let cur = etype;
  for (const label of path.slice(0, -1)) {
    const { attr, forward } = lookup(ctx, cur, label);
    if (attr.valueType !== "ref" || !attr.reverse) throw needsLink(cur, label, attr);
    const next = forward ? attr.reverse.etype : attr.forward.etype;
    hops.push({ attr, forward, etype: next });
    cur = next;
  }
  const label = path[path.length - 1] as string;
  const { attr, forward } = lookup(ctx, cur, label);
  return { hops, target: target(ctx, cur, label, attr, forward, op) };
}

function target(ctx: ResolveCtx, etype: string, label: string, attr: Attr, forward: boolean, op: WhereOp): Target {
  if (op.op === "isNull") {
    const idAttr = ctx.attrs.forward(etype, "id");
    if (!idAttr) throw new MissingAttr(`${etype}.id`);
    return { kind: "isNull", idAttr, attr, reverse: !forward, isNull: op.value };
  }
  const where = [...ctx.path, "where", label];
  if (attr.valueType === "ref") {
    const ids = refIds(ctx, where, label, op);
    if (forward) {
      const enc = ids.map((id) => encodeValue(id));
      const match: ValueMatch = op.op === "not" ? { kind: "ne", value: enc[0] as EncodedValue } : { kind: "eq", values: enc };
      return { kind: "value", attr, match };
    }
    return { kind: "source", attr, ids, negate: op.op === "not" };
  }
  if (op.op === "in" && op.values.includes(null) && !attr.indexed) {
    throw queryError(ctx.root, [...where, "$in"], `Only indexed attrs can check for \`nil\` in \`$in\`. ${attr.forward.etype}.${attr.forward.label} is not indexed.`, "indexed?");
  }
  return { kind: "value", attr, match: valueMatch(ctx, where, attr, op) };
}

/** Link values must be uuids (compared lowercase, as the client writes them). */
function refIds(ctx: ResolveCtx, where: Path, label: string, op: WhereOp): string[] {
  const bad = (msg: string) => queryError(ctx.root, where, msg, "uuid?");
  if (op.op === "in") {
    return op.values
      .filter((v): v is Scalar => v !== null)
      .map((v) => {
        if (!isUuid(v)) throw bad(`Expected ${label} to match on a uuid, found ${toJson(v)} in ${toJson(op.values as JsonValue)}`);
        return v.toLowerCase();
      });
  }
  if ((op.op === "eq" || op.op === "not") && isUuid(op.value)) return [op.value.toLowerCase()];
  const shown: JsonValue = op.op === "eq" ? op.value : op.op === "not" ? { $not: op.value } : opJson(op);
  throw bad(`Expected ${label} to be a uuid, got ${toJson(shown)}`);
}

const opJson = (op: WhereOp): JsonValue =>
  op.op === "cmp" ? { [op.cmp]: op.value } : op.op === "like" ? { [op.caseInsensitive ? "$ilike" : "$like"]: op.value } : null;

function valueMatch(ctx: ResolveCtx, where: Path, attr: Attr, op: WhereOp): ValueMatch {
  const name = `${attr.forward.etype}.${attr.forward.label}`;
  const err = (path: Path, msg: string, expected: string) => queryError(ctx.root, path, msg, expected);
  const typeErr = (path: Path, type: string, v: Scalar) =>
    err(path, `The data type of \`${name}\` is \`${type}\`, but the query got the value \`${toJson(v)}\` of type \`${jsonTypeOf(v)}\`.`, `${type}?`);
  const dateErr = (path: Path, v: Scalar) =>
    err(path, `The data type of \`${name}\` is \`date\`, but the query got value \`${toJson(v)}\` of type \`${jsonTypeOf(v)}\`.`, "date-string?");
  if (op.op === "cmp" || op.op === "like") {
    if (!attr.indexed) throw err(where, `The \`${name}\` attribute must be indexed to use comparison operators.`, "indexed?");
    const type = attr.checkedDataType;
    if (!type) throw err(where, `The \`${name}\` attribute must have an enforced type to use comparison operators.`, "checked-data-type?");
    const opName = op.op === "cmp" ? op.cmp : op.caseInsensitive ? "$ilike" : "$like";
    const at = [...where, opName];
    if (op.op === "like") {
      if (typeof op.value !== "string") {
        throw err(at, `The $like value for \`${name}\` must be a string, but the query got the value \`${toJson(op.value)}\` of type \`${jsonTypeOf(op.value)}\`.`, "string?");
      }
      if (type !== "string" && type !== "date") throw typeErr(at, type, op.value);
      return { kind: "like", pattern: op.value, caseInsensitive: op.caseInsensitive };
    }
    if (type === "date") {
      if (typeof op.value === "boolean") throw typeErr(at, type, op.value);
      const ms = parseDateValue(op.value);
      if (ms === null) throw dateErr(at, op.value);
      return { kind: "cmp", op: op.cmp, value: ms, vt: 2, date: true };
    }
    if (typeof op.value !== type) throw typeErr(at, type, op.value);
    const enc = encodeValue(op.value);
    return { kind: "cmp", op: op.cmp, value: enc.v, vt: enc.vt, date: false };
  }
  const values: Scalar[] = op.op === "in" ? op.values.filter((v): v is Scalar => v !== null) : op.op === "isNull" ? [] : [op.value];
  const type = attr.checkedDataType;
  if (type) {
    for (const v of values) {
      if (type === "date") {
        if (typeof v === "boolean") throw typeErr(where, type, v);
        if (parseDateValue(v) === null) throw dateErr(where, v);
      } else if (typeof v !== type) throw typeErr(where, type, v);
    }
  }
  const enc = values.map((v) => encodeValue(v));
  return op.op === "not" ? { kind: "ne", value: enc[0] as EncodedValue } : { kind: "eq", values: enc };
}
