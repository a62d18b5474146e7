/**
 * The Worker: a stateless Hono router. WebSocket upgrades and SSE streams go unchanged to
 * the app's Durable Object (which accepts sockets with the hibernation API); the HTTP
 * APIs are sub-apps (src/http) that parse each request once into a typed call for the
 * same object. No data logic lives here.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { AppDO } from "./app-do";
import { adminRoutes, notSupported } from "./http/admin";
import { appId } from "./http/app-id";
import { appStub, type HttpEnv, relayStream } from "./http/context";
import { dashRoutes } from "./http/dash";
import { runtimeAuthRoutes } from "./http/runtime-auth";
import { InstantError, UNEXPECTED_ERROR_MESSAGE } from "./protocol/errors";

export { AppDO };

const app = new Hono<HttpEnv>();

/** Browser apps call these from their own origin (docs/protocol.md §12). */
const httpCors = cors({
  origin: (origin) => origin || "*",
  allowMethods: ["GET", "PUT", "POST", "DELETE", "OPTIONS"],
  allowHeaders: ["content-type", "authorization", "app-id", "app_id", "path", "as-email", "as-token", "as-guest"],
});
app.use("/dash/*", httpCors);
app.use("/admin/*", httpCors);
app.use("/runtime/*", httpCors);

app.get("/health", (c) => c.json({ status: "ok" }));

app.get("/runtime/session", appId("query"), (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return c.json({ type: "param-malformed", message: "This endpoint only accepts WebSocket upgrades." }, 426);
  }
  return appStub(c.env, c.get("appId")).fetch(c.req.raw);
});

/**
 * The SSE transport (@instantdb/react's fallback): the event stream and the message
 * POSTs go to the app's object, which holds the session. The response is re-wrapped so
 * the CORS middleware can add its headers to it.
 */
app.get("/runtime/sse", appId("query"), (c) => relayStream(c, c.req.raw));
app.post("/runtime/sse", appId("query"), async (c) => {
  const res = await appStub(c.env, c.get("appId")).fetch(c.req.raw);
  return new Response(res.body, res);
});

app.get("/.well-known/webhooks/jwks.json", (c) => {
  throw notSupported(`GET ${c.req.path}`, "webhooks are not available on this server");
});

app.route("/runtime", runtimeAuthRoutes);
app.route("/admin", adminRoutes);
app.route("/dash", dashRoutes);

app.notFound((c) => c.json({ type: "param-malformed", message: `No route for ${c.req.method} ${c.req.path}` }, 404));

app.onError((err, c) => {
  if (err instanceof InstantError) return c.json(err.toBody(), err.status as 400);
  console.error("unhandled", err);
  return c.json({ message: UNEXPECTED_ERROR_MESSAGE }, 500);
});

export default app;
