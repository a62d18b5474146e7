/**
 * Room diff → patch-presence edits (docs/protocol.md §6.11), shaped for the way the real client
 * applies them (Reactor `_patchPresencePeers` over `{sessionId: {data}}` with
 * utils/object.js insert/assoc/dissoc), not for editscript fidelity. Two client
 * behaviours drive every choice here:
 *
 * - `-` deletes a parent that becomes empty, then its parent, up to the peer entry; so
 *   a `-` is only ever emitted while its parent keeps at least one other entry. An
 *   object or array that ends up empty is sent as `r` with `{}` / `[]` instead.
 * - `+` on an array index inserts (splice), `r` overwrites, `-` splices out; so array
 *   edits are index-exact against the array as it is at that point of the edit list.
 *
 * Within an object, adds and replaces come before removals, so the object never passes
 * through "empty" on the way to a non-empty result.
 */
import type { JsonValue } from "../model/triple";
import { peerToWire } from "../protocol/room-messages";
import type { Peer, PresenceEdit, RoomSnapshot } from "../model/presence";

type Path = (string | number)[];
type JsonObject = { [key: string]: JsonValue };

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Edits that turn `prev` into `next` on the client; empty when nothing changed. */
export function diffRoom(prev: RoomSnapshot, next: RoomSnapshot): PresenceEdit[] {
  const edits: PresenceEdit[] = [];
  for (const sessionId of Object.keys(next)) {
    const b = next[sessionId]!;
    if (!hasOwn(prev, sessionId)) edits.push([[sessionId], "+", peerToWire(b)]);
    else diffPeer(sessionId, prev[sessionId]!, b, edits);
  }
  // Removing a whole peer is safe at any point: the top-level map is never pruned.
  for (const sessionId of Object.keys(prev)) {
    if (!hasOwn(next, sessionId)) edits.push([[sessionId], "-"]);
  }
  return edits;
}

function diffPeer(sessionId: string, a: Peer, b: Peer, out: PresenceEdit[]): void {
  if (a === b) return;
  if (a.peerId !== b.peerId) out.push([[sessionId, "peer-id"], "r", b.peerId]);
  if (!jsonEqual(a.user, b.user)) out.push([[sessionId, "user"], "r", b.user]);
  diffValue([sessionId, "data"], a.data, b.data, out);
}

/** Appends the edits turning `a` into `b` at `path`, where a value already exists. */
export function diffValue(path: Path, a: JsonValue, b: JsonValue, out: PresenceEdit[]): void {
  if (a === b) return;
  if (isObject(a) && isObject(b)) diffObject(path, a, b, out);
  else if (Array.isArray(a) && Array.isArray(b)) diffArray(path, a, b, out);
  else if (!jsonEqual(a, b)) out.push([path, "r", b]);
}

function diffObject(path: Path, a: JsonObject, b: JsonObject, out: PresenceEdit[]): void {
  const bKeys = Object.keys(b);
  if (bKeys.length === 0) {
    if (Object.keys(a).length > 0) out.push([path, "r", {}]);
    return;
  }
  // The client writes edits with `obj[key] = v`; on "__proto__" that would set the
  // prototype instead of a key, so such objects are replaced whole.
  if (hasOwn(a, "__proto__") || hasOwn(b, "__proto__")) {
    if (!jsonEqual(a, b)) out.push([path, "r", b]);
    return;
  }
  for (const k of bKeys) {
    if (!hasOwn(a, k)) out.push([[...path, k], "+", b[k]!]);
    else diffValue([...path, k], a[k]!, b[k]!, out);
  }
  for (const k of Object.keys(a)) {
    if (!hasOwn(b, k)) out.push([[...path, k], "-"]);
  }
}

function diffArray(path: Path, a: JsonValue[], b: JsonValue[], out: PresenceEdit[]): void {
  if (b.length === 0) {
    if (a.length > 0) out.push([path, "r", []]);
    return;
  }
  // Trim the common prefix and suffix, so appends, prepends and single insertions or
  // removals cost one edit each instead of rewriting every later index.
  const min = Math.min(a.length, b.length);
  let pre = 0;
  while (pre < min && jsonEqual(a[pre]!, b[pre]!)) pre++;
  let suf = 0;
  while (suf < min - pre && jsonEqual(a[a.length - 1 - suf]!, b[b.length - 1 - suf]!)) suf++;
  const aMid = a.length - pre - suf;
  const bMid = b.length - pre - suf;
  const common = Math.min(aMid, bMid);
  for (let i = 0; i < common; i++) diffValue([...path, pre + i], a[pre + i]!, b[pre + i]!, out);
  // Inserts go in ascending order, each landing just before the untouched suffix.
  for (let i = common; i < bMid; i++) out.push([[...path, pre + i], "+", b[pre + i]!]);
  // Removals go from the highest index down so earlier indices stay valid; the array
  // keeps b.length ≥ 1 elements throughout, so the client never prunes it.
  for (let i = aMid - 1; i >= common; i--) out.push([[...path, pre + i], "-"]);
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const k of aKeys) {
    if (!hasOwn(b, k) || !jsonEqual(a[k]!, b[k]!)) return false;
  }
  return true;
}
