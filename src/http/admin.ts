/**
 * `/admin/*`: the HTTP API `@instantdb/admin` calls (docs/protocol.md §13). The app id
 * comes from the `app-id` header or `?app_id=`; the admin token from `Authorization:
 * Bearer`; `as-email` / `as-token` / `as-guest` make data requests run as a user. Every
 * route the admin SDK can call either works or answers Instant's error body saying it is
 * not supported here: none is a bare 404.
 */
import { Hono } from "hono";
import type { AdminSubscribeCall } from "../api/admin-subscribe";
import type { AdminCredentials, AdminRequest, ExtraFields, Impersonation, UserSelector } from "../api/api-call";
import { bearerToken } from "../apps/admin-auth";
import type { JsonValue } from "../model/triple";
import { InstantError, paramMalformed, paramMissing } from "../protocol/errors";
import { appId } from "./app-id";
import { callApp, type HttpContext, type HttpEnv, relayStream } from "./context";
import { asArray, asBoolean, asEmail, asObject, asTrimmedString, asUuid, jsonObjectBody, type JsonObject, optionalParam, param } from "./params";

export const adminRoutes = new Hono<HttpEnv>();

/** The app object's internal address for admin subscription streams (app-do.ts). */
export const ADMIN_SUBSCRIBE_URL = "https://app.internal/admin/subscribe-query";

/** Each route names its app (not a `use("*")`: a path that exists nowhere stays a 404). */
const withApp = appId("header", "query");

/** Only data requests honour impersonation; auth and rooms always need the admin token. */
type Impersonable = "impersonable" | "admin-only";

function credentials(c: HttpContext, mode: Impersonable): AdminCredentials {
  const adminToken = bearerToken(c.req.header("authorization"));
  if (mode === "admin-only") return { adminToken, as: null };
  return { adminToken, as: impersonation(c) };
}

function impersonation(c: HttpContext): Impersonation | null {
  const token = c.req.header("as-token");
  if (token !== undefined) {
    if (!asUuid(token)) throw paramMalformed(["asUser", "token"], null);
    return { kind: "token", token: token.toLowerCase() };
  }
  const email = c.req.header("as-email");
  if (email !== undefined) {
    const parsed = asEmail(email);
    if (!parsed) throw paramMalformed(["asUser", "email"], email);
    return { kind: "email", email: parsed };
  }
  if (c.req.header("as-guest") !== undefined) return { kind: "guest" };
  return null;
}

const admin =
  (mode: Impersonable, parse: (body: JsonObject, c: HttpContext) => AdminRequest) =>
  async (c: HttpContext): Promise<Response> => {
    const body = c.req.method === "GET" || c.req.method === "DELETE" ? {} : await jsonObjectBody(c.req);
    const request = parse(body, c);
    return callApp(c, { appId: c.get("appId"), credentials: credentials(c, mode), request });
  };

const extraFields = (b: JsonObject): ExtraFields | null => optionalParam(b, ["body", "extra-fields"], asObject);

/** `{email}`, `{id}` or `{refresh_token}`, from a body or a query string. */
function userSelector(source: JsonObject, where: "body" | "query"): UserSelector {
  if (source.id !== undefined) return { by: "id", id: param(source, [where, "id"], asUuid) };
  if (source.email !== undefined) return { by: "email", email: param(source, [where, "email"], asEmail) };
  if (source.refresh_token !== undefined) {
    return { by: "refresh-token", refreshToken: param(source, [where, "refresh_token"], asUuid, { secret: true }) };
  }
  throw paramMissing([where, "email"]);
}

const queryParams = (c: HttpContext): JsonObject => c.req.query();

adminRoutes.post(
  "/query",
  withApp,
  admin("impersonable", (b) => ({
    op: "admin-query",
    query: param(b, ["body", "query"], asObject),
    inference: optionalParam(b, ["body", "inference?"], asBoolean) ?? false,
  })),
);

adminRoutes.post(
  "/transact",
  withApp,
  admin("impersonable", (b) => ({
    op: "admin-transact",
    steps: param(b, ["body", "steps"], asArray),
    // Instant reads it as Clojure truthiness: anything but null and false.
    throwOnMissingAttrs: b["throw-on-missing-attrs?"] !== undefined && b["throw-on-missing-attrs?"] !== null && b["throw-on-missing-attrs?"] !== false,
  })),
);

/** Clojure truthiness of an optional flag: anything but absent, null and false. */
const truthy = (v: JsonValue | undefined): boolean => v !== undefined && v !== null && v !== false;

/** `rules-override` of the perms-check routes: a rules document, or absent/null for the app's. */
const rulesOverride = (b: JsonObject) => optionalParam(b, ["body", "rules-override"], asObject);

adminRoutes.post(
  "/query_perms_check",
  withApp,
  admin("impersonable", (b) => ({
    op: "admin-query-perms-check",
    query: param(b, ["body", "query"], asObject),
    inference: optionalParam(b, ["body", "inference?"], asBoolean) ?? false,
    rulesOverride: rulesOverride(b),
  })),
);

adminRoutes.post(
  "/transact_perms_check",
  withApp,
  admin("impersonable", (b) => ({
    op: "admin-transact-perms-check",
    steps: param(b, ["body", "steps"], asArray),
    throwOnMissingAttrs: truthy(b["throw-on-missing-attrs?"]),
    rulesOverride: rulesOverride(b),
    commit: truthy(b["dangerously-commit-tx"]) || truthy(b["dangerously-commit-tx?"]),
  })),
);

