/**
 * After a commit: which sessions' subscribed results changed, and the `refresh-ok` each
 * one gets. A subscription is recomputed only when the commit wrote triples its last
 * evaluation read (affects.ts), or the attr list changed; identical queries under the
 * same permission context are evaluated once per commit; unchanged results are not sent.
 */
import { errorMessage, refreshOk, type Computation } from "../protocol/server-messages";
import { InstantError } from "../protocol/errors";
import type { ChangeSet } from "../model/change-set";
import { depsAffected } from "../invalidate/affects";
import type { ReadDeps, StoredDeps } from "../query/read-deps";
import type { AppContext, Delivery } from "./app-context";
import { type Evaluated, authKey, evaluateQuery } from "./evaluate-query";
import { acceptsAttrlessRefresh, type InitedSession, isInited } from "./session-state";
import type { Subscription } from "./subscription-store";

/** A committed transaction, for the fan-out of refreshes. */
export type Commit = { readonly txId: number; readonly changes: ChangeSet };

export function affects(sub: Subscription, commit: Commit): boolean {
  return depsAffected(sub.deps, commit.changes);
}

/** Called by the commit pipeline (commit.ts) only. */
export function refreshesAfterCommit(ctx: AppContext, commit: Commit): Delivery[] {
  // Every result cached before this commit may be stale; evaluations below refill it.
  ctx.queryCache.clear();
  const failures = new Map<string, Failure>();
  const deliveries: Delivery[] = [];
  for (const session of ctx.sessions()) {
    if (!isInited(session)) continue;
    const computations: Computation[] = [];
    for (const sub of ctx.subscriptions.ofSession(session.sessionId)) {
      if (!affects(sub, commit)) continue;
      const key = `${authKey(session.auth)}\u0000${session.view?.inference ?? "-"}\u0000${sub.qKey}`;
      let evaluated: Evaluated | Failure | undefined = failures.get(key);
      if (!evaluated) {
        evaluated = tryEvaluate(ctx, session, sub);
        if ("failed" in evaluated) failures.set(key, evaluated);
      }
      if ("failed" in evaluated) {
        // The query became invalid (e.g. its order attr was deleted), or failed: route the
        // error to its subscribers the way the client expects (original-event.q).
        deliveries.push({ sessionId: session.sessionId, message: errorMessage(evaluated.failed, undefined, { op: "add-query", q: sub.q }) });
        continue;
      }
      if (evaluated.hash === sub.resultHash) {
        // Same result, but what it depends on may have moved (e.g. a new link to an
        // entity a child's where filters out): later commits must match the new deps.
        if (!sameDeps(sub.deps, evaluated.result.deps)) ctx.subscriptions.put({ ...sub, deps: evaluated.result.deps });
        continue;
      }
      ctx.subscriptions.put({ ...sub, resultHash: evaluated.hash, deps: evaluated.result.deps });
      computations.push({ q: sub.q, result: evaluated.result, tree: evaluated.tree });
    }
    // Tree sessions (admin streams) have no attr store to update.
    const attrsMatter = commit.changes.attrsChanged && !session.view;
    const sendAttrs = attrsMatter || (!session.view && !acceptsAttrlessRefresh(session));
    if (computations.length > 0 || attrsMatter) {
      deliveries.push({
        sessionId: session.sessionId,
        message: refreshOk(commit.txId, computations, sendAttrs ? ctx.attrs.all() : null),
      });
    }
  }
  return deliveries;
}

/** Deps are built sorted (read-deps.ts), so equal deps serialize equally. */
const sameDeps = (a: StoredDeps, b: ReadDeps): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** A failed evaluation: Instant's error, or null for an unexpected one (a generic 500). */
type Failure = { readonly failed: InstantError | null };

/**
 * A query that fails is reported to its own subscribers; an unexpected failure must not
 * stop the other sessions' refreshes.
 */
function tryEvaluate(ctx: AppContext, session: InitedSession, sub: Subscription): Evaluated | Failure {
  try {
    return evaluateQuery(ctx, session.auth, sub.q, sub.qKey, session.view);
  } catch (err) {
    if (err instanceof InstantError) return { failed: err };
    console.error("refresh evaluation failed", err);
    return { failed: null };
  }
}
