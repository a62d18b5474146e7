/**
 * An SSE session ends when its stream does: a React app whose WebSocket is blocked falls
 * back to SSE, and when its tab closes, its peers must see it leave the room promptly
 * (within SSE_DEPARTURE_TIMEOUT_MS), as they do when a socket closes.
 */
import { EventSource } from "eventsource";
import { afterEach, expect, inject, it } from "vitest";
import { SSE_DEPARTURE_TIMEOUT_MS } from "../../src/transport/sse-stream";
import { waitFor } from "../helpers/wait-for";
import { freePort } from "./dev-server";
import { joinAs } from "./room-peers";
import { connectClient, createApp, type Db } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});


it("a closed SSE stream leaves its rooms within the departure timeout", async () => {
  const app = await createApp(url);
  const deadPort = await freePort();
  const overSse = connectClient(url, app.id, { eventSource: EventSource, websocketURI: `ws://127.0.0.1:${deadPort}/runtime/session` });
  const overWs = connectClient(url, app.id);
  clients.push(overWs);
  const roomId = `room-${crypto.randomUUID()}`;
  joinAs(overSse, roomId, "sse");
  const wsPeers = joinAs(overWs, roomId, "ws");
  await waitFor(() => wsPeers().includes("sse"), { what: "the ws client sees the SSE peer", timeoutMs: 30_000 });

  overSse.shutdown(); // closes the EventSource, as a closing tab does
  const closedAt = Date.now();
  await waitFor(() => !wsPeers().includes("sse"), { what: "the SSE peer's departure", timeoutMs: SSE_DEPARTURE_TIMEOUT_MS });
  expect(Date.now() - closedAt).toBeLessThan(SSE_DEPARTURE_TIMEOUT_MS);
});
