/**
 * Boundary parse of the wire `tx-steps` into domain TxSteps. Shape errors are
 * `validation-failed` with data-type "tx-steps", as Instant reports them; checks that
 * need the app's attrs (id lookups, link values) happen in transact's pre-validation.
 */
import * as z from "zod";
import type { JsonValue } from "../model/triple";
import { attrFromWire, attrWireSchema } from "../protocol/attr-wire";
import { MAX_TX_STEPS } from "../protocol/limits";
import { parseAttrPatch } from "./parse-attr-patch";
import { TX_MODES, TX_STEP_KINDS, type EntityRef, type LookupRef, type TxMode, type TxStep } from "./steps";
import { validationFailed } from "./tx-errors";
import { isUuid } from "./wire-form";

const jsonSchema = z.json();
const modeOpts = z.union([z.null(), z.object({ mode: z.enum(TX_MODES).nullish() })]);
const paramsSchema = z.record(z.string(), z.json());

/** Thrown inside the parse; turned into Instant's error at the top. */
class ShapeError {
  constructor(
    readonly path: (string | number)[],
    readonly expected: string,
  ) {}
}

export function parseTxSteps(raw: unknown): TxStep[] {
  // Counted before the shape check, so an oversized transaction costs nothing to refuse.
  if (Array.isArray(raw) && raw.length > MAX_TX_STEPS) {
    throw validationFailed("tx-steps", null, [
      { message: `Too many steps in one transaction (${raw.length}); the limit is ${MAX_TX_STEPS}.`, in: [] },
    ]);
  }
  const input = jsonSchema.safeParse(raw);
  if (!input.success) throw shapeError(null, [], "json?");
  const steps = input.data;
  if (!Array.isArray(steps)) throw shapeError(steps, [], "coll?");
  steps.forEach((step, i) => {
    if (!Array.isArray(step)) throw shapeError(steps, [i], "coll?");
  });
  checkEntityIds(steps as JsonValue[][]);
  try {
    return (steps as JsonValue[][]).map((step, i) => parseStep(step, i));
  } catch (err) {
    if (err instanceof ShapeError) throw shapeError(steps, err.path, err.expected);
    throw err;
  }
}

function shapeError(input: JsonValue, path: (string | number)[], expected: string) {
  const where = path.length === 0 ? "tx-steps" : `tx-steps at ${JSON.stringify(path)}`;
  return validationFailed("tx-steps", input, [{ expected, in: path, message: `Invalid ${where}: expected ${expected}` }]);
}

const TRIPLE_KINDS: ReadonlySet<string> = new Set(["add-triple", "deep-merge-triple", "retract-triple", "delete-entity"]);

/** Instant checks entity positions of all steps first, with its own message. */
function checkEntityIds(steps: JsonValue[][]): void {
  steps.forEach((step, idx) => {
    if (step.length < 2 || typeof step[0] !== "string" || !TRIPLE_KINDS.has(step[0])) return;
    const e = step[1];
    if (isUuid(e) || Array.isArray(e)) return;
    const shown = typeof e === "string" ? e : JSON.stringify(e);
    throw validationFailed("tx-steps", steps, [
      {
        message: `Invalid entity ID '${shown}'. Entity IDs must be UUIDs. Use id() or lookup() to generate a valid UUID.`,
        in: [idx, 1],
      },
    ]);
  });
}

