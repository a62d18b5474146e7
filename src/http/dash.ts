/**
 * `/dash/apps`: creating apps. Ephemeral apps (Instant's SDK test harness) need no
 * credential unless the operator turned them off; durable apps need the operator secret
 * (docs/operations.md). The new app's object creates it and returns its admin token.
 */
import { Hono } from "hono";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import { constantTimeEqual } from "../util/constant-time";
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

/** Durable apps, for operators: `Authorization: Bearer $OPERATOR_SECRET`. */
dashRoutes.post("/apps", (c) => {
  const secret = c.env.OPERATOR_SECRET;
  if (!secret) throw new InstantError("permission-denied", "Set OPERATOR_SECRET to enable app creation.");
  if (!constantTimeEqual(c.req.header("Authorization") ?? "", `Bearer ${secret}`)) {
    throw new InstantError("permission-denied", "Invalid operator secret.", undefined, 401);
  }
  return createApp(c, false);
});
