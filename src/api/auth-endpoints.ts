/**
 * Sign-in endpoints, runtime (browser clients) and admin (backends), over the auth core
 * (src/auth). Every `$users` write a sign-in implies goes through the commit pipeline as
 * the server itself, so subscribers of `$users` queries see sign-ups live; the refresh
 * token is stored only once the user row is committed.
 */
import { createToken, completeSignIn, type SignIn, signInGuest, verifyMagicCode, verifyRefreshToken } from "../auth/sign-in";
import { createMagicCode, DEFAULT_MAGIC_CODE_TTL_MS } from "../auth/magic-codes";
import { sendMagicCode } from "../auth/send-magic-code";
import { signOut } from "../auth/sign-out";
import { findUserByEmail, findUserByRefreshToken, planDeleteUser, readUser, type UserObject } from "../auth/users";
import { revokeUserRefreshTokens } from "../auth/refresh-tokens";
import type { AuthEnv } from "../auth/auth-env";
import type { AppRecord } from "../apps/app-record";
import { commit } from "../core/commit";
import type { AppContext, Delivery } from "../core/app-context";
import { systemAuth } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { signupCheck } from "../permissions/signup";
import type { AdminRequest, RuntimeRequest, UserSelector } from "./api-call";
import type { ApiResult, ApiServices } from "./api-result";

const authEnv = (ctx: AppContext, app: AppRecord, services: ApiServices): AuthEnv => ({
  sql: ctx.sql,
  attrs: ctx.attrs,
  appId: app.id,
  now: ctx.now,
  randomBytes: services.randomBytes,
  newId: ctx.newId,
});

/** Commits a sign-in's `$users` writes, then stores its token: `{user, created}`. */
function finishSignIn(ctx: AppContext, env: AuthEnv, signIn: SignIn): { reply: ReturnType<typeof completeSignIn>; deliveries: readonly Delivery[] } {
  const deliveries = signIn.steps.length > 0 ? commit(ctx, systemAuth(env.appId), signIn.steps).deliveries : [];
  return { reply: completeSignIn(env, signIn), deliveries };
}

export async function runtimeAuth(ctx: AppContext, app: AppRecord, services: ApiServices, r: RuntimeRequest): Promise<ApiResult> {
  const env = authEnv(ctx, app, services);
  switch (r.op) {
    case "send-magic-code":
      await sendMagicCode(env, { email: r.email, appTitle: app.title, sender: services.email, template: app.magicCodeTemplate ?? null });
      return { body: { sent: true } };
    case "verify-magic-code": {
      const signIn = verifyMagicCode(env, {
        email: r.email,
        code: r.code,
        refreshToken: r.guestRefreshToken,
        extraFields: r.extraFields ?? undefined,
        checkSignup: signupCheck(app.rules, { appId: app.id, store: ctx, now: ctx.now() }),
      });
      const { reply, deliveries } = finishSignIn(ctx, env, signIn);
      return { body: reply, deliveries };
    }
    case "verify-refresh-token":
      return { body: { user: verifyRefreshToken(env, r.refreshToken) } };
    case "sign-in-guest": {
      const signIn = signInGuest(env, { extraFields: r.extraFields ?? undefined, checkSignup: signupCheck(app.rules, { appId: app.id, store: ctx, now: ctx.now() }) });
      const { reply, deliveries } = finishSignIn(ctx, env, signIn);
      return { body: { user: reply.user }, deliveries };
    }
    case "sign-out":
      signOut(env, { refreshToken: r.refreshToken });
      return { body: {} };
  }
}

type AdminAuthRequest = Exclude<
  AdminRequest,
  {
    op:
      | "admin-query"
      | "admin-transact"
      | "admin-query-perms-check"
      | "admin-transact-perms-check"
      | "admin-room-presence"
      | "admin-set-magic-code-template"
      | "admin-get-rules"
      | "admin-set-rules";
  }
>;

export async function adminAuthEndpoint(ctx: AppContext, app: AppRecord, services: ApiServices, r: AdminAuthRequest): Promise<ApiResult> {
  const env = authEnv(ctx, app, services);
  switch (r.op) {
    case "admin-create-token": {
      const signIn = createToken(env, { email: r.email, id: r.id, extraFields: r.extraFields ?? undefined });
      const { reply, deliveries } = finishSignIn(ctx, env, signIn);
      return { body: reply, deliveries };
    }
    case "admin-magic-code": {
      if (r.send) {
        const { code } = await sendMagicCode(env, { email: r.email, appTitle: app.title, sender: services.email, template: app.magicCodeTemplate ?? null });
        return { body: { code } };
      }
      return { body: { code: createMagicCode(env.sql, env.randomBytes, r.email, env.now(), DEFAULT_MAGIC_CODE_TTL_MS) } };
    }
    case "admin-verify-magic-code": {
      // Backends verify on their users' behalf: no `$users` create rule applies.
      const signIn = verifyMagicCode(env, { email: r.email, code: r.code, extraFields: r.extraFields ?? undefined, checkSignup: null });
      const { reply, deliveries } = finishSignIn(ctx, env, signIn);
      return { body: reply, deliveries };
    }
    case "admin-sign-in-guest": {
      const signIn = signInGuest(env, { extraFields: r.extraFields ?? undefined, checkSignup: null });
      const { reply, deliveries } = finishSignIn(ctx, env, signIn);
      return { body: { user: reply.user }, deliveries };
    }
    case "admin-get-user":
      return { body: { user: selectUser(env, r.user) } };
    case "admin-delete-user": {
      const user = selectUser(env, r.user);
      if (!user) return { body: { deleted: null } };
      const plan = planDeleteUser(env, user.id);
      const deliveries = plan.steps.length > 0 ? commit(ctx, systemAuth(app.id), plan.steps).deliveries : [];
      revokeUserRefreshTokens(env.sql, plan.userIds);
      return { body: { deleted: plan.deleted as JsonValue }, deliveries };
    }
    case "admin-sign-out": {
      const u = r.user;
      signOut(env, u.by === "id" ? { id: u.id } : u.by === "email" ? { email: u.email } : { refreshToken: u.refreshToken });
      return { body: { ok: true } };
    }
  }
}

function selectUser(env: AuthEnv, u: UserSelector): UserObject | null {
  if (u.by === "id") return readUser(env, u.id);
  if (u.by === "email") return findUserByEmail(env, u.email);
  return findUserByRefreshToken(env, u.refreshToken);
}
