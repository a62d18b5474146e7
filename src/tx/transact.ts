/**
 * Runs a parsed transaction atomically: pre-validation, one tx-log entry, the steps
 * grouped by kind in order of first appearance (Instant's execution order), required
 * attrs post-validation. Any failure rolls everything back and restores the in-memory
 * attr registry from SQLite.
 */
import type { ChangeSet } from "../model/change-set";
import { appendTx } from "../store/tx-log";
import { addAttr, deleteAttr, updateAttr } from "./attr-ops";
import { type RuleParams, TxContext, type TxEnv } from "./context";
import { deleteEntity } from "./delete-entity";
import { checkModes } from "./modes";
import { optimisticAttrs } from "./optimistic-attrs";
import { preValidate } from "./pre-validate";
import { validateRequired } from "./required";
import type { TxStep, TxStepKind } from "./steps";
import { addTriple, deepMergeTriple, retractTriple } from "./triple-ops";

export type TxResult = {
  txId: number;
  changes: ChangeSet;
  /** rule-params steps, for the permissions layer. */
  ruleParams: readonly RuleParams[];
  /** Attrs whose triples were written or deleted (finer than changes.etypes). */
  attrIds: ReadonlySet<string>;
};

export function transact(env: TxEnv, steps: TxStep[]): TxResult {
  try {
    return env.sql.transaction(() => {
      const ctx = new TxContext(env);
      const attrs = optimisticAttrs(env.attrs, steps);
      preValidate(ctx, attrs, steps);
      checkModes(ctx, attrs, steps);
      const txId = appendTx(env.sql, ctx.t);
      for (const step of executionOrder(steps)) runStep(ctx, step);
      validateRequired(ctx);
      const changes = ctx.changeSet();
      env.authorize?.(ctx, { steps, changes, ruleParams: ctx.ruleParams });
      return { txId, changes, ruleParams: ctx.ruleParams, attrIds: ctx.touchedAttrIds };
    });
  } catch (err) {
    // The registry may hold attrs written by the rolled-back transaction.
    env.attrs.reload();
    throw err;
  }
}

/** Steps grouped by kind, groups in order of each kind's first appearance. */
export function executionOrder(steps: readonly TxStep[]): TxStep[] {
  const groups = new Map<TxStepKind, TxStep[]>();
  for (const step of steps) {
    const group = groups.get(step.kind);
    if (group) group.push(step);
    else groups.set(step.kind, [step]);
  }
  return [...groups.values()].flat();
}

function runStep(ctx: TxContext, step: TxStep): void {
  switch (step.kind) {
    case "add-attr":
      return addAttr(ctx, step.attr);
    case "update-attr":
      return updateAttr(ctx, step.patch);
    case "delete-attr":
      return deleteAttr(ctx, step.attrId);
    case "restore-attr":
      // Deleted attrs are gone for good here (no soft delete), so there is nothing to restore.
      return;
    case "add-triple":
      return addTriple(ctx, step);
    case "deep-merge-triple":
      return deepMergeTriple(ctx, step);
    case "retract-triple":
      return retractTriple(ctx, step);
    case "delete-entity":
      return deleteEntity(ctx, step);
    case "rule-params":
      ctx.ruleParams.push({ entity: step.entity, etype: step.etype, params: step.params });
      return;
  }
}
