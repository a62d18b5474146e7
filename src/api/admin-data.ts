/**
 * `POST /admin/query` and `POST /admin/transact` (docs/protocol.md §13.2): the same
 * engines and the same commit pipeline as the socket, with the request's auth context.
 * Queries answer the object tree backends read (§13.4); transactions take the admin SDK's
 * un-expanded steps (§13.5), expanded here into the one tx-step format.
 */
import { expandAdminSteps } from "../admin/expand-steps";
import { queryTree } from "../admin/result-tree";
import type { AppContext } from "../core/app-context";
import { commit } from "../core/commit";
import type { AuthContext, RuleParams } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import type { AdminRequest } from "./api-call";
import type { ApiResult } from "./api-result";

type DataRequest = Extract<AdminRequest, { op: "admin-query" | "admin-transact" }>;

export function adminData(ctx: AppContext, auth: AuthContext, r: DataRequest): ApiResult {
  if (r.op === "admin-transact") {
    const steps = expandAdminSteps({ attrs: ctx.attrs, newId: ctx.newId }, { steps: r.steps, throwOnMissingAttrs: r.throwOnMissingAttrs });
    const { txId, deliveries } = commit(ctx, auth, steps);
    return { body: { "tx-id": txId }, deliveries };
  }
  // `$$ruleParams` travels inside the query; rules read it from the auth context.
  const params = ruleParamsOf(r.query);
  const asker = params ? { ...auth, ruleParams: params } : auth;
  const env = { sql: ctx.sql, attrs: ctx.attrs, auth: asker, visibility: ctx.permissions.visibility };
  return { body: queryTree(env, r.query, { inference: r.inference }).tree };
}

function ruleParamsOf(query: { readonly [k: string]: JsonValue }): RuleParams | null {
  const p = query.$$ruleParams;
  return typeof p === "object" && p !== null && !Array.isArray(p) ? p : null;
}
