/**
 * Presence survives Durable Object eviction while sockets stay open: memberships and
 * presence data are in SQLite, so updates, broadcasts and departures keep working.
 */
import { env, evictDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createTestApp, initSocket } from "./gateway";

it("keeps rooms working across evictDurableObject", async () => {
  const app = await createTestApp();
  const stub = env.APP.get(env.APP.idFromName(app.id));
  const a = await initSocket(app.id);
  const b = await initSocket(app.id);
  const sessionOf = (s: typeof a) => s.frames.find((f) => f.op === "init-ok")!["session-id"] as string;
  await a.request({ op: "join-room", "client-event-id": "ja", "room-id": "r", "room-type": "t", data: { name: "a" } }, (f) => f.op === "refresh-presence");
  const bJoined = await b.request({ op: "join-room", "client-event-id": "jb", "room-id": "r", "room-type": "t", data: { name: "b" } }, (f) => f.op === "refresh-presence");
  expect(Object.keys(bJoined.data).sort()).toEqual([sessionOf(a), sessionOf(b)].sort());

  await evictDurableObject(stub);

  let from = a.frames.length;
  b.send({ op: "set-presence", "client-event-id": "sp", "room-id": "r", data: { name: "b", typing: true } });
  const patch = await a.next((f) => f.op === "patch-presence" || f.op === "refresh-presence", from);
  expect(JSON.stringify(patch)).toContain("typing");

  from = a.frames.length;
  b.send({ op: "client-broadcast", "client-event-id": "cb", "room-id": "r", roomType: "t", topic: "hi", data: { n: 1 } });
  const broadcast = await a.next((f) => f.op === "server-broadcast", from);
  expect(broadcast).toMatchObject({ "room-id": "r", topic: "hi", data: { "peer-id": sessionOf(b), data: { n: 1 } } });

  await evictDurableObject(stub);
  from = a.frames.length;
  b.close();
  const gone = await a.next((f) => f.op === "patch-presence" || f.op === "refresh-presence", from);
  if (gone.op === "patch-presence") expect(gone.edits).toEqual([[[sessionOf(b)], "-"]]);
  else expect(Object.keys(gone.data)).toEqual([sessionOf(a)]);
});
