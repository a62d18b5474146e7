/**
 * Who an admin request acts as (docs/protocol.md §13.1), turned into the one auth
 * context the engines take. Without `as-*` the admin token must be valid and the request
 * is an admin's; `as-email` also needs the admin token and acts as that user;
 * `as-token` and `as-guest` need no admin token and act as that token's user or as
 * nobody. Impersonated requests are not admin: rules apply to them.
 */
import { requireAdmin } from "../apps/admin-auth";
import type { AppRecord } from "../apps/app-record";
import { appUserNotFound } from "../auth/sign-in";
import { findUserByEmail, findUserByRefreshToken, toAuthUser, type UserStore } from "../auth/users";
import { type AuthContext, authContext } from "../model/auth-context";
import { recordNotFound } from "../protocol/errors";
import type { AdminCredentials } from "./api-call";

export function adminAuth(store: UserStore, app: AppRecord | null, appId: string, creds: AdminCredentials): AuthContext {
  const as = creds.as;
  if (as === null) return authContext(requireAdmin(app, appId, creds.adminToken).id, null, true);
  if (!app) throw recordNotFound("app", [{ id: appId }]);
  switch (as.kind) {
    case "email": {
      requireAdmin(app, appId, creds.adminToken);
      const user = findUserByEmail(store, as.email);
      if (!user) throw appUserNotFound();
      return authContext(app.id, toAuthUser(user), false);
    }
    case "token": {
      const user = findUserByRefreshToken(store, as.token);
      if (!user) throw appUserNotFound();
      return authContext(app.id, toAuthUser(user), false);
    }
    case "guest":
      return authContext(app.id, null, false);
  }
}
