/**
 * The WebSocket session sink: frames go out as text, the session state is the socket's
 * hibernation attachment (docs/architecture.md §6.1).
 */
import type { ServerMessage } from "../protocol/server-messages";
import type { SessionSink } from "./session-sink";

export function socketSink(ws: WebSocket): SessionSink {
  return {
    send(message: ServerMessage) {
      try {
        ws.send(JSON.stringify(message));
      } catch {
        // The socket is closing; its close handler cleans up.
      }
    },
    save: (state) => ws.serializeAttachment(state),
  };
}
