/**
 * What a session (one socket) must remember across Durable Object hibernation. It is
 * stored as the socket's serialized attachment, which is capped at a few KiB, so it
 * holds only small facts; subscriptions and presence live in SQLite.
 */

export const SESSION_STATE_VERSION = 1;

export type SessionState = {
  readonly v: typeof SESSION_STATE_VERSION;
  readonly sessionId: string;
  readonly inited: boolean;
  readonly isAdmin: boolean;
  readonly userId: string | null;
  /** `versions["@instantdb/core"]` from init, e.g. "v1.0.67"; gates patch-presence. */
  readonly coreVersion: string | null;
};

export function newSessionState(sessionId: string): SessionState {
  return { v: SESSION_STATE_VERSION, sessionId, inited: false, isAdmin: false, userId: null, coreVersion: null };
}

/** Reads an attachment back; anything unrecognised (an older format) yields null. */
export function restoreSessionState(attachment: unknown): SessionState | null {
  if (typeof attachment !== "object" || attachment === null) return null;
  const a = attachment as Partial<SessionState>;
  if (a.v !== SESSION_STATE_VERSION || typeof a.sessionId !== "string") return null;
  return a as SessionState;
}

/** Parses "v1.0.67" / "0.17.5" into numeric parts for version gates. */
export function versionAtLeast(version: string | null, minimum: readonly number[]): boolean {
  if (!version) return false;
  const parts = version.replace(/^v/, "").split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < minimum.length; i++) {
    const p = Number.isFinite(parts[i]) ? parts[i]! : 0;
    if (p !== minimum[i]) return p > minimum[i]!;
  }
  return true;
}

/** Clients newer than core 0.17.5 apply patch-presence (PROTOCOL §4.1). */
export const supportsPresencePatch = (s: SessionState) => versionAtLeast(s.coreVersion, [0, 17, 6]);

/** Clients newer than core 0.20.4 accept refresh-ok without unchanged attrs. */
export const acceptsAttrlessRefresh = (s: SessionState) => versionAtLeast(s.coreVersion, [0, 20, 5]);
