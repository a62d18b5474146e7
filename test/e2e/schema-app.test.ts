/**
 * An app created with an `i.schema(...)` schema: the server creates typed, indexed,
 * unique attrs and links from it, and a client initialised with the same schema runs
 * typed queries (singular links come back as objects through cardinality inference).
 */
import { i, id } from "@instantdb/core";
import { afterEach, expect, inject, it } from "vitest";
import { RawSocket } from "../helpers/raw-socket";
import { connectClient, createApp, type Db, record } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});

const schema = i.schema({
  entities: {
    authors: i.entity({ name: i.string().unique().indexed(), born: i.number().optional() }),
    books: i.entity({ title: i.string(), pages: i.number().indexed() }),
  },
  links: {
    bookAuthor: {
      forward: { on: "books", has: "one", label: "author" },
      reverse: { on: "authors", has: "many", label: "books" },
    },
  },
  rooms: {},
});

it("creates the schema's attrs and serves typed queries", async () => {
  const app = await createApp(url, { schema });

  // The server created the attrs with the schema's properties.
  const raw = await RawSocket.open(url, app.id);
  const ok = await raw.request({ op: "init", "client-event-id": "i", "app-id": app.id, versions: {} }, (f) => f.op === "init-ok");
  raw.close();
  const byName = new Map(ok.attrs.map((a: { "forward-identity": string[] }) => [a["forward-identity"].slice(1).join("."), a]));
  expect(byName.get("authors.name")).toMatchObject({ "unique?": true, "index?": true, "checked-data-type": "string", "required?": true });
  expect(byName.get("authors.born")).toMatchObject({ "checked-data-type": "number", "required?": false });
  expect(byName.get("books.author")).toMatchObject({ "value-type": "ref", cardinality: "one", "unique?": false });

  const db = connectClient(url, app.id, { schema });
  clients.push(db);
  const view = record(db, { authors: { books: {} }, books: { author: {} } });
  await view.until((r) => Array.isArray(r.data?.authors), "an initial result");
  const [ada, b1, b2] = [id(), id(), id()];
  await db.transact([
    db.tx.authors![ada]!.create({ name: "Ada", born: 1815 }),
    db.tx.books![b1]!.create({ title: "Notes", pages: 40 }).link({ author: ada }),
    db.tx.books![b2]!.create({ title: "Letters", pages: 12 }).link({ author: ada }),
  ]);
  const seen = await view.until((r) => r.data?.authors?.[0]?.books?.length === 2, "the author with two books");
  expect(seen.data.books.map((b: { author: { name: string } }) => b.author.name)).toEqual(["Ada", "Ada"]);

  // A second client with the same schema sees the same typed data.
  const other = connectClient(url, app.id, { schema });
  clients.push(other);
  const otherView = record(other, { books: { $: { where: { "author.name": "Ada" } } } });
  await otherView.until((r) => r.data?.books?.length === 2, "both books by author name");

  // The server itself enforces the schema's types (the client's own checks bypassed).
  const rawWriter = await RawSocket.open(url, app.id);
  await rawWriter.request({ op: "init", "client-event-id": "i", "app-id": app.id, versions: {} }, (f) => f.op === "init-ok");
  const bad = id();
  const attr = (name: string) => (byName.get(name) as { id: string }).id;
  const err = await rawWriter.request(
    {
      op: "transact",
      "client-event-id": "bad-type",
      "tx-steps": [
        ["add-triple", bad, attr("books.id"), bad],
        ["add-triple", bad, attr("books.title"), "Bad"],
        ["add-triple", bad, attr("books.pages"), "many"],
      ],
    },
    (f) => f["client-event-id"] === "bad-type",
  );
  rawWriter.close();
  expect(err).toMatchObject({ op: "error", type: "validation-failed" });
  expect(err.message).toMatch(/books\.pages/);
});
