/**
 * The transaction engine: wire `tx-steps` → parsed steps → one atomic write to the
 * app's SQLite, with Instant's semantics and errors (docs/protocol.md §5).
 */
export { parseTxSteps } from "./parse";
export { transact, executionOrder, type TxResult } from "./transact";
export type { TxEnv, RuleParams, TxAuthorizer, AppliedTx } from "./context";
export type { TxContext } from "./context";
export type {
  TxStep,
  TxStepKind,
  TxMode,
  EntityRef,
  LookupRef,
  AttrPatch,
  AddAttrStep,
  UpdateAttrStep,
  DeleteAttrStep,
  RestoreAttrStep,
  AddTripleStep,
  DeepMergeTripleStep,
  RetractTripleStep,
  DeleteEntityStep,
  RuleParamsStep,
} from "./steps";
export { deepMerge } from "./deep-merge";