function parseStep(step: JsonValue[], i: number): TxStep {
  const kind = step[0];
  if (typeof kind !== "string" || !(TX_STEP_KINDS as readonly string[]).includes(kind)) {
    throw new ShapeError([i, 0], `one of ${TX_STEP_KINDS.join(", ")}`);
  }
  const arity = (min: number, max: number) => {
    if (step.length < min || step.length > max) throw new ShapeError([i], `${kind} with ${min - 1}..${max - 1} arguments`);
  };
  switch (kind) {
    case "add-attr": {
      arity(2, 2);
      const parsed = attrWireSchema.safeParse(step[1]);
      if (!parsed.success) throw new ShapeError([i, 1, ...issuePath(parsed.error)], "attr");
      const attr = { ...attrFromWire(parsed.data), catalog: "user" as const };
      const ids = [attr.id, attr.forward.id, ...(attr.reverse ? [attr.reverse.id] : [])];
      if (!ids.every(isUuid)) throw new ShapeError([i, 1], "attr with uuid ids");
      if (attr.valueType === "ref" && !attr.reverse) throw new ShapeError([i, 1, "reverse-identity"], "reverse-identity for a ref attr");
      return { kind, attr };
    }
    case "update-attr": {
      arity(2, 2);
      const patch = parseAttrPatch(step[1]);
      if (!patch) throw new ShapeError([i, 1], "attr update with an id");
      return { kind, patch };
    }
    case "delete-attr":
    case "restore-attr":
      arity(2, 2);
      return { kind, attrId: attrId(step[1], [i, 1]) };
    case "add-triple":
    case "deep-merge-triple": {
      arity(4, 5);
      const entity = entityRef(step[1], [i, 1]);
      const a = attrId(step[2], [i, 2]);
      const value = step[3] as JsonValue;
      const mode = parseMode(step[4], [i, 4]);
      return kind === "add-triple"
        ? { kind, entity, attrId: a, value, valueLookup: valueLookup(value), mode }
        : { kind, entity, attrId: a, patch: value, mode };
    }
    case "retract-triple": {
      arity(4, 4);
      const value = step[3] as JsonValue;
      return { kind, entity: entityRef(step[1], [i, 1]), attrId: attrId(step[2], [i, 2]), value, valueLookup: valueLookup(value) };
    }
    case "delete-entity": {
      arity(2, 3);
      const etype = step[2];
      if (etype !== undefined && etype !== null && typeof etype !== "string") throw new ShapeError([i, 2], "string?");
      return { kind, entity: entityRef(step[1], [i, 1]), etype: etype ?? null };
    }
    case "rule-params": {
      arity(3, 4);
      const [etype, params] = step.length === 4 ? [step[2], step[3]] : [null, step[2]];
      if (etype !== null && typeof etype !== "string") throw new ShapeError([i, 2], "string?");
      const parsed = paramsSchema.safeParse(params);
      if (!parsed.success) throw new ShapeError([i, step.length - 1], "map?");
      return { kind, entity: entityRef(step[1], [i, 1]), etype, params: parsed.data as { [k: string]: JsonValue } };
    }
  }
  throw new ShapeError([i, 0], "a known step kind");
}

function attrId(x: JsonValue | undefined, path: (string | number)[]): string {
  if (!isUuid(x)) throw new ShapeError(path, "uuid?");
  return x;
}

function entityRef(x: JsonValue | undefined, path: (string | number)[]): EntityRef {
  if (isUuid(x)) return { kind: "id", id: x };
  if (Array.isArray(x) && x.length === 2 && isUuid(x[0])) {
    return { kind: "lookup", lookup: { attrId: x[0], value: x[1] as JsonValue } };
  }
  throw new ShapeError(path, "entity id or lookup ref");
}

/** Instant treats any `[uuid, value]` in value position as a possible lookup. */
function valueLookup(v: JsonValue): LookupRef | null {
  return Array.isArray(v) && v.length === 2 && isUuid(v[0]) ? { attrId: v[0], value: v[1] as JsonValue } : null;
}

function parseMode(x: JsonValue | undefined, path: (string | number)[]): TxMode | null {
  if (x === undefined) return null;
  const parsed = modeOpts.safeParse(x);
  if (!parsed.success) throw new ShapeError(path, "opts with mode create, update or upsert");
  return parsed.data?.mode ?? null;
}

function issuePath(err: z.ZodError): (string | number)[] {
  const path = err.issues[0]?.path ?? [];
  return path.filter((p): p is string | number => typeof p !== "symbol");
}
