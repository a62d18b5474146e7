/**
 * The SSE transport (docs/protocol.md §1.4): a long-lived `text/event-stream` response whose
 * first event is `sse-init`, then one JSON message per `data:` event. Clients post their
 * messages separately (POST /runtime/sse) with the session id and the stream's token.
 * @instantdb/react falls back to this after a failed WebSocket attempt and stays on it
 * until an SSE message arrives, so it must work for React apps to recover.
 */
import type { ServerMessage } from "../protocol/server-messages";
import type { SessionSink } from "./session-sink";

/** SSE comment sent this often so proxies keep the stream open and dead peers surface. */
export const SSE_KEEPALIVE_MS = 15_000;

export type SseStream = { readonly response: Response; readonly sink: SessionSink };

export function openSseStream(initFrame: ServerMessage, onGone: () => void): SseStream {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let gone = false;
  const end = () => {
    if (gone) return;
    gone = true;
    clearInterval(keepAlive);
    writer.close().catch(() => {});
    onGone();
  };
  // Writes are not awaited: a failed write means the client went away.
  const write = (text: string) => {
    if (!gone) writer.write(encoder.encode(text)).catch(end);
  };
  const keepAlive = setInterval(() => write(": keep-alive\n\n"), SSE_KEEPALIVE_MS);
  write(`data: ${JSON.stringify(initFrame)}\n\n`);
  const response = new Response(readable, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
  });
  return {
    response,
    sink: {
      send: (message) => write(`data: ${JSON.stringify(message)}\n\n`),
      save: () => {},
    },
  };
}
