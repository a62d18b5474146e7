/**
 * `add-query` / `remove-query`: evaluate and subscribe, or unsubscribe. Subscriptions
 * are keyed by the canonical JSON of q, so key order never splits one query in two.
 */
import type { AddQueryMessage, RemoveQueryMessage } from "../protocol/client-messages";
import { validationError } from "../protocol/errors";
import { MAX_QUERIES_PER_SESSION } from "../protocol/limits";
import { addQueryExists, addQueryOk, removeQueryOk } from "../protocol/server-messages";
import { lastTxId } from "../store/tx-log";
import { canonicalJson } from "../util/json";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import type { InitedSession } from "../core/session-state";
import { evaluateQuery } from "../core/evaluate-query";

export function handleAddQuery(ctx: AppContext, session: InitedSession, m: AddQueryMessage): Outcome {
  if (m.q === null) throw validationError("query", null, [{ message: "Query can not be null." }]);
  const qKey = canonicalJson(m.q);
  if (ctx.subscriptions.get(session.sessionId, qKey)) {
    return outcome(session, [addQueryExists(m.eventId, m.q)]);
  }
  if (ctx.subscriptions.count(session.sessionId) >= MAX_QUERIES_PER_SESSION) {
    throw validationError("query", m.q, [
      { message: `A session may subscribe to at most ${MAX_QUERIES_PER_SESSION} queries at once.` },
    ]);
  }
  const { result, hash } = evaluateQuery(ctx, session.auth, m.q, qKey);
  ctx.subscriptions.put({ sessionId: session.sessionId, qKey, q: m.q, resultHash: hash, deps: result.deps });
  return outcome(session, [addQueryOk(m.eventId, m.q, result, lastTxId(ctx.sql))]);
}

export function handleRemoveQuery(ctx: AppContext, session: InitedSession, m: RemoveQueryMessage): Outcome {
  if (m.q === null) throw validationError("query", null, [{ message: "Query can not be null." }]);
  ctx.subscriptions.remove(session.sessionId, canonicalJson(m.q));
  return outcome(session, [removeQueryOk(m.eventId, m.q)]);
}
