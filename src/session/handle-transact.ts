/**
 * `transact`: parse the steps at the boundary, then the commit pipeline; the sender gets
 * `transact-ok` first, then everyone's refreshes (its own included).
 */
import type { TransactMessage } from "../protocol/client-messages";
import { transactOk } from "../protocol/server-messages";
import { parseTxSteps } from "../tx";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import { commit } from "../core/commit";
import type { InitedSession } from "../core/session-state";

export function handleTransact(ctx: AppContext, session: InitedSession, m: TransactMessage): Outcome {
  const { txId, deliveries } = commit(ctx, session.auth, parseTxSteps(m.txSteps));
  return outcome(session, [transactOk(m.eventId, txId)], deliveries);
}
