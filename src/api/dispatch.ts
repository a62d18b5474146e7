/**
 * The app object's one RPC entry point: a parsed ApiCall → its result. Runtime calls
 * need the app to exist; admin calls also resolve their credentials into the auth
 * context (admin-credentials.ts); app creation needs the app not to exist yet.
 */
import { writeApp } from "../apps/app-record";
import { createApp } from "../apps/create-app";
import { restoreApp } from "../apps/restore";
import { checkRules } from "../permissions/check-rules";
import { appResponse } from "../apps/create-app";
import type { AppContext } from "../core/app-context";
import { roomPresenceForAdmin } from "../presence";
import { readUser } from "../auth/users";
import type { JsonValue } from "../model/triple";
import { InstantError, recordNotFound } from "../protocol/errors";
import { adminData } from "./admin-data";
import { adminAuth } from "./admin-credentials";
import type { ApiCall, RuntimeRequest } from "./api-call";
import type { ApiResult, ApiServices } from "./api-result";
import { adminAuthEndpoint, runtimeAuth } from "./auth-endpoints";
import { queryPermsCheck, requirePermsCheckCaller, transactPermsCheck } from "./perms-check";

export async function handleApiCall(ctx: AppContext, call: ApiCall, services: ApiServices): Promise<ApiResult> {
  const r = call.request;
  if (r.op === "create-app") {
    const app = createApp(ctx.sql, ctx.attrs, { ...r, id: call.appId }, ctx.now(), ctx.newId);
    return { body: appResponse(app, r.adminToken) };
  }
  const app = ctx.app();
  if (!app || app.id !== call.appId) throw recordNotFound("app", [{ id: call.appId }]);
  if (r.op === "restore-app") {
    if (!services.pitr) throw new InstantError("validation-failed", "This host offers no point-in-time recovery.", undefined, 501);
    const plan = await restoreApp(services.pitr, r.target, ctx.now());
    return { body: { "restored-to": plan.restoredTo, "undo-bookmark": plan.undo }, restart: true };
  }
  if (!("credentials" in call)) return runtimeAuth(ctx, app, services, r as RuntimeRequest);

  const users = { sql: ctx.sql, attrs: ctx.attrs, appId: app.id };
  const auth = adminAuth(users, app, call.appId, call.credentials);
  const a = call.request;
  switch (a.op) {
    case "admin-query":
    case "admin-transact":
      return adminData(ctx, auth, a);
    case "admin-query-perms-check":
      requirePermsCheckCaller(app, call.appId, call.credentials);
      return queryPermsCheck(ctx, app, auth, a);
    case "admin-transact-perms-check":
      requirePermsCheckCaller(app, call.appId, call.credentials);
      return transactPermsCheck(ctx, app, auth, a);
    case "admin-room-presence":
      // Backends get each peer's full `$users` record, as Instant returns it.
      return { body: roomPresenceForAdmin(ctx.presence, a.roomId, (id) => readUser(users, id) as JsonValue | null) };
    case "admin-get-rules":
      return { body: { perms: app.rules } };
    case "admin-set-rules": {
      // Checked whole before it is stored, so no app is left with half-valid rules.
      checkRules(a.code);
      writeApp(ctx.sql, { ...app, rules: a.code });
      return { body: { rules: { app_id: app.id, code: a.code } } };
    }
    case "admin-set-magic-code-template":
      writeApp(ctx.sql, { ...app, magicCodeTemplate: a.template });
      return { body: { template: a.template } };
    default:
      return adminAuthEndpoint(ctx, app, services, a);
  }
}
