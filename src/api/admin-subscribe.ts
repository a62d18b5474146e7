/**
 * `subscribeQuery` from `@instantdb/admin` (docs/protocol.md §13.3): an SSE session that
 * is authenticated by the request's admin credentials (no `init`), subscribes to one
 * query at once, and receives results as object trees. After this first answer it is an
 * ordinary session: the commit pipeline's refreshes reach it like any socket's.
 */
import type { AppContext } from "../core/app-context";
import { evaluateQuery } from "../core/evaluate-query";
import { type InitedSession, newSessionState } from "../core/session-state";
import type { JsonValue } from "../model/triple";
import { InstantError, recordNotFound } from "../protocol/errors";
import { errorMessage, type ServerMessage, treeAddQueryOk } from "../protocol/server-messages";
import { lastTxId } from "../store/tx-log";
import { canonicalJson } from "../util/json";
import { adminAuth } from "./admin-credentials";
import type { AdminCredentials } from "./api-call";

/** Built by the Worker from the POST (src/http/admin.ts), parsed there once. */
export type AdminSubscribeCall = {
  readonly appId: string;
  readonly credentials: AdminCredentials;
  readonly query: { readonly [key: string]: JsonValue };
  readonly inference: boolean;
  readonly coreVersion: string | null;
};

/**
 * The session and its first frame. Credential problems throw (the stream is refused with
 * Instant's error body); a query the engine rejects is answered on the stream as an
 * `error` frame, which the SDK hands to the subscriber.
 */
export function openAdminSubscription(ctx: AppContext, call: AdminSubscribeCall, sessionId: string): { session: InitedSession; first: ServerMessage } {
  const app = ctx.app();
  if (!app || app.id !== call.appId) throw recordNotFound("app", [{ id: call.appId }]);
  const auth = adminAuth({ sql: ctx.sql, attrs: ctx.attrs, appId: app.id }, app, call.appId, call.credentials);
  const session: InitedSession = {
    ...newSessionState(sessionId),
    auth,
    coreVersion: call.coreVersion,
    view: { kind: "tree", inference: call.inference },
  };
  const q = call.query;
  try {
    const qKey = canonicalJson(q);
    const evaluated = evaluateQuery(ctx, auth, q, qKey, session.view);
    ctx.subscriptions.put({ sessionId, qKey, q, resultHash: evaluated.hash, deps: evaluated.result.deps });
    return { session, first: treeAddQueryOk(q, evaluated.tree ?? {}, evaluated.result, lastTxId(ctx.sql)) };
  } catch (err) {
    if (!(err instanceof InstantError)) console.error("admin subscription failed", err);
    return { session, first: errorMessage(err instanceof InstantError ? err : null, undefined, { op: "add-query", q }) };
  }
}
