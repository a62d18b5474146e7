/**
 * Presence and topics with the real client: three SDK clients and one raw observer share
 * a room; joins, presence updates (as patches), broadcasts and disconnects all arrive.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { RawSocket } from "../helpers/raw-socket";
import { waitFor } from "../helpers/wait-for";
import { connectClient, createApp, type Db } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});

// biome-ignore lint: presence shapes are free-form here.
type Slice = { isLoading: boolean; peers: Record<string, any>; user?: any };

/** The room handle without schema typing (this app is schemaless). */
type LooseRoom = {
  publishPresence(data: Record<string, unknown>): void;
  subscribePresence(opts: object, cb: (slice: Slice) => void): () => void;
  publishTopic(topic: string, data: unknown): void;
  subscribeTopic(topic: string, cb: (event: unknown) => void): () => void;
};

function joinAs(db: Db, roomId: string, name: string) {
  const room = db.joinRoom("chat", roomId, { initialPresence: { name } }) as unknown as LooseRoom;
  let latest: Slice | undefined;
  room.subscribePresence({}, (slice: Slice) => (latest = slice));
  const topics: unknown[] = [];
  room.subscribeTopic("emoji", (event: unknown) => topics.push(event));
  const peerNames = () => Object.values(latest?.peers ?? {}).map((p: { name?: string }) => p.name).sort();
  return { room, topics, peers: () => latest?.peers ?? {}, peerNames };
}

describe("presence rooms", () => {
  it("three clients see each other, patches, broadcasts and departures", async () => {
    const app = await createApp(url);
    const [a, b, c] = [connectClient(url, app.id), connectClient(url, app.id), connectClient(url, app.id)];
    clients.push(a, b, c);
    const roomId = `room-${crypto.randomUUID()}`;
    const ra = joinAs(a, roomId, "ada");
    const rb = joinAs(b, roomId, "bob");
    const rc = joinAs(c, roomId, "cy");

    await waitFor(() => JSON.stringify(ra.peerNames()) === JSON.stringify(["bob", "cy"]), { what: "ada sees bob and cy" });
    await waitFor(() => JSON.stringify(rb.peerNames()) === JSON.stringify(["ada", "cy"]), { what: "bob sees ada and cy" });
    await waitFor(() => JSON.stringify(rc.peerNames()) === JSON.stringify(["ada", "bob"]), { what: "cy sees ada and bob" });

    // A raw observer in the same room, to see the frames themselves.
    const observer = await RawSocket.open(url, app.id);
    await observer.request({ op: "init", "client-event-id": "i", "app-id": app.id, versions: { "@instantdb/core": "v1.0.67" } }, (f) => f.op === "init-ok");
    const snapshot = await observer.request({ op: "join-room", "client-event-id": "j", "room-id": roomId, "room-type": "chat", data: { name: "obs" } }, (f) => f.op === "refresh-presence");
    const snapshotPeers = Object.values(snapshot.data as Record<string, { data: { name: string } }>);
    expect(snapshotPeers.map((p) => p.data.name).sort()).toEqual(["ada", "bob", "cy", "obs"]);

    const from = observer.frames.length;
    ra.room.publishPresence({ cursor: { x: 10, y: 20 } });
    const cursorOf = (peers: Record<string, { name?: string; cursor?: { x: number } }>) =>
      Object.values(peers).find((p) => p.name === "ada")?.cursor?.x;
    await waitFor(() => cursorOf(rb.peers()) === 10, { what: "bob sees ada's cursor" });
    await waitFor(() => cursorOf(rc.peers()) === 10, { what: "cy sees ada's cursor" });
    const patch = await observer.next((f) => f.op === "patch-presence", from);
    expect(JSON.stringify(patch.edits)).toContain("cursor");

    rb.room.publishTopic("emoji", { e: "🔥" });
    await waitFor(() => ra.topics.length === 1 && rc.topics.length === 1, { what: "the broadcast at ada and cy" });
    const broadcast = await observer.next((f) => f.op === "server-broadcast", from);
    expect(broadcast).toMatchObject({ topic: "emoji", data: { data: { e: "🔥" } } });
    expect(ra.topics).toEqual([{ e: "🔥" }]);
    expect(rb.topics).toEqual([]);

    c.shutdown();
    await waitFor(() => JSON.stringify(ra.peerNames()) === JSON.stringify(["bob", "obs"]), { what: "cy gone for ada" });
    await waitFor(() => JSON.stringify(rb.peerNames()) === JSON.stringify(["ada", "obs"]), { what: "cy gone for bob" });

    // The admin API reads the same room.
    const res = await fetch(`${url}/admin/rooms/presence?room-type=chat&room-id=${roomId}`, {
      headers: { "app-id": app.id, authorization: `Bearer ${app.adminToken}` },
    });
    expect(res.status).toBe(200);
    const { sessions } = (await res.json()) as { sessions: Record<string, { data: { name: string } }> };
    expect(Object.values(sessions).map((s) => s.data.name).sort()).toEqual(["ada", "bob", "obs"]);
    observer.close();
  });
});
