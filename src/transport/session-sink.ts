/**
 * Where a live session's frames go: a hibernatable WebSocket or an SSE stream. The DO
 * shell talks to both through this, so handlers and fan-out never know the transport.
 */
import type { ServerMessage } from "../protocol/server-messages";
import type { SessionState } from "../core/session-state";

export interface SessionSink {
  send(message: ServerMessage): void;
  /** Persists the session's state where the transport keeps it (a socket attachment). */
  save(state: SessionState): void;
}
