/**
 * `POST /admin/query_perms_check` and `POST /admin/transact_perms_check` (docs/protocol.md
 * §13.2): the admin SDK's `debugQuery` and `debugTransact`. Both need the admin token and
 * an `as-*` user (an admin passes every rule, so there is nothing to test: Instant's
 * `validation-failed` "Cannot test perms as admin"). `rules-override` replaces the app's
 * rules for this request only. CEL errors are shown in evaluation failures, as Instant
 * does for these routes.
 *
 * Check results, in Instant's shapes (instaql.clj `permissioned-query-check`,
 * permissioned_transaction.clj `run-checks!`, admin/routes.clj), one per rule program run:
 *
 * * query: `{id, entity, label?, record, program: {code, display-code, etype, action}, check}`
 *   for each view (or field) check of an entity in the result; `label` only on field checks;
 * * transact: `{scope: "object", action, etype, eid, program: {…}, check-result, check-pass?}`
 *   for each write, link and attr-creation check.
 *
 * Rules that are literals, not programs (`"true"`, `"false"`, no rule at all, a system
 * namespace's default), run no program: a passing one is not listed, a failing one is
 * listed with `program: null`.
 * The transaction runs the whole pipeline with an authorizer that records instead of
 * throwing; it is rolled back unless `dangerously-commit-tx` is set and every check
 * passed, and a committed run goes through the one commit pipeline (subscribers refresh).
 */
import { expandAdminSteps } from "../admin/expand-steps";
import { queryTree } from "../admin/result-tree";
import { requireAdmin } from "../apps/admin-auth";
import type { AppRecord } from "../apps/app-record";
import type { AppContext } from "../core/app-context";
import { commit } from "../core/commit";
import type { AuthContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import { authorizeTx, type Denial } from "../permissions/authorize-tx";
import { checkRules } from "../permissions/check-rules";
import type { RuleVars } from "../permissions/permission-run";
import type { Program } from "../permissions/rule-program";
import { type CompiledRules, compileRules } from "../permissions/rules";
import { filterResult } from "../permissions/visibility";
import type { VisibilityFilter } from "../query";
import type { TxAuthorizer } from "../tx";
import type { AdminCredentials, AdminRequest } from "./api-call";
import type { ApiResult } from "./api-result";

type QueryCheck = Extract<AdminRequest, { op: "admin-query-perms-check" }>;
type TransactCheck = Extract<AdminRequest, { op: "admin-transact-perms-check" }>;
type JsonObject = { [key: string]: JsonValue };

/** Admin token first, then a user to test as (Instant's order). */
export function requirePermsCheckCaller(app: AppRecord, appId: string, creds: AdminCredentials): void {
  requireAdmin(app, appId, creds.adminToken);
  if (creds.as === null) throw validationError("non-admin", "non-admin", [{ message: "Cannot test perms as admin" }]);
}

function rulesFor(app: AppRecord, override: { readonly [key: string]: JsonValue } | null): CompiledRules {
  if (override === null) return compileRules(app.rules);
  checkRules(override);
  return compileRules(override);
}

const programOf = (p: Program): JsonObject => ({ code: p.code, "display-code": p.displayCode, etype: p.etype, action: p.kind });

const idOf = (v: RuleVars): JsonValue => {
  const id = v.data?.id ?? v.newData?.id;
  return id === undefined ? null : id;
};

export function queryPermsCheck(ctx: AppContext, app: AppRecord, auth: AuthContext, r: QueryCheck): ApiResult {
  const rules = rulesFor(app, r.rulesOverride);
  const checks: JsonObject[] = [];
  const onCheck = (program: Program, vars: RuleVars, passed: boolean) => {
    const field = program.path[1] === "fields" ? program.path[2] : undefined;
    const out: JsonObject = { id: idOf(vars), entity: program.etype };
    if (field !== undefined) out.label = field;
    out.record = (vars.data ?? null) as JsonValue;
    out.program = programOf(program);
    out.check = passed;
    checks.push(out);
  };
  const now = ctx.now();
  const visibility: VisibilityFilter = (env, ast, result, extra) => {
    if (env.auth.isAdmin) return result;
    const asker: AuthContext = ast.ruleParams ? { ...env.auth, ruleParams: ast.ruleParams } : env.auth;
    return filterResult(env, rules, asker, now, result, extra, { onCheck, showCelErrors: true });
  };
  const env = { sql: ctx.sql, attrs: ctx.attrs, auth, visibility };
  const { tree } = queryTree(env, r.query, { inference: r.inference });
  return { body: { result: tree, "check-results": checks } };
}

/** Thrown by the recording authorizer to roll the transaction back. */
const ROLL_BACK = Symbol("perms-check roll back");

export function transactPermsCheck(ctx: AppContext, app: AppRecord, auth: AuthContext, r: TransactCheck): ApiResult {
  const rules = rulesFor(app, r.rulesOverride);
  const steps = expandAdminSteps({ attrs: ctx.attrs, newId: ctx.newId }, { steps: r.steps, throwOnMissingAttrs: r.throwOnMissingAttrs });
  const checks: JsonObject[] = [];
  let denied = 0;
  /** Did the last program run fail (so its denial is already listed)? */
  let lastFailed = false;
  const onCheck = (program: Program, vars: RuleVars, passed: boolean) => {
    lastFailed = !passed;
    checks.push({ scope: "object", action: program.kind, etype: program.etype, eid: idOf(vars), program: programOf(program), "check-result": passed, "check-pass?": passed });
  };
  const onDenied = (d: Denial) => {
    denied++;
    if (!lastFailed) checks.push({ scope: "object", action: d.action, etype: d.etype, eid: d.eid, program: null, "check-result": false, "check-pass?": false });
    lastFailed = false;
  };
  const authorize: TxAuthorizer = (txCtx, tx) => {
    authorizeTx(txCtx, tx, rules, { onCheck, onDenied, showCelErrors: true });
    if (!r.commit || denied > 0) throw ROLL_BACK;
  };
  try {
    const { txId, deliveries } = commit(ctx, auth, steps, authorize);
    return { body: { "tx-id": txId, "all-checks-ok?": true, "committed?": true, "check-results": checks }, deliveries };
  } catch (e) {
    if (e !== ROLL_BACK) throw e;
    return { body: { "all-checks-ok?": denied === 0, "committed?": false, "check-results": checks } };
  }
}
