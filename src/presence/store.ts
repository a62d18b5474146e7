/**
 * Room memberships and presence, kept in SQLite (`presence` table, migration 2) so they
 * survive Durable Object hibernation while the sockets stay open. Reads go through a
 * write-through cache of immutable snapshots: unchanged peers keep their identity, so
 * diffs skip them by reference, and a freshly woken object refills the cache lazily,
 * one room at a time, from SQLite.
 *
 * Single writer: the cache assumes this instance makes every write to the table, which
 * holds because one Durable Object owns the app's database. Build one store per Sql.
 * No method opens a transaction (each write is one statement), so callers may run them
 * inside their own.
 */
import type { Sql } from "../store/sql";
import { validationError } from "../protocol/errors";
import { MAX_ROOMS_PER_SESSION } from "../protocol/limits";
import { EMPTY_ROOM, type Peer, type PeerUser, type PresenceData, type RoomChange, type RoomSnapshot } from "../model/presence";

/**
 * What a row's peer_json holds; the peer id is the row's session_id. `type` is the
 * room type the session joined with (room rules read it; peers never see it).
 */
type StoredPeer = { user: PeerUser; data: PresenceData; type?: string | null };

type Row = { session_id: string; peer_json: string };

export class PresenceStore {
  readonly #sql: Sql;
  readonly #rooms = new Map<string, RoomSnapshot>();
  /** `${roomId}\0${sessionId}` → the room type of that membership, for the rooms in #rooms. */
  readonly #types = new Map<string, string | null>();

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** The room's members in join order; empty if nobody is in it. */
  room(roomId: string): RoomSnapshot {
    const cached = this.#rooms.get(roomId);
    if (cached) return cached;
    const rows = this.#sql.all<Row>(
      // rowid follows insertion and the upsert in join() keeps it, so this is join order.
      `SELECT session_id, peer_json FROM presence WHERE room_id = ? ORDER BY rowid`,
      roomId,
    );
    if (rows.length === 0) return EMPTY_ROOM;
    const room: Record<string, Peer> = {};
    for (const r of rows) {
      const stored = JSON.parse(r.peer_json) as StoredPeer;
      room[r.session_id] = fromStored(r.session_id, stored);
      this.#types.set(typeKey(roomId, r.session_id), stored.type ?? null);
    }
    const snapshot = Object.freeze(room);
    this.#rooms.set(roomId, snapshot);
    return snapshot;
  }

  peer(roomId: string, sessionId: string): Peer | null {
    return own(this.room(roomId), sessionId) ?? null;
  }

  /** The room type the session joined `roomId` with (null: none given, or not a member). */
  roomType(roomId: string, sessionId: string): string | null {
    this.room(roomId);
    return this.#types.get(typeKey(roomId, sessionId)) ?? null;
  }

  isMember(roomId: string, sessionId: string): boolean {
    return own(this.room(roomId), sessionId) !== undefined;
  }

  /** Rooms the session is in (index presence_by_session). */
  roomsOf(sessionId: string): string[] {
    return this.#sql
      .all<{ room_id: string }>(`SELECT room_id FROM presence WHERE session_id = ? ORDER BY rowid`, sessionId)
      .map((r) => r.room_id);
  }

  /** Every session with at least one membership; the wake-up sweep compares it to live sockets. */
  sessionIds(): string[] {
    return this.#sql.all<{ session_id: string }>(`SELECT DISTINCT session_id FROM presence`).map((r) => r.session_id);
  }

  /**
   * Adds the session to the room, or refreshes its user if it is already there. An
   * existing member keeps its presence data (docs/protocol.md §10.2); a new one starts with
   * `data` or `{}`. Throws validation-failed past MAX_ROOMS_PER_SESSION.
   */
  join(roomId: string, sessionId: string, user: PeerUser, data: PresenceData | null, roomType: string | null = null): RoomChange {
    const prev = this.room(roomId);
    const existing = own(prev, sessionId);
    if (!existing && this.roomsOf(sessionId).length >= MAX_ROOMS_PER_SESSION) {
      throw validationError("room", null, [
        { message: `A session can be in at most ${MAX_ROOMS_PER_SESSION} rooms at once; leave one first.` },
      ]);
    }
    const peer: Peer = Object.freeze({ peerId: sessionId, user, data: existing ? existing.data : (data ?? {}) });
    const type = roomType ?? (existing ? (this.#types.get(typeKey(roomId, sessionId)) ?? null) : null);
    this.#sql.run(
      `INSERT INTO presence (room_id, session_id, peer_json) VALUES (?, ?, ?)
       ON CONFLICT (room_id, session_id) DO UPDATE SET peer_json = excluded.peer_json`,
      roomId,
      sessionId,
      toStored(peer, type),
    );
    this.#types.set(typeKey(roomId, sessionId), type);
    return this.#commit(roomId, prev, Object.freeze({ ...prev, [sessionId]: peer }));
  }

  /** Replaces the session's presence data. Throws validation-failed if it is not in the room. */
  setData(roomId: string, sessionId: string, data: PresenceData): RoomChange {
    const prev = this.room(roomId);
    const existing = own(prev, sessionId);
    if (!existing) throw notInRoom(roomId, sessionId);
    const peer: Peer = Object.freeze({ ...existing, data });
    this.#sql.run(
      `UPDATE presence SET peer_json = ? WHERE room_id = ? AND session_id = ?`,
      toStored(peer, this.#types.get(typeKey(roomId, sessionId)) ?? null),
      roomId,
      sessionId,
    );
    return this.#commit(roomId, prev, Object.freeze({ ...prev, [sessionId]: peer }));
  }

  /** Removes the session from the room; null if it was not there. */
  leave(roomId: string, sessionId: string): RoomChange | null {
    const prev = this.room(roomId);
    if (!own(prev, sessionId)) return null;
    this.#sql.run(`DELETE FROM presence WHERE room_id = ? AND session_id = ?`, roomId, sessionId);
    this.#types.delete(typeKey(roomId, sessionId));
    const { [sessionId]: _gone, ...rest } = prev;
    return this.#commit(roomId, prev, Object.keys(rest).length === 0 ? EMPTY_ROOM : Object.freeze(rest));
  }

  /** Removes the session from every room; returns the rooms it left. */
  leaveAll(sessionId: string): string[] {
    const rooms = this.roomsOf(sessionId);
    for (const roomId of rooms) this.leave(roomId, sessionId);
    return rooms;
  }

  /**
   * Removes every membership of sessions not in `live` (sockets whose close was never
   * delivered, e.g. across a restart). Returns one change per affected room, covering
   * all of that room's departures, for the survivors' presence messages.
   */
  retainSessions(live: ReadonlySet<string>): RoomChange[] {
    const before = new Map<string, RoomSnapshot>();
    for (const sessionId of this.sessionIds()) {
      if (live.has(sessionId)) continue;
      for (const roomId of this.roomsOf(sessionId)) {
        if (!before.has(roomId)) before.set(roomId, this.room(roomId));
        this.leave(roomId, sessionId);
      }
    }
    return [...before].map(([roomId, prev]) => ({ roomId, prev, next: this.room(roomId) }));
  }

  /** Forgets cached snapshots (tests, or after another writer touched the table). */
  clearCache(): void {
    this.#rooms.clear();
    this.#types.clear();
  }

  #commit(roomId: string, prev: RoomSnapshot, next: RoomSnapshot): RoomChange {
    // Empty rooms are not cached: the cache then only ever holds live rooms.
    if (next === EMPTY_ROOM) this.#rooms.delete(roomId);
    else this.#rooms.set(roomId, next);
    return { roomId, prev, next };
  }
}

export function notInRoom(roomId: string, sessionId: string) {
  return validationError("room", { "room-id": roomId, "session-id": sessionId }, [
    { message: "You have not entered this room yet." },
  ]);
}

/** A member by session id, ignoring inherited names like "constructor". */
const own = (room: RoomSnapshot, sessionId: string): Peer | undefined =>
  Object.prototype.hasOwnProperty.call(room, sessionId) ? room[sessionId] : undefined;

const typeKey = (roomId: string, sessionId: string) => `${roomId}\0${sessionId}`;

const toStored = (p: Peer, type: string | null): string =>
  JSON.stringify((type === null ? { user: p.user, data: p.data } : { user: p.user, data: p.data, type }) satisfies StoredPeer);

function fromStored(sessionId: string, s: StoredPeer): Peer {
  return Object.freeze({ peerId: sessionId, user: s.user ?? null, data: s.data ?? {} });
}