adminRoutes.post(
  "/refresh_tokens",
  withApp,
  admin("admin-only", (b) => ({
    op: "admin-create-token",
    email: optionalParam(b, ["body", "email"], asEmail),
    id: optionalParam(b, ["body", "id"], asUuid),
    extraFields: extraFields(b),
  })),
);

adminRoutes.post("/magic_code", withApp, admin("admin-only", (b) => ({ op: "admin-magic-code", email: param(b, ["body", "email"], asEmail), send: false })));
adminRoutes.post("/send_magic_code", withApp, admin("admin-only", (b) => ({ op: "admin-magic-code", email: param(b, ["body", "email"], asEmail), send: true })));

adminRoutes.post(
  "/verify_magic_code",
  withApp,
  admin("admin-only", (b) => ({
    op: "admin-verify-magic-code",
    email: param(b, ["body", "email"], asEmail),
    code: param(b, ["body", "code"], asTrimmedString, { secret: true }),
    extraFields: extraFields(b),
  })),
);

adminRoutes.post("/sign_in_guest", withApp, admin("admin-only", (b) => ({ op: "admin-sign-in-guest", extraFields: extraFields(b) })));

adminRoutes.get("/users", withApp, admin("admin-only", (_b, c) => ({ op: "admin-get-user", user: userSelector(queryParams(c), "query") })));
adminRoutes.delete("/users", withApp, admin("admin-only", (_b, c) => ({ op: "admin-delete-user", user: userSelector(queryParams(c), "query") })));
adminRoutes.post("/sign_out", withApp, admin("admin-only", (b) => ({ op: "admin-sign-out", user: userSelector(b, "body") })));

adminRoutes.get(
  "/rooms/presence",
  withApp,
  admin("admin-only", (_b, c) => ({ op: "admin-room-presence", roomId: param(queryParams(c), ["query", "room-id"], asTrimmedString) })),
);

/** Limit on a magic-code email template's subject and body, each. */
export const MAX_EMAIL_TEMPLATE_CHARS = 10_000;

const asTemplateText = (v: JsonValue) => (typeof v === "string" && v.trim() !== "" && v.length <= MAX_EMAIL_TEMPLATE_CHARS ? v : null);

/**
 * Our extension: sets the magic-code email of the app (subject and body with the
 * placeholders {code}, {app_title}, {user_email}, {expiration}). `{"template": null}`
 * restores the default. The body must show the code.
 */
adminRoutes.post(
  "/magic_code_template",
  withApp,
  admin("admin-only", (b) => {
    if (b.template === null) return { op: "admin-set-magic-code-template", template: null };
    const t = param(b, ["body", "template"], asObject);
    const body = param(t, ["body", "template", "body"], asTemplateText);
    if (!body.includes("{code}")) throw paramMalformed(["body", "template", "body"], body);
    return { op: "admin-set-magic-code-template", template: { subject: param(t, ["body", "template", "subject"], asTemplateText), body } };
  }),
);

/**
 * `subscribeQuery`: an SSE stream of the query's results, opened with POST. The object
 * holds the subscription; the credentials travel as headers the object reads itself.
 */
adminRoutes.post("/subscribe-query", withApp, async (c) => {
  const body = await jsonObjectBody(c.req);
  const versions = optionalParam(body, ["body", "versions"], asObject);
  const call: AdminSubscribeCall = {
    appId: c.get("appId"),
    credentials: credentials(c, "impersonable"),
    query: param(body, ["body", "query"], asObject),
    inference: optionalParam(body, ["body", "inference?"], asBoolean) ?? false,
    coreVersion: typeof versions?.["@instantdb/core"] === "string" ? versions["@instantdb/core"] : null,
  };
  // The object streams; the parsed call travels as its body.
  return relayStream(c, new Request(ADMIN_SUBSCRIBE_URL, { method: "POST", body: JSON.stringify(call) }));
});

/** Routes of the admin SDK that this server does not offer yet, each with its reason. */
const UNSUPPORTED: readonly [method: "get" | "post" | "put" | "delete", path: string, reason: string][] = [
  ["put", "/storage/upload", "file storage is not available yet"],
  ["get", "/storage/files", "file storage is not available yet"],
  ["delete", "/storage/files", "file storage is not available yet"],
  ["post", "/storage/files/delete", "file storage is not available yet"],
  ["post", "/storage/signed-upload-url", "file storage is not available yet"],
  ["get", "/storage/signed-download-url", "file storage is not available yet"],
  ["post", "/sse", "admin streams and sync tables are not available yet"],
  ["post", "/sse/push", "admin streams and sync tables are not available yet"],
  ["get", "/schema", "schema reads arrive with instant-cli support"],
  ["get", "/soft_deleted_attrs", "deleted attrs are not kept on this server"],
];

for (const [method, path, reason] of UNSUPPORTED) {
  adminRoutes[method](path, (c) => {
    throw notSupported(`${c.req.method} /admin${path}`, reason);
  });
}

export function notSupported(route: string, reason: string): InstantError {
  return new InstantError("validation-failed", `${route} is not supported by this server: ${reason}.`, { route }, 501);
}
