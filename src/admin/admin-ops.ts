/**
 * The admin API's `steps` (docs/protocol.md §13.5): un-expanded user ops `[action, etype, eid,
 * args, opts?]` plus raw attr ops, checked against the shape Instant's spec accepts
 * (docs/protocol.md §13.5) and parsed into tagged ops. A failing shape is reported
 * the way Instant does: first an entity position that is clearly not an id gets its
 * own message, otherwise the spec's `{expected, in}` problem.
 */
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import { MAX_TX_STEPS } from "../protocol/limits";
import { isJsonObject } from "../util/json";
import { isUuid } from "../util/uuid";
import { isEncodedLookup } from "./lookups";

type JsonObject = { [key: string]: JsonValue };

export const ADMIN_ACTIONS = [
  "create",
  "update",
  "merge",
  "link",
  "unlink",
  "delete",
  "ruleParams",
  "add-attr",
  "update-attr",
  "delete-attr",
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Actions whose third element is an entity position. */
const ENTITY_ACTIONS: ReadonlySet<string> = new Set(["create", "update", "merge", "link", "unlink", "delete", "ruleParams"]);

export type AdminOp =
  | { readonly action: "create"; readonly etype: string; readonly eid: JsonValue; readonly args: JsonObject }
  | {
      readonly action: "update" | "merge";
      readonly etype: string;
      readonly eid: JsonValue;
      readonly args: JsonObject;
      /** The raw `opts` element (`{"upsert": …}`), null when absent. */
      readonly opts: JsonObject | null;
    }
  | { readonly action: "link" | "unlink"; readonly etype: string; readonly eid: JsonValue; readonly args: JsonObject }
  | { readonly action: "delete"; readonly etype: string; readonly eid: JsonValue }
  | { readonly action: "ruleParams"; readonly etype: string; readonly eid: JsonValue; readonly args: JsonObject }
  | { readonly action: "add-attr" | "update-attr"; readonly attr: JsonObject }
  | { readonly action: "delete-attr"; readonly attrId: string };

/** A spec failure: what was expected where (Instant's `explain->validation-errors`). */
class ShapeProblem {
  constructor(
    readonly expected: string,
    readonly at: (string | number)[],
  ) {}
}

/** Parses the body's `steps`; throws `validation-failed` (data-type "steps") on a bad shape. */
export function parseAdminOps(steps: JsonValue[]): AdminOp[] {
  if (steps.length > MAX_TX_STEPS) {
    throw validationError("steps", null, [
      { message: `Too many steps in one transaction (${steps.length}); the limit is ${MAX_TX_STEPS}.`, in: [] },
    ]);
  }
  try {
    return steps.map((step, i) => parseOp(step, i));
  } catch (err) {
    if (!(err instanceof ShapeProblem)) throw err;
    checkEntityIds(steps);
    throw validationError("steps", steps, [{ expected: err.expected, in: err.at }]);
  }
}

/** Instant's friendlier message for an entity position that is no id of any kind. */
function checkEntityIds(steps: JsonValue[]): void {
  steps.forEach((step, i) => {
    if (!Array.isArray(step) || step.length < 3 || typeof step[0] !== "string" || !ENTITY_ACTIONS.has(step[0])) return;
    const eid = step[2] as JsonValue;
    if (isUuid(eid) || isEncodedLookup(eid) || Array.isArray(eid) || isJsonObject(eid)) return;
    const shown = typeof eid === "string" ? eid : JSON.stringify(eid);
    throw validationError("steps", steps, [
      { message: `Invalid entity ID '${shown}'. Entity IDs must be UUIDs or lookup references.`, in: [i, 2] },
    ]);
  });
}

function parseOp(step: JsonValue, i: number): AdminOp {
  if (!Array.isArray(step)) throw new ShapeProblem("op", [i]);
  const action = step[0];
  if (typeof action !== "string" || !(ADMIN_ACTIONS as readonly string[]).includes(action)) {
    throw new ShapeProblem(`one of ${ADMIN_ACTIONS.join(", ")}`, [i, 0]);
  }
  const arity = (min: number, max: number) => {
    if (step.length < min) throw new ShapeProblem(`${action} with at least ${min - 1} arguments`, [i]);
    if (step.length > max) throw new ShapeProblem(`${action} with at most ${max - 1} arguments`, [i, max]);
  };
  const at = (pos: number) => step[pos] as JsonValue;
  switch (action as AdminAction) {
    case "create":
    case "ruleParams":
      arity(4, 4);
      return { action: action as "create" | "ruleParams", etype: etypeAt(step, i), eid: entityAt(step, i), args: objectAt(at(3), [i, 3]) };
    case "update":
    case "merge": {
      arity(4, 5);
      const opts = at(4);
      if (opts !== undefined && opts !== null && !isJsonObject(opts)) throw new ShapeProblem("map?", [i, 4]);
      const base = { etype: etypeAt(step, i), eid: entityAt(step, i), args: objectAt(at(3), [i, 3]) };
      return { action: action as "update" | "merge", ...base, opts: opts ?? null };
    }
    case "link":
    case "unlink": {
      arity(4, 4);
      const base = { etype: etypeAt(step, i), eid: entityAt(step, i) };
      const args = objectAt(at(3), [i, 3]);
      for (const [label, v] of Object.entries(args)) {
        if (!isLinkValue(v)) throw new ShapeProblem("entity id, lookup or array of them", [i, 3, label]);
      }
      return { action: action as "link" | "unlink", ...base, args };
    }
    case "delete":
      // Instant ignores anything after the entity (the SDK sends `null` args).
      arity(3, Number.POSITIVE_INFINITY);
      return { action: "delete", etype: etypeAt(step, i), eid: entityAt(step, i) };
    case "add-attr":
    case "update-attr":
      arity(2, 2);
      return { action: action as "add-attr" | "update-attr", attr: objectAt(at(1), [i, 1]) };
    case "delete-attr": {
      arity(2, 2);
      const id = at(1);
      if (!isUuid(id)) throw new ShapeProblem("uuid?", [i, 1]);
      return { action: "delete-attr", attrId: id };
    }
  }
}

function etypeAt(step: JsonValue[], i: number): string {
  const etype = step[1];
  if (typeof etype !== "string") throw new ShapeProblem("string?", [i, 1]);
  return etype;
}

function entityAt(step: JsonValue[], i: number): JsonValue {
  const eid = step[2] as JsonValue;
  if (!isEntity(eid)) throw new ShapeProblem("entity id or lookup", [i, 2]);
  return eid;
}

function objectAt(v: JsonValue | undefined, at: (string | number)[]): JsonObject {
  if (!isJsonObject(v)) throw new ShapeProblem("map?", at);
  return v;
}

/**
 * An entity position Instant's spec accepts: a uuid, a `[label, value]` pair, any object
 * (`{label: value}`; a wrong key count fails later, as a lookup error) or a
 * `lookup__<label>__<json>` string.
 */
export function isEntity(v: JsonValue): boolean {
  if (typeof v === "string") return isUuid(v) || isEncodedLookup(v);
  if (Array.isArray(v)) return v.length === 2 && typeof v[0] === "string";
  return isJsonObject(v);
}

/** A link target: one entity position or an array of them. */
function isLinkValue(v: JsonValue): boolean {
  return isEntity(v) || (Array.isArray(v) && v.every(isEntity));
}
