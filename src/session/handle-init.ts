/**
 * `init`: binds the socket to the app, checks the admin token and the refresh token,
 * builds the session's auth context once, and answers `init-ok` with the session id, the
 * full attr list and the signed-in user (docs/protocol.md §4.1, §6.1).
 */
import { adminTokenMatches } from "../apps/app-record";
import { findUserByRefreshToken, toAuthUser, type UserObject } from "../auth/users";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import type { SessionState } from "../core/session-state";
import { authContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import type { InitMessage } from "../protocol/client-messages";
import { InstantError, paramMalformed, paramMissing, recordNotFound, validationError } from "../protocol/errors";
import { initOk } from "../protocol/server-messages";
import { isUuid } from "../util/uuid";

export function handleInit(ctx: AppContext, session: SessionState, m: InitMessage): Outcome {
  if (session.auth !== null) {
    throw validationError("init", null, [{ message: "`init` has already run for this session." }]);
  }
  if (m.appId === undefined) throw paramMissing(["app-id"]);
  if (!isUuid(m.appId)) throw paramMalformed(["app-id"], m.appId);
  const app = ctx.app();
  if (!app || app.id !== m.appId.toLowerCase()) throw recordNotFound("app", [{ id: m.appId }]);

  let isAdmin = false;
  if (m.adminToken !== null) {
    if (!adminTokenMatches(app, m.adminToken)) throw recordNotFound("app-admin-token", [{ "app-id": app.id }]);
    isAdmin = true;
  }
  let user: UserObject | null = null;
  if (m.refreshToken !== null) {
    // Any token that names no user (unknown, revoked, its user deleted, not a uuid) gets
    // exactly this error, which makes the real client sign out and reconnect anonymously
    // (docs/protocol.md §4.1.3). The token itself is never echoed.
    user = isUuid(m.refreshToken) ? findUserByRefreshToken({ sql: ctx.sql, attrs: ctx.attrs, appId: app.id }, m.refreshToken.toLowerCase()) : null;
    if (!user) throw recordNotFound("app-user", [{ "app-id": app.id }]);
  }
  if (app.status === "disabled") throw new InstantError("app-disabled", "This app has been disabled.");

  const next: SessionState = {
    ...session,
    auth: authContext(app.id, user ? toAuthUser(user) : null, isAdmin),
    coreVersion: m.versions["@instantdb/core"] ?? null,
  };
  const reply = initOk({
    eventId: m.eventId,
    sessionId: session.sessionId,
    attrs: ctx.attrs.all(),
    status: app.status,
    auth: { app: { id: app.id, title: app.title }, user: user as JsonValue | null, "admin?": isAdmin },
  });
  return outcome(next, [reply]);
}
