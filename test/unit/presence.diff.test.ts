import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { diffRoom, type Peer, type PresenceData, type PresenceEdit, type RoomSnapshot } from "../../src/presence";
import { patchPresence, refreshPresence } from "../../src/protocol/room-messages";
import { ClientRoomView, expectedPeers } from "./presence.client-harness";

const peer = (id: string, data: PresenceData, user: Peer["user"] = null): Peer => ({ peerId: id, user, data });
const room = (peers: Record<string, PresenceData>): RoomSnapshot =>
  Object.fromEntries(Object.entries(peers).map(([id, data]) => [id, peer(id, data)]));

/** A client (session `self`) in sync with `prev` receives the diff; it must then show `next`. */
function viaClient(prev: RoomSnapshot, next: RoomSnapshot, self = "me"): Record<string, JsonValue> {
  const view = new ClientRoomView(self, "r");
  view.receive(refreshPresence("r", prev));
  const edits = diffRoom(prev, next);
  if (edits.length > 0) view.receive(patchPresence("r", edits));
  return view.peers;
}

function expectClientConverges(prev: RoomSnapshot, next: RoomSnapshot, self = "me") {
  expect(viaClient(prev, next, self)).toEqual(expectedPeers(next, self));
}

describe("diffRoom: edit format", () => {
  it("emits nothing for equal rooms, even when rebuilt from scratch", () => {
    const a = room({ A: { x: 1, nested: { list: [1, { y: 2 }] } } });
    const b = room({ A: { nested: { list: [1, { y: 2 }] }, x: 1 } });
    expect(diffRoom(a, b)).toEqual([]);
  });

  it("adds and removes whole peers with their wire shape", () => {
    const prev = room({ A: { x: 1 }, B: {} });
    const next: RoomSnapshot = { A: peer("A", { x: 1 }), C: peer("C", { y: 1 }, { id: "u1" }) };
    expect(diffRoom(prev, next)).toEqual([
      [["C"], "+", { "peer-id": "C", user: { id: "u1" }, data: { y: 1 } }],
      [["B"], "-"],
    ]);
  });

  it("replaces a leaf in place", () => {
    expect(diffRoom(room({ A: { cursor: { x: 1, y: 2 } } }), room({ A: { cursor: { x: 12, y: 2 } } }))).toEqual([
      [["A", "data", "cursor", "x"], "r", 12],
    ]);
  });

  it("expresses presence becoming {} as a replace of data, never as removals (§6.11 caution)", () => {
    expect(diffRoom(room({ B: { typing: true } }), room({ B: {} }))).toEqual([[["B", "data"], "r", {}]]);
  });

  it("orders adds before removals so an object never passes through empty", () => {
    const edits = diffRoom(room({ B: { old: 1 } }), room({ B: { fresh: 2 } }));
    expect(edits).toEqual([
      [["B", "data", "fresh"], "+", 2],
      [["B", "data", "old"], "-"],
    ]);
  });

  it("replaces a nested object that becomes empty instead of removing its last key", () => {
    expect(diffRoom(room({ B: { a: { k: 1 }, z: 0 } }), room({ B: { a: {}, z: 0 } }))).toEqual([
      [["B", "data", "a"], "r", {}],
    ]);
  });

  it("never emits an empty path, and every path starts at a session", () => {
    const edits = diffRoom(room({ A: { a: [1, 2, 3] }, B: { b: 1 } }), room({ A: { a: [] }, C: {} }));
    for (const [path] of edits) expect(path.length).toBeGreaterThan(0);
    expect(edits.every(([path]) => ["A", "B", "C"].includes(path[0] as string))).toBe(true);
  });

  it("diffs arrays by index: append, prepend, middle removal, empty", () => {
    const d = (a: JsonValue[], b: JsonValue[]): PresenceEdit[] => diffRoom(room({ A: { l: a } }), room({ A: { l: b } }));
    expect(d([1, 2], [1, 2, 3])).toEqual([[["A", "data", "l", 2], "+", 3]]);
    expect(d([1, 2], [0, 1, 2])).toEqual([[["A", "data", "l", 0], "+", 0]]);
    expect(d([1, 2, 3], [1, 3])).toEqual([[["A", "data", "l", 1], "-"]]);
    expect(d([1, 2, 3], [])).toEqual([[["A", "data", "l"], "r", []]]);
  });

  it("changes a user with a replace", () => {
    const prev: RoomSnapshot = { A: peer("A", {}) };
    const next: RoomSnapshot = { A: peer("A", {}, { id: "u" }) };
    expect(diffRoom(prev, next)).toEqual([[["A", "user"], "r", { id: "u" }]]);
  });
});

