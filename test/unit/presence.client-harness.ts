/**
 * The real client's presence bookkeeping, for tests: a stand-in `this` for the
 * published Reactor's own `_setPresencePeers` / `_patchPresencePeers` methods, so
 * refresh-presence and patch-presence frames are applied by exactly the code the SDK
 * runs (mutative drafts + utils/object.js insert/assoc/dissoc), after a JSON round trip
 * like the socket's.
 */
import Reactor from "../../node_modules/@instantdb/core/dist/esm/Reactor.js";
import type { JsonValue } from "../../src/model/triple";
import type { RoomSnapshot } from "../../src/presence";
import type { WireMessage } from "../../src/protocol/room-messages";

type Peers = Record<string, JsonValue>;

const reactor = Reactor.prototype;

export class ClientRoomView {
  // Field names are the Reactor's own: its methods read them through `this`.
  readonly _sessionId: string;
  _presence: Record<string, { result?: { peers?: Peers } }>;
  readonly _setPresencePeers = reactor._setPresencePeers;
  readonly #roomId: string;

  constructor(sessionId: string, roomId: string) {
    this._sessionId = sessionId;
    this.#roomId = roomId;
    this._presence = { [roomId]: {} };
  }

  /** Applies one frame the way Reactor's message switch does for presence ops. */
  receive(frame: WireMessage): void {
    const msg = JSON.parse(JSON.stringify(frame)) as Record<string, unknown>;
    if (msg["room-id"] !== this.#roomId) throw new Error(`frame for another room: ${String(msg["room-id"])}`);
    if (msg.op === "refresh-presence") reactor._setPresencePeers.call(this, this.#roomId, msg.data);
    else if (msg.op === "patch-presence") reactor._patchPresencePeers.call(this, this.#roomId, msg.edits);
    else throw new Error(`not a presence frame: ${String(msg.op)}`);
  }

  /** Applies bare edits (no message wrapper), as `_patchPresencePeers` receives them. */
  applyEdits(edits: unknown): void {
    reactor._patchPresencePeers.call(this, this.#roomId, JSON.parse(JSON.stringify(edits)));
  }

  get peers(): Peers {
    return this._presence[this.#roomId]?.result?.peers ?? {};
  }
}

/** What a client with this session id should show for a room: every other peer's data. */
export function expectedPeers(room: RoomSnapshot, selfId: string): Peers {
  const out: Peers = {};
  for (const [sessionId, peer] of Object.entries(room)) if (sessionId !== selfId) out[sessionId] = peer.data;
  return out;
}
