/**
 * Checks that run before any step writes, in Instant's order: lookups on `id` attrs
 * need uuid values; system columns are off limits; non-admin transactions need uuid
 * link values and lookups from the right namespace; attr changes other than add-attr
 * are admin-only. Mode checks (modes.ts) come last.
 */
import type { JsonValue } from "../model/triple";
import type { TxContext } from "./context";
import { EDITABLE_SYSTEM_ETYPES } from "./reserved-names";
import type { AttrView } from "./optimistic-attrs";
import type { EntityRef, LookupRef, TxStep } from "./steps";
import { permissionDenied, validationFailed } from "./tx-errors";
import { hasAnyOf } from "./triple-sql";
import { isUuid, lookupToWire, stepToWire } from "./wire-form";

/** System attrs any transaction may write (the client always sends the id triple). */
const WRITABLE_SYSTEM_ATTRS: ReadonlySet<string> = new Set(["$users\u0000id", "$files\u0000id", "$files\u0000path", "$streams\u0000id"]);

export function preValidate(ctx: TxContext, attrs: AttrView, steps: readonly TxStep[]): void {
  steps.forEach((step, idx) => checkIdLookups(attrs, step, idx));
  for (const step of steps) checkSystemWrites(ctx, attrs, step);
  if (ctx.isAdmin) return;
  for (const step of steps) checkLinkValue(attrs, step);
  for (const step of steps) checkLookupNamespaces(attrs, step);
  for (const step of steps) {
    if (step.kind === "update-attr" || step.kind === "delete-attr" || step.kind === "restore-attr") {
      throw permissionDenied(["attrs", "attr"]);
    }
  }
}

const entityOf = (step: TxStep): EntityRef | null => ("entity" in step ? step.entity : null);
const valueLookupOf = (step: TxStep): LookupRef | null => ("valueLookup" in step ? step.valueLookup : null);

function checkIdLookups(attrs: AttrView, step: TxStep, idx: number): void {
  const entity = entityOf(step);
  if (step.kind === "rule-params") return;
  const check = (lookup: LookupRef, pos: number) => {
    const attr = attrs(lookup.attrId);
    if (!attr || attr.forward.label !== "id" || isUuid(lookup.value)) return;
    throw validationFailed("tx-steps", stepToWire(step), [
      {
        message: `Invalid lookup '${JSON.stringify(lookupToWire(lookup))}'. The lookup attribute is '${attr.forward.etype}.${attr.forward.label}', but the lookup value is not a valid UUID.`,
        in: [idx, pos],
      },
    ]);
  };
  if (entity?.kind === "lookup") check(entity.lookup, 1);
  const vl = valueLookupOf(step);
  if (vl && attrs(vl.attrId)) check(vl, 3);
}

function checkSystemWrites(ctx: TxContext, attrs: AttrView, step: TxStep): void {
  if (step.kind === "delete-entity") {
    const etype = step.etype;
    if (etype?.startsWith("$") && !ctx.isAdmin && etype !== "$files") {
      throw stepError(step, `${etype} is a system entity. You aren't allowed to delete this directly.`);
    }
    return;
  }
  if (step.kind !== "add-triple" && step.kind !== "deep-merge-triple" && step.kind !== "retract-triple") return;
  const attr = attrs(step.attrId);
  if (!attr || attr.catalog !== "system") return;
  const { etype, label } = attr.forward;
  // `$users` rows are made by the sign-in flows (as the server): a client may write its
  // own row's id triple (every update sends it) but not create a user.
  if (etype === "$users" && label === "id" && !ctx.isAdmin && step.entity.kind === "id" && !hasAnyOf(ctx.sql, step.entity.id, [attr.id])) {
    throw stepError(step, "$users is a system entity. You aren't allowed to create this directly.");
  }
  if (WRITABLE_SYSTEM_ATTRS.has(`${etype}\u0000${label}`)) return;
  // Nobody writes the remaining $files/$streams columns: they describe stored bytes.
  const allowed = etype === "$files" || etype === "$streams" ? false : ctx.isAdmin;
  if (!allowed) throw stepError(step, `${etype}.${label} is a system column. You aren't allowed to change this directly.`);
}

function checkLinkValue(attrs: AttrView, step: TxStep): void {
  if (step.kind !== "add-triple" && step.kind !== "retract-triple") return;
  const attr = attrs(step.attrId);
  if (!attr || attr.valueType !== "ref" || step.valueLookup || isUuid(step.value)) return;
  throw validationFailed("eid", step.value, [{ message: "Expected link value to be a uuid.", hint: { "tx-step": stepToWire(step) } }]);
}

function checkLookupNamespaces(attrs: AttrView, step: TxStep): void {
  const entity = entityOf(step);
  const stepEtype =
    step.kind === "delete-entity" || step.kind === "rule-params"
      ? step.etype
      : "attrId" in step
        ? (attrs(step.attrId)?.forward.etype ?? null)
        : null;
  if (entity?.kind === "lookup") checkLookupEtype(attrs, step, entity.lookup, stepEtype);
  const vl = valueLookupOf(step);
  const attr = "attrId" in step ? attrs(step.attrId) : undefined;
  if (vl && attr?.valueType === "ref" && attr.reverse) checkLookupEtype(attrs, step, vl, attr.reverse.etype);
}

function checkLookupEtype(attrs: AttrView, step: TxStep, lookup: LookupRef, expected: string | null): void {
  const etype = attrs(lookup.attrId)?.forward.etype;
  if (etype === undefined) {
    throw validationFailed("lookup", lookupToWire(lookup), [
      { "tx-step": stepToWire(step), message: "Invalid lookup. Could not determine namespace from lookup attribute." },
    ]);
  }
  if (etype !== expected) {
    throw stepError(
      step,
      "Invalid transaction. The namespace in the lookup attribute is different from the namespace of the attribute that is being set",
    );
  }
}

const stepError = (step: TxStep, message: string) => validationFailed("tx-step", stepToWire(step) as JsonValue, [{ message }]);