describe("diffRoom through the real client's patch code", () => {
  it("harness check: a naive `-` of a peer's last key drops the peer on the client", () => {
    // This is the hazard the diff avoids; if the client ever stops pruning, revisit diff.ts.
    const view = new ClientRoomView("me", "r");
    view.receive(refreshPresence("r", room({ B: { typing: true } })));
    view.applyEdits([[["B", "data", "typing"], "-"]]);
    expect(view.peers).toEqual({});
  });

  const cases: [string, Record<string, PresenceData>, Record<string, PresenceData>][] = [
    ["a peer's last key removed", { B: { typing: true } }, { B: {} }],
    ["presence becoming {} among others", { A: { x: 1 }, B: { a: 1, b: { c: 2 } } }, { A: { x: 1 }, B: {} }],
    ["last key swapped for another", { B: { old: 1 } }, { B: { fresh: 2 } }],
    ["nested object emptied", { B: { a: { b: { c: 1 } }, k: 1 } }, { B: { a: { b: {} }, k: 1 } }],
    ["nested object removed entirely", { B: { a: { b: { c: 1 } } } }, { B: { z: 1 } }],
    ["array grows and shrinks", { B: { l: [1, 2, 3, 4] } }, { B: { l: [9, 2, 4, 5, 6] } }],
    ["array emptied", { B: { l: [1] } }, { B: { l: [] } }],
    ["nested array emptied", { B: { l: [[1], [2]] } }, { B: { l: [[], [2]] } }],
    ["arrays of objects", { B: { l: [{ a: 1 }, { b: 2 }] } }, { B: { l: [{ b: 2 }, { a: 1, c: [] }] } }],
    ["type changes", { B: { v: { a: 1 }, w: [1], x: "s" } }, { B: { v: [1], w: { a: 1 }, x: null } }],
    ["numeric-looking keys", { B: { "0": { "1": 1 } } }, { B: { "0": { "2": 2 } } }],
    ["a peer added and another removed", { A: { x: 1 }, B: { y: 1 } }, { A: { x: 1 }, C: {} }],
    ["everyone leaves but me", { me: { x: 1 }, B: { y: 1 } }, { me: { x: 1 } }],
    ["my own entry changes", { me: { x: 1 }, B: { y: 1 } }, { me: {}, B: { y: 1 } }],
    ["__proto__ key", { B: { a: 1 } }, JSON.parse('{"B": {"__proto__": {"x": 1}, "a": 1}}')],
  ];
  for (const [name, prev, next] of cases) {
    it(name, () => expectClientConverges(room(prev), room(next)));
  }

  it("random rooms: the client always ends up showing `next` (2,000 seeded cases)", () => {
    const rand = mulberry32(0x5eed);
    const ids = ["me", "A", "B", "C"];
    for (let i = 0; i < 2000; i++) {
      const prev = randomRoom(rand, ids);
      const next = rand() < 0.8 ? mutateRoom(rand, prev, ids) : randomRoom(rand, ids);
      const self = ids[Math.floor(rand() * ids.length)]!;
      const got = viaClient(prev, next, self);
      const want = expectedPeers(next, self);
      if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(want))) {
        // Report the first counterexample in full rather than a bare boolean.
        expect({ case: i, prev, next, edits: diffRoom(prev, next), got }).toEqual({
          case: i, prev, next, edits: diffRoom(prev, next), got: want,
        });
      }
    }
  });
});

// --- seeded generators -----------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "b", "c", "0"];
const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

function randomValue(rand: () => number, depth: number): JsonValue {
  const r = rand();
  if (depth <= 0 || r < 0.4) return pick(rand, [0, 1, 2, "x", true, null] as JsonValue[]);
  if (r < 0.7) return randomObject(rand, depth - 1);
  return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth - 1));
}

function randomObject(rand: () => number, depth: number): PresenceData {
  const out: PresenceData = {};
  for (const k of KEYS) if (rand() < 0.4) out[k] = randomValue(rand, depth);
  return out;
}

function randomRoom(rand: () => number, ids: string[]): RoomSnapshot {
  const out: Record<string, Peer> = {};
  for (const id of ids) if (rand() < 0.6) out[id] = peer(id, randomObject(rand, 3));
  return out;
}

/** Small edits of an existing room, where the interesting diffs live. */
function mutateRoom(rand: () => number, prev: RoomSnapshot, ids: string[]): RoomSnapshot {
  const out: Record<string, Peer> = { ...prev };
  for (const id of ids) {
    const p = out[id];
    const r = rand();
    if (!p) {
      if (r < 0.3) out[id] = peer(id, randomObject(rand, 2));
    } else if (r < 0.15) {
      delete out[id];
    } else if (r < 0.7) {
      out[id] = peer(id, mutateValue(rand, p.data, 3) as PresenceData);
    }
  }
  return out;
}

function mutateValue(rand: () => number, v: JsonValue, depth: number): JsonValue {
  if (Array.isArray(v)) {
    const copy = [...v];
    const r = rand();
    if (r < 0.3 && copy.length > 0) copy.splice(Math.floor(rand() * copy.length), 1);
    else if (r < 0.6) copy.splice(Math.floor(rand() * (copy.length + 1)), 0, randomValue(rand, depth - 1));
    else if (copy.length > 0) {
      const i = Math.floor(rand() * copy.length);
      copy[i] = mutateValue(rand, copy[i]!, depth - 1);
    }
    return copy;
  }
  if (typeof v === "object" && v !== null) {
    const copy: PresenceData = { ...v };
    const k = pick(rand, KEYS);
    const r = rand();
    if (r < 0.3) delete copy[k];
    else if (r < 0.5 || depth <= 0 || !(k in copy)) copy[k] = randomValue(rand, depth - 1);
    else copy[k] = mutateValue(rand, copy[k]!, depth - 1);
    return copy;
  }
  return randomValue(rand, depth);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
