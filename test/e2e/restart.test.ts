/**
 * Durability across a restart of the dev server: acknowledged writes survive, tx-ids keep
 * increasing, and a client that stays up reconnects and keeps receiving live results.
 */
import { id } from "@instantdb/core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./dev-server";
import { connectClient, createApp, type Db, record } from "./instant-client";
import { RawSocket } from "../helpers/raw-socket";

const dir = mkdtempSync(join(tmpdir(), "gateway-restart-"));
const clients: Db[] = [];
let server: DevServer | undefined;
afterAll(async () => {
  for (const db of clients) db.shutdown();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function lastTxIdOf(url: string, appId: string): Promise<number> {
  const raw = await RawSocket.open(url, appId);
  try {
    await raw.request({ op: "init", "client-event-id": "i", "app-id": appId, versions: {} }, (f) => f.op === "init-ok");
    const ok = await raw.request({ op: "add-query", "client-event-id": "q", q: { todos: {} } }, (f) => f.op === "add-query-ok");
    return ok["processed-tx-id"] as number;
  } finally {
    raw.close();
  }
}

it("keeps acknowledged writes and serves reconnecting clients after a restart", async () => {
  server = await startDevServer(dir);
  const { url, port } = server;
  const app = await createApp(url);
  const writer = connectClient(url, app.id);
  const watcher = connectClient(url, app.id);
  clients.push(writer, watcher);

  const watched = record(watcher, { todos: {} });
  await watched.until((r) => r.data?.todos?.length === 0, "an empty list");
  const first = id();
  await writer.transact(writer.tx.todos![first]!.update({ title: "before restart" }));
  await watched.until((r) => r.data?.todos?.length === 1, "the first todo");
  const txBefore = await lastTxIdOf(url, app.id);

  await server.stop();
  server = await startDevServer(dir, port);

  // The data is still there for a brand-new client, and tx-ids continue upward.
  const fresh = connectClient(url, app.id);
  clients.push(fresh);
  const freshView = record(fresh, { todos: {} });
  await freshView.until((r) => r.data?.todos?.[0]?.title === "before restart", "the todo after restart");
  expect(await lastTxIdOf(url, app.id)).toBe(txBefore);

  // Both old clients reconnect on their own; a write after the restart reaches the watcher.
  await writer.transact(writer.tx.todos![id()]!.update({ title: "after restart" }), );
  await watched.until((r) => r.data?.todos?.length === 2, "both todos on the reconnected watcher", 30_000);
  expect(await lastTxIdOf(url, app.id)).toBeGreaterThan(txBefore);
});
