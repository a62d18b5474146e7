/**
 * What every route shares: the Hono environment type, the app's Durable Object stub,
 * and forwarding a parsed ApiCall over the object's one RPC method.
 */
import type { Context } from "hono";
import type { ApiCall, ApiReply } from "../api/api-call";
import type { AppDO } from "../app-do";
import type { Env } from "../env";

export type HttpEnv = { Bindings: Env; Variables: { appId: string } };

export type HttpContext = Context<HttpEnv>;

export function appStub(env: Env, appId: string): DurableObjectStub<AppDO> {
  return env.APP.get(env.APP.idFromName(appId.toLowerCase()));
}

export function replyResponse(reply: ApiReply): Response {
  return new Response(reply.body, { status: reply.status, headers: { "content-type": "application/json" } });
}

/** Sends a parsed call to the app's object and relays its answer. */
export async function callApp(c: HttpContext, call: ApiCall): Promise<Response> {
  return replyResponse(await appStub(c.env, call.appId).call(call));
}

/** Names a stream the Worker relays, so the object can end it (app-do.ts streamClosed). */
export const STREAM_ID_HEADER = "x-gateway-stream-id";

/**
 * Opens an event stream on the app's object and relays it. A stream's client may vanish
 * without the object noticing (a relayed body is not cancelled across the stub), so the
 * object is told as soon as this side knows: the request's signal aborts (the client
 * disconnected), or a write towards the client fails (at the latest on the next
 * keep-alive, SSE_KEEPALIVE_MS). The session then leaves its rooms as a closed socket's
 * would. The response is re-wrapped so CORS middleware can add its headers.
 */
export async function relayStream(c: HttpContext, forward: Request): Promise<Response> {
  const appId = c.get("appId");
  const streamId = crypto.randomUUID();
  const headers = new Headers(forward.headers);
  headers.set(STREAM_ID_HEADER, streamId);
  const res = await appStub(c.env, appId).fetch(new Request(forward, { headers }));
  if (!res.body || !res.headers.get("content-type")?.startsWith("text/event-stream")) return new Response(res.body, res);
  let told = false;
  const gone = () => {
    if (told) return;
    told = true;
    c.executionCtx.waitUntil(appStub(c.env, appId).streamClosed(streamId));
  };
  c.req.raw.signal.addEventListener("abort", gone);
  const { readable, writable } = new TransformStream();
  res.body.pipeTo(writable).then(gone, gone);
  return new Response(readable, res);
}
