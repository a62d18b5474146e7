/**
 * Evaluates a subscribed query for a session and fingerprints the result, so that
 * add-query and the post-commit fan-out agree on what "the result changed" means.
 * Evaluations are shared through the app's QueryCache until the next commit.
 */
import type { ReadDeps } from "../invalidate/read-deps";
import type { JsonValue } from "../model/triple";
import { type QueryResult, runQuery } from "../query";
import { hashString } from "../util/json";
import type { AppContext } from "./app-context";
import type { SessionState } from "./session-state";

export type Evaluated = { readonly result: QueryResult & { readonly deps: ReadDeps }; readonly hash: string };

/**
 * Sessions that see the same data for the same query share one evaluation. Until
 * permissions exist only admin-ness changes what a query may return (aggregates).
 */
export const permissionKey = (session: SessionState): string => (session.isAdmin ? "admin" : "user");

/** Evaluates q (whose canonical JSON is qKey) for the session, reusing a current result. */
export function evaluateQuery(ctx: AppContext, session: SessionState, q: JsonValue, qKey: string): Evaluated {
  const cacheKey = `${permissionKey(session)}\u0000${qKey}`;
  const cached = ctx.queryCache.get(cacheKey);
  if (cached) return cached;
  const result = runQuery({ sql: ctx.sql, attrs: ctx.attrs, isAdmin: session.isAdmin }, q);
  const fingerprint = JSON.stringify([result.triples, result.pageInfo, result.aggregate]);
  const evaluated = { result, hash: hashString(fingerprint) };
  ctx.queryCache.set(cacheKey, evaluated);
  return evaluated;
}
