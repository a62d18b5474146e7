/**
 * Undo for a whole app: restore its database to any moment of the last 30 days, using
 * the point-in-time history Durable Object SQLite keeps (docs/operations.md, "Restoring
 * an app"). The storage calls sit behind PitrStorage so the logic runs in plain Node;
 * the shell restarts the object afterwards, which is when the restore takes effect.
 */
import { InstantError } from "../protocol/errors";

/** How far back Durable Object storage keeps history. */
export const RESTORE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The three storage calls point-in-time recovery needs (ctx.storage in a DO). */
export type PitrStorage = {
  getCurrentBookmark(): Promise<string>;
  getBookmarkForTime(timestamp: number): Promise<string>;
  /** Schedules the restore for the object's next start; returns a bookmark of the state before it. */
  onNextSessionRestoreBookmark(bookmark: string): Promise<string>;
};

export type RestoreTarget = { readonly kind: "time"; readonly at: number } | { readonly kind: "bookmark"; readonly bookmark: string };

export type RestorePlan = {
  /** The bookmark the app is restored to. */
  readonly restoredTo: string;
  /** Restoring to this undoes the restore (the state just before it). */
  readonly undo: string;
};

export async function restoreApp(storage: PitrStorage, target: RestoreTarget, now: number): Promise<RestorePlan> {
  if (target.kind === "time") {
    if (target.at > now) throw restoreError("`at` is in the future.");
    if (target.at < now - RESTORE_WINDOW_MS) throw restoreError("`at` is older than the 30 days of history storage keeps.");
  }
  let restoredTo: string;
  let undo: string;
  try {
    restoredTo = target.kind === "time" ? await storage.getBookmarkForTime(target.at) : target.bookmark;
    undo = await storage.onNextSessionRestoreBookmark(restoredTo);
  } catch (err) {
    // Local workerd (wrangler dev) keeps no history: say so instead of a 500.
    if (err instanceof Error && /point-in-time recovery/i.test(err.message)) {
      throw new InstantError("validation-failed", "This server's storage keeps no point-in-time history (wrangler dev); restore works on a deployed Worker.", undefined, 501);
    }
    if (err instanceof Error && target.kind === "bookmark") throw restoreError("`bookmark` is not a bookmark of this app's storage.");
    throw err;
  }
  return { restoredTo, undo };
}

const restoreError = (message: string) => new InstantError("validation-failed", `Cannot restore: ${message}`, { "data-type": "restore" });
