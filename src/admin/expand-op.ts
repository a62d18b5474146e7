/**
 * One admin op → the wire tx-steps the browser client would have sent for it (docs/protocol.md
 * §5.2), resolved against the app's attrs plus the planned ones. Differences from the
 * client, all as Instant's server expands admin steps: `update`/`merge` never infer `update`
 * mode from cached data (`{"upsert": true}` → mode "upsert", `false` → "update",
 * absent → none), `ruleParams` loses an `id` key like every other object, and
 * `update-attr` is refused.
 */
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import type { AdminOp } from "./admin-ops";
import { linkTargets, resolveEntity } from "./lookups";
import type { AttrNames } from "./planned-attrs";

type WireStep = JsonValue[];
type JsonObject = { [key: string]: JsonValue };

const CREATE_OPTS: JsonObject = { mode: "create" };

export function expandOp(attrs: AttrNames, op: AdminOp): WireStep[] {
  switch (op.action) {
    case "create": {
      const e = resolveEntity(attrs, op.etype, op.eid);
      return fieldEntries(op.args, e).map(([label, v]) => ["add-triple", e, attrId(attrs, op.etype, label), v, CREATE_OPTS]);
    }
    case "update": {
      const e = resolveEntity(attrs, op.etype, op.eid);
      const opts = modeOpts(op.opts);
      return fieldEntries(op.args, e).map(([label, v]) => withOpts(["add-triple", e, attrId(attrs, op.etype, label), v], opts));
    }
    case "merge": {
      const e = resolveEntity(attrs, op.etype, op.eid);
      const opts = modeOpts(op.opts);
      return fieldEntries(op.args, e).map(([label, v]) =>
        withOpts([label === "id" ? "add-triple" : "deep-merge-triple", e, attrId(attrs, op.etype, label), v], opts),
      );
    }
    case "link":
    case "unlink":
      return expandLinks(attrs, op.action === "link" ? "add-triple" : "retract-triple", op.etype, op.eid, op.args);
    case "delete":
      return [["delete-entity", resolveEntity(attrs, op.etype, op.eid), op.etype]];
    case "ruleParams":
      return [["rule-params", resolveEntity(attrs, op.etype, op.eid), op.etype, withoutId(op.args)]];
    case "add-attr":
      return [["add-attr", op.attr]];
    case "delete-attr":
      return [["delete-attr", op.attrId]];
    case "update-attr":
      throw validationError("action", op.action, [{ message: `Unsupported action ${op.action}`, hint: { value: op.action } }]);
  }
}

/** `id` first (so a write to the lookup field can't clobber the lookup), then the other keys. */
function fieldEntries(args: JsonObject, e: JsonValue): [string, JsonValue][] {
  return [["id", e], ...Object.entries(withoutId(args))];
}

function withoutId(args: JsonObject): JsonObject {
  const { id: _id, ...rest } = args;
  return rest;
}

/** The attr id for a field; planning guarantees it exists (null lets the tx parse report it otherwise). */
const attrId = (attrs: AttrNames, etype: string, label: string): JsonValue => attrs.forward(etype, label)?.id ?? null;

/** Instant's `convert-opts`: only a non-null `upsert` picks a mode. */
function modeOpts(opts: JsonObject | null): JsonObject | null {
  const upsert = opts?.upsert;
  if (upsert === undefined || upsert === null) return null;
  return { mode: upsert === false ? "update" : "upsert" };
}

const withOpts = (step: WireStep, opts: JsonObject | null): WireStep => (opts ? [...step, opts] : step);

/**
 * Link triples are stored forward: from `etype` when the label is its forward name,
 * from the target when it is the reverse name. A lookup source also asserts its id
 * triple first (an add-triple even for unlink), as the client does.
 */
function expandLinks(attrs: AttrNames, kind: "add-triple" | "retract-triple", etype: string, eid: JsonValue, links: JsonObject): WireStep[] {
  const steps: WireStep[] = [];
  for (const [label, value] of Object.entries(withoutId(links))) {
    const fwd = attrs.forward(etype, label);
    const rev = fwd ? undefined : attrs.reverse(etype, label);
    for (const target of linkTargets(value)) {
      const source = resolveEntity(attrs, etype, eid);
      if (fwd) steps.push([kind, source, fwd.id, resolveEntity(attrs, fwd.reverse?.etype ?? null, target)]);
      else steps.push([kind, resolveEntity(attrs, rev?.forward.etype ?? null, target), rev?.id ?? null, source]);
    }
  }
  const source = resolveEntity(attrs, etype, eid);
  if (!Array.isArray(source)) return steps;
  return [["add-triple", source, attrId(attrs, etype, "id"), source], ...steps];
}
