/**
 * The `create` / `update` modes of add-triple and deep-merge-triple, checked once
 * against the state before the transaction, before any step runs (as Instant does):
 * create over an existing entity, or update of a missing one, fails the whole tx.
 */
import type { JsonValue } from "../model/triple";
import { encodeValue } from "../store/value-codec";
import type { TxContext } from "./context";
import type { AttrView } from "./optimistic-attrs";
import type { AddTripleStep, DeepMergeTripleStep, TxStep } from "./steps";
import { entityWithValue, hasAnyOf } from "./triple-sql";
import { validationFailed } from "./tx-errors";
import { entityText, stepToWire } from "./wire-form";

type ModeStep = AddTripleStep | DeepMergeTripleStep;

export function checkModes(ctx: TxContext, attrs: AttrView, steps: readonly TxStep[]): void {
  const modal = steps.filter(
    (s): s is ModeStep => (s.kind === "add-triple" || s.kind === "deep-merge-triple") && (s.mode === "create" || s.mode === "update"),
  );
  if (modal.length === 0) return;
  const memo = new Map<string, boolean>();
  const exists = (step: ModeStep): boolean => {
    const etype = attrs(step.attrId)?.forward.etype;
    const key = `${entityText(step.entity)}\u0000${etype ?? ""}`;
    let found = memo.get(key);
    if (found === undefined) {
      found = entityExists(ctx, step, etype);
      memo.set(key, found);
    }
    return found;
  };
  fail(modal.filter((s) => s.mode === "create" && exists(s)), "Creating entities that exist: ");
  fail(modal.filter((s) => s.mode === "update" && !exists(s)), "Updating entities that don't exist: ");
}

function entityExists(ctx: TxContext, step: ModeStep, etype: string | undefined): boolean {
  if (step.entity.kind === "lookup") {
    const { attrId, value } = step.entity.lookup;
    // Instant looks lookups up in its unique (attr, value) index only.
    if (!ctx.attrs.get(attrId)?.unique) return false;
    return entityWithValue(ctx.sql, attrId, encodeValue(value)) !== undefined;
  }
  if (etype === undefined) return false;
  return hasAnyOf(ctx.sql, step.entity.id, ctx.attrs.ofEtype(etype).map((a) => a.id));
}

function fail(offending: ModeStep[], prefix: string): void {
  if (offending.length === 0) return;
  // Instant lists one entry per offending step, so an entity can repeat.
  const message = prefix + offending.map((s) => entityText(s.entity)).join(", ");
  throw validationFailed("tx-step", offending.map(stepToWire) as JsonValue, [{ message }]);
}
