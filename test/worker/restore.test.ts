/**
 * POST /dash/apps/:app_id/restore in workerd. Local workerd keeps no point-in-time
 * history (getBookmarkForTime throws there), so this proves what can be proven locally:
 * the route needs the operator secret, and without history it says so plainly, leaving
 * the app and its sessions untouched. The restore logic itself is unit-tested behind its
 * storage seam (test/unit/apps.restore.test.ts); the check on a deployed Worker is in
 * docs/operations.md, "Restoring an app".
 */
import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { BASE, createTestApp, initSocket } from "./gateway";

const restore = (appId: string, body: unknown, secret?: string) =>
  SELF.fetch(`${BASE}/dash/apps/${appId}/restore`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: JSON.stringify(body),
  });

it("needs the operator secret", async () => {
  const app = await createTestApp();
  const none = await restore(app.id, { at: Date.now() - 60_000 });
  expect(none.status).toBe(401);
  expect(await none.json()).toMatchObject({ type: "permission-denied" });
  const adminToken = await restore(app.id, { at: Date.now() - 60_000 }, app.adminToken);
  expect(adminToken.status).toBe(401);
});

it("answers plainly that local storage has no history, and the app keeps running", async () => {
  const app = await createTestApp();
  const socket = await initSocket(app.id);
  const res = await restore(app.id, { at: new Date(Date.now() - 60_000).toISOString() }, env.OPERATOR_SECRET);
  expect(res.status).toBe(501);
  expect(((await res.json()) as { message: string }).message).toContain("point-in-time history");
  const ok = await socket.request({ op: "add-query", "client-event-id": "q", q: { todos: {} } }, (f) => f.op === "add-query-ok");
  expect(ok["processed-tx-id"]).toBeGreaterThanOrEqual(1);
});

it("validates the target before touching storage", async () => {
  const app = await createTestApp();
  const missing = await restore(app.id, {}, env.OPERATOR_SECRET);
  expect(await missing.json()).toMatchObject({ type: "param-missing", hint: { in: ["body", "at"] } });
  const future = await restore(app.id, { at: Date.now() + 3_600_000 }, env.OPERATOR_SECRET);
  expect(future.status).toBe(400);
  expect(((await future.json()) as { message: string }).message).toContain("future");
  const unknownApp = await restore(crypto.randomUUID(), { at: Date.now() - 1_000 }, env.OPERATOR_SECRET);
  expect(await unknownApp.json()).toMatchObject({ type: "record-not-found" });
});
