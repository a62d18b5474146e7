/**
 * The session's entry point: one inbound text frame → an Outcome. Parses once at the
 * boundary, enforces "init first", dispatches by op, and turns every failure into an
 * `error` frame with the client-event-id and original event, so the session stays up.
 */
import { parseClientFrame } from "../protocol/client-messages";
import { InstantError, validationError } from "../protocol/errors";
import { errorMessage } from "../protocol/server-messages";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import { handleInit } from "./handle-init";
import { handleAddQuery, handleRemoveQuery } from "./handle-queries";
import { handleRoomMessage } from "./handle-rooms";
import { handleTransact } from "./handle-transact";
import { isInited, type SessionState } from "../core/session-state";

export function handleFrame(ctx: AppContext, session: SessionState, text: string): Outcome {
  const parsed = parseClientFrame(text);
  if (!parsed.ok) return outcome(session, [errorMessage(parsed.error, parsed.eventId, parsed.raw)]);
  const { message, raw } = parsed;
  try {
    if (message.op === "init") return handleInit(ctx, session, message);
    if (!isInited(session)) {
      throw validationError("init", null, [{ message: "`init` has not run for this session." }]);
    }
    switch (message.op) {
      case "add-query":
        return handleAddQuery(ctx, session, message);
      case "remove-query":
        return handleRemoveQuery(ctx, session, message);
      case "transact":
        return handleTransact(ctx, session, message);
      default:
        return handleRoomMessage(ctx, session, message);
    }
  } catch (err) {
    if (err instanceof InstantError) return outcome(session, [errorMessage(err, message.eventId, raw)]);
    console.error("unexpected error handling", message.op, err);
    return outcome(session, [errorMessage(null, message.eventId, raw)]);
  }
}
