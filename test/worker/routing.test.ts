import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, createTestApp, initSocket, openSocket } from "./gateway";

describe("Worker routing", () => {
  it("answers /health", async () => {
    const res = await SELF.fetch(`${BASE}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("refuses a non-upgrade request to /runtime/session with 426", async () => {
    const res = await SELF.fetch(`${BASE}/runtime/session?app_id=${crypto.randomUUID()}`);
    expect(res.status).toBe(426);
  });

  it("refuses a missing or malformed app id with 400 in Instant's error shape", async () => {
    const missing = await SELF.fetch(`${BASE}/runtime/session`, { headers: { Upgrade: "websocket" } });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ type: "param-missing" });
    const bad = await SELF.fetch(`${BASE}/runtime/session?app_id=nope`, { headers: { Upgrade: "websocket" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: "param-malformed" });
  });

  it("creates an ephemeral app and returns its id and admin token", async () => {
    const app = await createTestApp();
    expect(app.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.adminToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("rejects an app without a title", async () => {
    const res = await SELF.fetch(`${BASE}/dash/apps/ephemeral`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "param-missing" });
  });

  it("protects durable app creation with the operator secret", async () => {
    const create = (authorization?: string) =>
      SELF.fetch(`${BASE}/dash/apps`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ title: "x" }),
      });
    const refused = await create();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ type: "permission-denied" });
    expect((await create("Bearer wrong")).status).toBe(401);
    const made = await create(`Bearer ${env.OPERATOR_SECRET}`);
    expect(made.status).toBe(200);
    expect(await made.json()).toMatchObject({ app: { title: "x" }, expires_ms: null });
  });

  it("answers init for an unknown app with Instant's record-not-found error", async () => {
    const appId = crypto.randomUUID();
    const socket = await openSocket(appId);
    const err = await socket.request({ op: "init", "client-event-id": "e1", "app-id": appId, versions: {} }, (f) => f.op === "error");
    expect(err).toMatchObject({
      status: 400,
      type: "record-not-found",
      message: "Record not found: app",
      "client-event-id": "e1",
      "original-event": { op: "init" },
      hint: { "record-type": "app" },
    });
  });

  it("sends init-ok with a session id, attrs and app status for a created app", async () => {
    const app = await createTestApp();
    const socket = await initSocket(app.id);
    const ok = socket.frames.find((f) => f.op === "init-ok")!;
    expect(ok["session-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok["app-status"]).toEqual({ status: "active" });
    expect(ok.attrs.some((a: { "forward-identity": string[] }) => a["forward-identity"][1] === "$users")).toBe(true);
  });

  it("rejects ops before init and bad frames without closing the session", async () => {
    const app = await createTestApp();
    const socket = await openSocket(app.id);
    const early = await socket.request({ op: "add-query", "client-event-id": "q1", q: { todos: {} } }, (f) => f.op === "error");
    expect(early).toMatchObject({ type: "validation-failed", "client-event-id": "q1" });
    socket.send({ op: "init", "client-event-id": "i", "app-id": app.id, versions: {} });
    await socket.next((f) => f.op === "init-ok");
    const unknown = await socket.request({ op: "frobnicate", "client-event-id": "x" }, (f) => f.op === "error" && f["client-event-id"] === "x");
    expect(unknown).toMatchObject({ type: "param-malformed", message: "Invalid op" });
    const stillUp = await socket.request({ op: "add-query", "client-event-id": "q2", q: { todos: {} } }, (f) => f.op === "add-query-ok");
    expect(stillUp["processed-tx-id"]).toBeGreaterThanOrEqual(1);
  });
});
