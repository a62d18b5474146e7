/**
 * `transact`: parse the steps at the boundary, apply them atomically, acknowledge with
 * the new tx-id. The post-commit refresh fan-out is the shell's job (see Outcome.commit).
 */
import type { TransactMessage } from "../protocol/client-messages";
import { InstantError, validationError } from "../protocol/errors";
import { MAX_TX_STEPS } from "../protocol/limits";
import { transactOk } from "../protocol/server-messages";
import { parseTxSteps, transact } from "../tx";
import { type AppContext, type Outcome, outcome } from "./app-context";
import type { SessionState } from "./session-state";

export function handleTransact(ctx: AppContext, session: SessionState, m: TransactMessage): Outcome {
  const app = ctx.app();
  if (app?.status === "read-only") throw new InstantError("app-read-only", "This app is in read-only mode.");
  if (app?.status === "disabled") throw new InstantError("app-disabled", "This app has been disabled.");
  if (Array.isArray(m.txSteps) && m.txSteps.length > MAX_TX_STEPS) {
    throw validationError("tx-steps", null, [
      { message: `A transaction may have at most ${MAX_TX_STEPS} steps; this one has ${m.txSteps.length}.` },
    ]);
  }
  const steps = parseTxSteps(m.txSteps);
  const { txId, changes } = transact(
    { sql: ctx.sql, attrs: ctx.attrs, now: ctx.now, newId: ctx.newId, isAdmin: session.isAdmin },
    steps,
  );
  return outcome(session, [transactOk(m.eventId, txId)], { commit: { txId, changes } });
}
