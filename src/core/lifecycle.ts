/**
 * A session's end and an app's wake-up, in the core so every host (the DO shell, tests)
 * cleans up the same way: subscriptions go, rooms are left, remaining members are told.
 */
import { onDisconnect, onSweep, type SupportsPatch } from "../presence";
import type { AppContext, Delivery } from "./app-context";
import { supportsPresencePatch } from "./session-state";

/** Which presence recipients take patches, by their client version. */
export const patchSupport =
  (ctx: AppContext): SupportsPatch =>
  (sessionId) => {
    const s = ctx.session(sessionId);
    return s !== undefined && supportsPresencePatch(s);
  };

/** A socket closed or a stream ended: drop its subscriptions and leave its rooms. */
export function endSession(ctx: AppContext, sessionId: string): Delivery[] {
  ctx.subscriptions.removeSession(sessionId);
  return onDisconnect(ctx.presence, sessionId, patchSupport(ctx)).deliveries;
}

/**
 * After a wake or restart: sessions that ended while no instance ran left rows behind.
 * Keep only the live ones, telling the members still in a room who left.
 */
export function wakeUp(ctx: AppContext, liveSessionIds: ReadonlySet<string>): Delivery[] {
  ctx.subscriptions.retainSessions(liveSessionIds);
  return onSweep(ctx.presence, liveSessionIds, patchSupport(ctx)).deliveries;
}
