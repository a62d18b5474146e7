/**
 * Ephemeral apps expire (docs/protocol.md §13.6: deleted ~14 days after creation): the DO's
 * alarm deletes the app and its data, after which its id is unknown again.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { AppDO } from "../../src/app-do";
import { createTestApp, initSocket, openSocket } from "./gateway";

it("deletes an ephemeral app when its alarm fires after expiry", async () => {
  const app = await createTestApp();
  const stub = env.APP.get(env.APP.idFromName(app.id));
  const socket = await initSocket(app.id);
  const ok = await socket.request({ op: "add-query", "client-event-id": "q", q: { todos: {} } }, (f) => f.op === "add-query-ok");
  expect(ok["processed-tx-id"]).toBe(1);

  // Not yet expired: the alarm re-arms itself and nothing is deleted.
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  const stillThere = await openSocket(app.id);
  expect(await stillThere.request({ op: "init", "client-event-id": "i", "app-id": app.id, versions: {} }, (f) => f["client-event-id"] === "i")).toMatchObject({ op: "init-ok" });

  // Move the expiry into the past, then fire the alarm.
  await runInDurableObject(stub, (_instance: AppDO, state): void => {
    const row = state.storage.sql.exec(`SELECT value FROM meta WHERE key = 'app'`).one() as { value: string };
    const record = JSON.parse(row.value) as { expiresAt: number };
    record.expiresAt = Date.now() - 1;
    state.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'app'`, JSON.stringify(record));
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);

  const after = await openSocket(app.id);
  const err = await after.request({ op: "init", "client-event-id": "i2", "app-id": app.id, versions: {} }, (f) => f["client-event-id"] === "i2");
  expect(err).toMatchObject({ op: "error", type: "record-not-found", hint: { "record-type": "app" } });
  const triples = await runInDurableObject(stub, (_i: AppDO, state): number => (state.storage.sql.exec(`SELECT COUNT(*) AS n FROM triples`).one() as { n: number }).n);
  expect(triples).toBe(0);
});
