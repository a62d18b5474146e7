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
