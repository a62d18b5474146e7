/**
 * `init`: binds the socket to the app, checks the admin token and refresh token, and
 * answers `init-ok` with the session id and the full attr list (docs/protocol.md §4.1, §6.1).
 */
import { adminTokenMatches } from "../apps/app-record";
import { InstantError, paramMalformed, paramMissing, recordNotFound, validationError } from "../protocol/errors";
import type { InitMessage } from "../protocol/client-messages";
import { initOk } from "../protocol/server-messages";
import { isUuid } from "../util/uuid";
import { authContext } from "../model/auth-context";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import type { SessionState } from "../core/session-state";

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
  // No user accounts exist yet, so every refresh token is unknown. Answering app-user for
  // any token makes the real client sign out and reconnect anonymously (docs/protocol.md §4.1.3).
  if (m.refreshToken !== null) {
    throw recordNotFound("app-user", [{ "app-id": app.id, "refresh-token": m.refreshToken }]);
  }
  if (app.status === "disabled") throw new InstantError("app-disabled", "This app has been disabled.");

  const next: SessionState = {
    ...session,
    auth: authContext(app.id, null, isAdmin),
    coreVersion: m.versions["@instantdb/core"] ?? null,
  };
  const reply = initOk({
    eventId: m.eventId,
    sessionId: session.sessionId,
    attrs: ctx.attrs.all(),
    status: app.status,
    auth: { app: { id: app.id, title: app.title }, user: null, "admin?": isAdmin },
  });
  return outcome(next, [reply]);
}
