/**
 * What a session (one socket) must remember across Durable Object hibernation. It is
 * stored as the socket's serialized attachment, which is capped at a few KiB, so it
 * holds only small facts; subscriptions and presence live in SQLite.
 */

import type { AuthContext } from "../model/auth-context";

/** Version 2 carries the auth context; an older attachment is not restored (the socket closes and the client reconnects). */
export const SESSION_STATE_VERSION = 2;

export type SessionState = {
  readonly v: typeof SESSION_STATE_VERSION;
  readonly sessionId: string;
  /** Built once by `init` (docs/architecture.md, "Auth context"); null until then. */
  readonly auth: AuthContext | null;
  /** `versions["@instantdb/core"]` from init, e.g. "v1.0.67"; gates patch-presence. */
  readonly coreVersion: string | null;
  /** Set for admin subscribe-query streams: results go out as object trees (§13.3). */
  readonly view?: ResultView;
};

/** How a session receives results: the client's triples, or the admin SDK's trees. */
export type ResultView = { readonly kind: "tree"; readonly inference: boolean };

/** A session whose `init` succeeded. */
export type InitedSession = SessionState & { readonly auth: AuthContext };

export const isInited = (s: SessionState): s is InitedSession => s.auth !== null;

export function newSessionState(sessionId: string): SessionState {
  return { v: SESSION_STATE_VERSION, sessionId, auth: null, coreVersion: null };
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

/** Clients newer than core 0.17.5 apply patch-presence (docs/protocol.md §4.1). */
export const supportsPresencePatch = (s: SessionState) => versionAtLeast(s.coreVersion, [0, 17, 6]);

/** Clients newer than core 0.20.4 accept refresh-ok without unchanged attrs. */
export const acceptsAttrlessRefresh = (s: SessionState) => versionAtLeast(s.coreVersion, [0, 20, 5]);
