/** Helpers for workers-pool tests: create apps and open sockets through the real Worker. */
import { SELF } from "cloudflare:test";
import { RawSocket } from "../helpers/raw-socket";

export const BASE = "http://gateway.test";

export async function createTestApp(body: Record<string, unknown> = {}): Promise<{ id: string; adminToken: string }> {
  const res = await SELF.fetch(`${BASE}/dash/apps/ephemeral`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "worker-test", ...body }),
  });
  if (res.status !== 200) throw new Error(`create app: ${res.status} ${await res.text()}`);
  const { app } = (await res.json()) as { app: { id: string; "admin-token": string } };
  return { id: app.id, adminToken: app["admin-token"] };
}

export async function openSocket(appId: string): Promise<RawSocket> {
  const res = await SELF.fetch(`${BASE}/runtime/session?app_id=${appId}`, { headers: { Upgrade: "websocket" } });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade failed: ${res.status}`);
  ws.accept();
  return new RawSocket(ws);
}

export async function initSocket(appId: string): Promise<RawSocket> {
  const socket = await openSocket(appId);
  await socket.request({ op: "init", "client-event-id": "init", "app-id": appId, versions: { "@instantdb/core": "v1.0.67" } }, (f) => f.op === "init-ok");
  return socket;
}
