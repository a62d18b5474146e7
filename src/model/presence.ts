/**
 * Domain types of presence rooms. A room maps session ids to peers; a peer is one
 * socket's membership (the same user in two tabs is two peers). Snapshots are treated
 * as immutable so that unchanged peers can be compared by reference.
 */
import type { JsonValue } from "./triple";

export type PresenceData = { [key: string]: JsonValue };

export type PeerUser = { id: string } | null;

export type Peer = {
  /** Always the session id it is keyed by (the client's peer id, from init-ok). */
  readonly peerId: string;
  /** The session's signed-in user at join time, or null for a guest/anonymous socket. */
  readonly user: PeerUser;
  readonly data: PresenceData;
};

/** sessionId → peer, in join order. */
export type RoomSnapshot = Readonly<Record<string, Peer>>;

/**
 * One editscript-style edit over the wire map `{sessionId: {"peer-id", user, data}}`:
 * `+` adds (inserting when the parent is an array), `r` replaces, `-` removes.
 */
export type PresenceEdit = [path: (string | number)[], op: "+" | "-" | "r", value?: JsonValue];

/** A room before and after one change, the input to fan-out. */
export type RoomChange = { readonly roomId: string; readonly prev: RoomSnapshot; readonly next: RoomSnapshot };

export const EMPTY_ROOM: RoomSnapshot = Object.freeze({});
