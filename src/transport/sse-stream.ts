/**
 * The SSE transport (docs/protocol.md §1.4): a long-lived `text/event-stream` response whose
 * first event is `sse-init`, then one JSON message per `data:` event. Clients post their
 * messages separately (POST /runtime/sse) with the session id and the stream's token.
 * @instantdb/react falls back to this after a failed WebSocket attempt and stays on it
 * until an SSE message arrives, so it must work for React apps to recover.
 */
import type { ServerMessage } from "../protocol/server-messages";
import type { SessionSink } from "./session-sink";

/**
 * SSE comment sent this often so proxies keep the stream open and a vanished client
 * surfaces (the relay's write to it fails, src/http/context.ts relayStream).
 */
export const SSE_KEEPALIVE_MS = 4_000;

/**
 * How long a session may outlive its stream: a client that closes the stream is gone at
 * once (the cancel reaches us); one whose writes stop draining (a dead connection) is
 * gone when a write has waited this long. Either way it ends like a closed socket.
 */
export const SSE_DEPARTURE_TIMEOUT_MS = 10_000;

/** How often pending writes are checked against SSE_DEPARTURE_TIMEOUT_MS. */
const STALL_CHECK_MS = 2_000;

export type SseStream = {
  readonly response: Response;
  readonly sink: SessionSink;
  /** Ends the stream and the session from our side (the client is known to be gone). */
  readonly close: () => void;
};

export function openSseStream(initFrame: ServerMessage, onGone: () => void): SseStream {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let gone = false;
  const end = () => {
    if (gone) return;
    gone = true;
    clearInterval(keepAlive);
    clearInterval(stallCheck);
    writer.close().catch(() => {});
    onGone();
  };
  // Writes are not awaited: a failed write means the client went away. The oldest write
  // still waiting to drain tells whether the client still reads.
  const startedAt = new Map<number, number>();
  let writes = 0;
  const write = (text: string) => {
    if (gone) return;
    const n = ++writes;
    startedAt.set(n, Date.now());
    writer.write(encoder.encode(text)).then(() => startedAt.delete(n), end);
  };
  const keepAlive = setInterval(() => write(": keep-alive\n\n"), SSE_KEEPALIVE_MS);
  const stallCheck = setInterval(() => {
    for (const t of startedAt.values()) if (Date.now() - t > SSE_DEPARTURE_TIMEOUT_MS) return end();
  }, STALL_CHECK_MS);
  // The client closed the stream (tab closed, EventSource.close()): the runtime cancels
  // the response body, which errors the writable side at once.
  writer.closed.catch(end);
  write(`data: ${JSON.stringify(initFrame)}\n\n`);
  const response = new Response(readable, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
  });
  return {
    response,
    close: end,
    sink: {
      send: (message) => write(`data: ${JSON.stringify(message)}\n\n`),
      save: () => {},
    },
  };
}
