/**
 * `POST /admin/transact` steps → the tx engine's TxSteps (docs/protocol.md §13.5).
 *
 * The expansion produces the *wire* tx-steps a browser client would send for the same
 * ops (add-attr steps for the attrs to create, then each op's triples) and hands them
 * to the engine's own `parseTxSteps`. That is Instant's own order (expand, then
 * the normal tx checks), keeps one parse path with one set of shape errors
 * for both transports, and makes the output directly comparable with the client's
 * `instaml.transform`, which the tests use as the oracle.
 */
import type { JsonValue } from "../model/triple";
import { attrToWire } from "../protocol/attr-wire";
import { paramMalformed, paramMissing, validationError } from "../protocol/errors";
import { type TxStep, parseTxSteps } from "../tx";
import { parseAdminOps } from "./admin-ops";
import { expandOp } from "./expand-op";
import { planMissingAttrs, plannedNames } from "./missing-attrs";
import { type AttrNames, PlannedAttrs } from "./planned-attrs";

export type AdminTxInput = {
  /** The body's `steps`, as parsed from JSON. */
  readonly steps: JsonValue[];
  /** The body's `throw-on-missing-attrs?` (the SDK sets it whenever it has a schema). */
  readonly throwOnMissingAttrs: boolean;
};

export type ExpandEnv = {
  /** The app's current attrs (an AttrRegistry). */
  readonly attrs: AttrNames;
  /** A fresh uuid for each id of an attr created on the fly. */
  readonly newId: () => string;
};

/** Reads `steps` and `throw-on-missing-attrs?` from a parsed `/admin/transact` body. */
export function adminTxInput(body: JsonValue): AdminTxInput {
  const obj = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  const steps = obj.steps;
  if (steps === undefined || steps === null) throw paramMissing(["body", "steps"]);
  if (!Array.isArray(steps)) throw paramMalformed(["body", "steps"], steps);
  // Clojure's `boolean`: everything but null and false is true.
  const flag = obj["throw-on-missing-attrs?"];
  return { steps, throwOnMissingAttrs: flag !== undefined && flag !== null && flag !== false };
}

/** The wire tx-steps for the admin steps: planned add-attr steps first, then each op's steps. */
export function adminStepsToWire(env: ExpandEnv, input: AdminTxInput): JsonValue[] {
  const ops = parseAdminOps(input.steps);
  const attrs = new PlannedAttrs(env.attrs, env.newId);
  planMissingAttrs(attrs, ops);
  if (input.throwOnMissingAttrs && attrs.added.length > 0) {
    throw validationError("steps", input.steps, [
      { message: "Attributes are missing in your schema", hint: { attributes: plannedNames(attrs) } },
    ]);
  }
  const addAttrs: JsonValue[] = attrs.added.map((a) => ["add-attr", attrToWire(a)]);
  return [...addAttrs, ...ops.flatMap((op) => expandOp(attrs, op))];
}

/** The admin steps as TxSteps for `transact` (one parse path with the WebSocket's tx-steps). */
export function expandAdminSteps(env: ExpandEnv, input: AdminTxInput): TxStep[] {
  return parseTxSteps(adminStepsToWire(env, input));
}
