/**
 * `/runtime/auth/*` and `/runtime/signout`: the sign-in endpoints browser clients call
 * (docs/protocol.md §12.2–12.5). Bodies are parsed here into typed requests; the app's
 * object does the rest. Signout's body is snake_case, the others kebab-case.
 */
import { Hono } from "hono";
import type { ExtraFields, RuntimeRequest } from "../api/api-call";
import { appId } from "./app-id";
import { callApp, type HttpContext, type HttpEnv } from "./context";
import { asEmail, asObject, asTrimmedString, asUuid, jsonObjectBody, type JsonObject, optionalParam, param } from "./params";

export const runtimeAuthRoutes = new Hono<HttpEnv>();

// The admin SDK's verifyToken also puts the id in `?app_id=`; the body comes first. Each
// route names its app, so a path that exists nowhere stays a 404.
const withApp = appId("body", "query");

const extraFields = (body: JsonObject): ExtraFields | null => optionalParam(body, ["body", "extra-fields"], asObject);

const runtime = (parse: (body: JsonObject) => RuntimeRequest) => async (c: HttpContext) => {
  const request = parse(await jsonObjectBody(c.req));
  return callApp(c, { appId: c.get("appId"), request });
};

runtimeAuthRoutes.post(
  "/auth/send_magic_code",
  withApp,
  runtime((b) => ({ op: "send-magic-code", email: param(b, ["body", "email"], asEmail) })),
);

runtimeAuthRoutes.post(
  "/auth/verify_magic_code",
  withApp,
  runtime((b) => ({
    op: "verify-magic-code",
    email: param(b, ["body", "email"], asEmail),
    code: param(b, ["body", "code"], asTrimmedString, { secret: true }),
    guestRefreshToken: optionalParam(b, ["body", "refresh-token"], asUuid, { secret: true }),
    extraFields: extraFields(b),
  })),
);

runtimeAuthRoutes.post(
  "/auth/verify_refresh_token",
  withApp,
  runtime((b) => ({ op: "verify-refresh-token", refreshToken: param(b, ["body", "refresh-token"], asUuid, { secret: true }) })),
);

runtimeAuthRoutes.post(
  "/auth/sign_in_guest",
  withApp,
  runtime((b) => ({ op: "sign-in-guest", extraFields: extraFields(b) })),
);

runtimeAuthRoutes.post(
  "/signout",
  withApp,
  runtime((b) => ({ op: "sign-out", refreshToken: param(b, ["body", "refresh_token"], asUuid, { secret: true }) })),
);
