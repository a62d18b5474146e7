/**
 * The Worker: a stateless Hono router. WebSocket upgrades go unchanged to the app's
 * Durable Object (which accepts them with the hibernation API); HTTP APIs are parsed
 * here and forwarded to the same object. No data logic lives here.
 */
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import * as z from "zod";
import { AppDO, type RpcReply } from "./app-do";
import type { Env } from "./env";
import type { JsonValue } from "./model/triple";
import { InstantError, paramMalformed, paramMissing, UNEXPECTED_ERROR_MESSAGE } from "./protocol/errors";
import { isUuid } from "./util/uuid";
import { bearerToken } from "./apps/admin-auth";

export { AppDO };

const app = new Hono<{ Bindings: Env }>();

const httpCors = cors({
  origin: (origin) => origin || "*",
  allowMethods: ["GET", "PUT", "POST", "DELETE", "OPTIONS"],
  allowHeaders: ["content-type", "authorization", "app-id", "as-email", "as-token", "as-guest"],
});
app.use("/dash/*", httpCors);
app.use("/admin/*", httpCors);

app.get("/health", (c) => c.json({ status: "ok" }));

app.get("/runtime/session", (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return c.json({ type: "param-malformed", message: "This endpoint only accepts WebSocket upgrades." }, 426);
  }
  const appId = c.req.query("app_id");
  if (!appId) throw paramMissing(["app_id"]);
  if (!isUuid(appId)) throw paramMalformed(["app_id"], appId);
  return appStub(c.env, appId).fetch(c.req.raw);
});

/**
 * The SSE transport (@instantdb/react's fallback): the event stream and the message
 * POSTs go to the app's object, which holds the session. The response is re-wrapped so
 * the CORS middleware can add its headers to it.
 */
const sseRoute = async (c: Context<{ Bindings: Env }>) => {
  const appId = c.req.query("app_id");
  if (!appId) throw paramMissing(["app_id"]);
  if (!isUuid(appId)) throw paramMalformed(["app_id"], appId);
  const res = await appStub(c.env, appId).fetch(c.req.raw);
  return new Response(res.body, res);
};
app.use("/runtime/sse", httpCors);
app.get("/runtime/sse", sseRoute);
app.post("/runtime/sse", sseRoute);

const createAppBody = z.object({
  title: z.string().trim().min(1),
  schema: z.record(z.string(), z.unknown()).nullish(),
  rules: z.object({ code: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

async function createAppFromRequest(env: Env, request: Request, ephemeral: boolean): Promise<Response> {
  const body = createAppBody.safeParse(await request.json().catch(() => null));
  if (!body.success) {
    const path = body.error.issues[0]?.path.map(String) ?? [];
    throw path[0] === "title" || path.length === 0 ? paramMissing(["body", ...path]) : paramMalformed(["body", ...path], null);
  }
  const id = crypto.randomUUID();
  const reply = await appStub(env, id).createApp({
    id,
    title: body.data.title,
    adminToken: crypto.randomUUID(),
    ephemeral,
    schema: (body.data.schema ?? null) as JsonValue,
    rules: (body.data.rules?.code ?? null) as JsonValue,
  });
  return rpcResponse(reply);
}

app.post("/dash/apps/ephemeral", async (c) => {
  if (c.env.ALLOW_EPHEMERAL_APPS === "false") {
    throw new InstantError("permission-denied", "Ephemeral app creation is disabled on this server.");
  }
  return createAppFromRequest(c.env, c.req.raw, true);
});

/** Durable apps, for operators: `Authorization: Bearer $OPERATOR_SECRET`. */
app.post("/dash/apps", async (c) => {
  const secret = c.env.OPERATOR_SECRET;
  if (!secret) throw new InstantError("permission-denied", "Set OPERATOR_SECRET to enable app creation.");
  if (c.req.header("Authorization") !== `Bearer ${secret}`) {
    throw new InstantError("permission-denied", "Invalid operator secret.", undefined, 401);
  }
  return createAppFromRequest(c.env, c.req.raw, false);
});

/** Admin API: who is in a room (`@instantdb/admin` rooms.getPresence). */
app.get("/admin/rooms/presence", async (c) => {
  const appId = adminAppId(c.req.header("app-id"), c.req.query("app_id"));
  const roomId = c.req.query("room-id");
  if (!roomId) throw paramMissing(["query", "room-id"]);
  const reply = await appStub(c.env, appId).roomPresence(appId, bearerToken(c.req.header("authorization")), roomId);
  return rpcResponse(reply);
});

/** Admin requests name their app in the `app-id` header, else in `?app_id=`. */
function adminAppId(header: string | undefined, query: string | undefined): string {
  const appId = header ?? query;
  if (!appId) throw paramMissing(["headers", "app-id"]);
  if (!isUuid(appId)) throw paramMalformed(["headers", "app-id"], appId);
  return appId.toLowerCase();
}

app.notFound((c) => c.json({ type: "param-malformed", message: `No route for ${c.req.method} ${c.req.path}` }, 404));

app.onError((err, c) => {
  if (err instanceof InstantError) return c.json(err.toBody(), err.status as 400);
  console.error("unhandled", err);
  return c.json({ message: UNEXPECTED_ERROR_MESSAGE }, 500);
});

function appStub(env: Env, appId: string): DurableObjectStub<AppDO> {
  return env.APP.get(env.APP.idFromName(appId.toLowerCase()));
}

function rpcResponse(reply: RpcReply): Response {
  return new Response(reply.body, { status: reply.status, headers: { "content-type": "application/json" } });
}

export default app;
