/**
 * `/dash/apps`: creating apps. Ephemeral apps (Instant's SDK test harness) need no
 * credential unless the operator turned them off; durable apps need the operator secret
 * (docs/operations.md). The new app's object creates it and returns its admin token.
 */
import { Hono } from "hono";
import { bearerToken } from "../apps/admin-auth";
import type { RestoreTarget } from "../apps/restore";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import { constantTimeEqual } from "../util/constant-time";
import { appId } from "./app-id";
import { notSupported } from "./admin";
import { callApp, type HttpContext, type HttpEnv } from "./context";
import { asObject, asTrimmedString, jsonObjectBody, optionalParam, param } from "./params";

export const dashRoutes = new Hono<HttpEnv>();

async function createApp(c: HttpContext, ephemeral: boolean): Promise<Response> {
  const body = await jsonObjectBody(c.req);
  const title = param(body, ["body", "title"], asTrimmedString);
  const schema = optionalParam(body, ["body", "schema"], asObject);
  const rules = optionalParam(body, ["body", "rules"], asObject);
  const code = rules === null ? null : optionalParam(rules, ["body", "rules", "code"], asObject);
  const id = crypto.randomUUID();
  return callApp(c, {
    appId: id,
    request: { op: "create-app", title, adminToken: crypto.randomUUID(), ephemeral, schema, rules: code as JsonValue },
  });
}

dashRoutes.post("/apps/ephemeral", (c) => {
  if (c.env.ALLOW_EPHEMERAL_APPS === "false") {
    throw new InstantError("permission-denied", "Ephemeral app creation is disabled on this server.");
  }
  return createApp(c, true);
});

/**
 * `instant-cli pull perms` and `push perms`: the app's rules document, read and replaced
 * with the app's admin token (docs/protocol.md §9.1).
 */
const adminOnly = (c: HttpContext) => ({ adminToken: bearerToken(c.req.header("authorization")), as: null });

dashRoutes.get("/apps/:app_id/perms/pull", appId("param"), (c) =>
  callApp(c, { appId: c.get("appId"), credentials: adminOnly(c), request: { op: "admin-get-rules" } }),
);

dashRoutes.post("/apps/:app_id/rules", appId("param"), async (c) => {
  const code = param(await jsonObjectBody(c.req), ["body", "code"], asObject);
  return callApp(c, { appId: c.get("appId"), credentials: adminOnly(c), request: { op: "admin-set-rules", code } });
});

/** `db.webhooks` of @instantdb/admin (platform-token routes of Instant's dashboard API). */
const WEBHOOKS_NOT_SUPPORTED = "webhooks are not available on this server";
dashRoutes.all("/apps/:app_id/webhooks", (c) => {
  throw notSupported(`${c.req.method} ${c.req.path}`, WEBHOOKS_NOT_SUPPORTED);
});
dashRoutes.all("/apps/:app_id/webhooks/*", (c) => {
  throw notSupported(`${c.req.method} ${c.req.path}`, WEBHOOKS_NOT_SUPPORTED);
});

/** Operator routes need `Authorization: Bearer $OPERATOR_SECRET`; unset disables them. */
function requireOperator(c: HttpContext): void {
  const secret = c.env.OPERATOR_SECRET;
  if (!secret) throw new InstantError("permission-denied", "Set OPERATOR_SECRET to enable operator routes.");
  if (!constantTimeEqual(c.req.header("Authorization") ?? "", `Bearer ${secret}`)) {
    throw new InstantError("permission-denied", "Invalid operator secret.", undefined, 401);
  }
}

/** Durable apps, for operators. */
dashRoutes.post("/apps", (c) => {
  requireOperator(c);
  return createApp(c, false);
});

/**
 * Undo for an app (docs/operations.md, "Restoring an app"): `{"at": <epoch ms or ISO
 * time>}` restores its database to that moment of the last 30 days, `{"bookmark": …}`
 * to a bookmark (the `undo-bookmark` of an earlier restore undoes it). Live sessions are
 * disconnected and reconnect to the restored state.
 */
dashRoutes.post("/apps/:app_id/restore", appId("param"), async (c) => {
  requireOperator(c);
  const body = await jsonObjectBody(c.req);
  const bookmark = optionalParam(body, ["body", "bookmark"], asTrimmedString);
  const target: RestoreTarget =
    bookmark !== null ? { kind: "bookmark", bookmark } : { kind: "time", at: param(body, ["body", "at"], asInstant) };
  return callApp(c, { appId: c.get("appId"), operator: true, request: { op: "restore-app", target } });
});

/** Epoch milliseconds, or an ISO 8601 date-time. */
const asInstant = (v: JsonValue): number | null => {
  const ms = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
};
