/**
 * Evaluates a subscribed query for an auth context and fingerprints the result, so that
 * add-query and the post-commit fan-out agree on what "the result changed" means.
 * Evaluations are shared through the app's QueryCache until the next commit, keyed by
 * the auth context: two sessions share a result only when they may see the same data.
 */
import type { AuthContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { type QueryResult, runQuery } from "../query";
import type { ReadDeps } from "../query/read-deps";
import { canonicalJson, hashString } from "../util/json";
import { queryTree } from "../admin/result-tree";
import type { AppContext } from "./app-context";
import type { ResultView } from "./session-state";

export type Evaluated = {
  readonly result: QueryResult & { readonly deps: ReadDeps };
  readonly hash: string;
  /** The admin object tree, for sessions whose view is a tree. */
  readonly tree?: JsonValue;
};

/**
 * Admins see everything alike; anyone else sees what the rules allow for their user and
 * the rule params they sent.
 */
export const authKey = (auth: AuthContext): string =>
  auth.isAdmin ? "admin" : `user:${auth.user?.id ?? ""}:${canonicalJson(auth.ruleParams)}`;

/** Evaluates q (whose canonical JSON is qKey) as `auth`, reusing a current result. */
export function evaluateQuery(ctx: AppContext, auth: AuthContext, q: JsonValue, qKey: string, view?: ResultView): Evaluated {
  const cacheKey = `${authKey(auth)}\u0000${view ? `tree:${view.inference}` : "triples"}\u0000${qKey}`;
  const cached = ctx.queryCache.get(cacheKey);
  if (cached) return cached;
  const env = { sql: ctx.sql, attrs: ctx.attrs, auth, visibility: ctx.permissions.visibility };
  let evaluated: Evaluated;
  if (view) {
    const { tree, result } = queryTree(env, q, { inference: view.inference });
    evaluated = { result, tree, hash: hashString(JSON.stringify([tree, result.pageInfo, result.aggregate])) };
  } else {
    const result = runQuery(env, q);
    evaluated = { result, hash: hashString(JSON.stringify([result.triples, result.pageInfo, result.aggregate])) };
  }
  ctx.queryCache.set(cacheKey, evaluated);
  return evaluated;
}
