/**
 * Joins a "chat" room with the real client and reports the names of the peers it sees
 * (each peer publishes `{name}`); for tests about who is in a room.
 */
import type { Db } from "./instant-client";

type Slice = { peers: Record<string, { name?: string }> };
/** The room handle without schema typing (these apps are schemaless). */
type LooseRoom = { subscribePresence(opts: object, cb: (slice: Slice) => void): () => void };

/** Joins as `name`; the returned function lists the names of the other peers now seen. */
export function joinAs(db: Db, roomId: string, name: string): () => (string | undefined)[] {
  const room = db.joinRoom("chat", roomId, { initialPresence: { name } }) as unknown as LooseRoom;
  let latest: Slice | undefined;
  room.subscribePresence({}, (slice) => (latest = slice));
  return () => Object.values(latest?.peers ?? {}).map((p) => p.name);
}
