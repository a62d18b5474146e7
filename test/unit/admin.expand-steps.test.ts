/**
 * Admin steps → tx-steps, differentially against the browser client's own expansion
 * (instaml.transform): for the same `db.tx` chunks and the same attrs, the admin SDK's
 * `steps` must expand to the client's wire steps (attr ids aside). Seeded random op
 * lists cover the combinations; fixed cases pin the admin-only behaviour Instant's
 * server has and the client does not.
 */
import { describe, expect, it } from "vitest";
import { lookup } from "../../node_modules/@instantdb/core/dist/esm/instatx.js";
import type { JsonValue } from "../../src/model/triple";
import { InstantError } from "../../src/protocol/errors";
import { Rng } from "../sample-library/prng";
import { type Db, openDb, uid } from "../helpers/seed";
import { type Chunk, adminSteps, adminWire, clientWire, normalize, on, schemaApp } from "./admin.fixtures";

const U = (n: number) => uid(`user${n}`);
const P = (n: number) => uid(`post${n}`);
const T = (n: number) => uid(`tag${n}`);

/** Both expansions, normalised; `null` for a side that threw (the admin side must throw an InstantError). */
function both(db: Db, chunks: Chunk[]): { admin: JsonValue[] | null; client: JsonValue[] | null } {
  let client: JsonValue[] | null = null;
  let admin: JsonValue[] | null = null;
  try {
    client = normalize(db, clientWire(db, chunks));
  } catch {
    client = null;
  }
  try {
    admin = normalize(db, adminWire(db, adminSteps(chunks)));
  } catch (e) {
    if (!(e instanceof InstantError)) throw e;
    admin = null;
  }
  return { admin, client };
}

describe("differential: the client's expansion of the same chunks", () => {
  const cases: [string, () => Db, Chunk[]][] = [
    ["create, update, merge on a new app", openDb, [
      on("todos", P(1)).create({ title: "Buy milk", done: false, meta: { a: 1 } }),
      on("todos", P(1)).update({ done: true, count: null }),
      on("todos", P(1)).update({ done: false }, { upsert: false }),
      on("todos", P(1)).merge({ meta: { b: 2 } }),
      on("todos", P(1)).merge({ meta: { c: 3 } }, { upsert: false }),
    ]],
    ["an `id` key in the object is dropped", openDb, [on("todos", P(1)).update({ id: P(2), title: "x" })]],
    ["links to unknown labels, single and arrays, then unlink", openDb, [
      on("posts", P(1)).link({ tags: [T(1), T(2)], author: U(1) }),
      on("tags", T(1)).unlink({ posts: P(1) }),
    ]],
    ["links from either side of existing attrs", schemaApp, [
      on("posts", P(1)).link({ author: U(1), tags: T(1) }),
      on("users", U(1)).link({ posts: [P(2), P(3)] }),
      on("tags", T(2)).unlink({ posts: P(1) }),
      on("users", U(2)).link({ profile: uid("profile1") }),
    ]],
    ["entity lookups on new and existing unique attrs", openDb, [
      on("users", lookup("email", "a@b.c")).update({ name: "Ada" }),
      on("users", lookup("email", "a@b.c")).merge({ prefs: { x: 1 } }),
      on("users", lookup("handle", "ada")).create({ name: "Ada" }),
    ]],
    ["lookup targets: new label (has-one unique link), existing link, object form", openDb, [
      on("posts", P(1)).link({ tags: lookup("slug", "news") }),
      on("posts", P(1)).link({ tags: { slug: "sport" } }),
      on("users", lookup("email", "a@b.c")).link({ posts: [lookup("code", 7), P(2)] }),
    ]],
    ["lookups in a schema app, from both sides", schemaApp, [
      on("posts", lookup("code", "c1")).update({ n: 1, title: "t" }),
      on("posts", P(1)).link({ author: lookup("email", "a@b.c"), tags: lookup("slug", "s") }),
      on("users", lookup("email", "a@b.c")).link({ posts: P(2) }),
      on("users", lookup("email", "a@b.c")).unlink({ posts: P(2) }),
    ]],
    ["a lookup through a unique has-one link (`user.id`)", schemaApp, [
      on("profiles", lookup("user.id", U(1))).update({ bio: "hi" }),
    ]],
    ["delete and ruleParams", schemaApp, [
      on("posts", P(1)).delete(),
      on("users", lookup("email", "a@b.c")).delete(),
      on("posts", P(2)).ruleParams({ token: "t" }),
    ]],
  ];
  for (const [name, app, chunks] of cases) {
    it(name, () => {
      const { admin, client } = both(app(), chunks);
      expect(admin).not.toBeNull();
      expect(admin).toEqual(client);
    });
  }

  it("a failing lookup fails on both sides", () => {
    const { admin, client } = both(schemaApp(), [on("users", lookup("name", "Ada")).update({ email: "x" })]);
    expect([admin, client]).toEqual([null, null]);
  });
});

describe("differential: seeded random op lists", () => {
  const ETYPES = ["users", "posts", "tags", "profiles"];
  const FIELDS = ["name", "title", "n", "meta", "bio", "email", "slug"];
  const LINKS = ["author", "tags", "posts", "user", "profile", "friends"];
  const LOOKUP_KEYS = ["email", "slug", "code", "title"];

  function randomOps(r: Rng): Chunk[] {
    const id = () => r.pick([U(r.int(1, 3)), P(r.int(1, 3)), T(r.int(1, 3))]);
    const value = (): JsonValue => r.pick([() => r.int(-3, 3), () => `s${r.int(0, 3)}`, () => null, () => r.chance(0.5), () => ({ k: r.int(0, 2) })])();
    const entity = () => (r.chance(0.3) ? lookup(r.pick(LOOKUP_KEYS), `v${r.int(0, 2)}`) : id());
    const target = (): JsonValue => (r.chance(0.25) ? (r.chance(0.5) ? lookup(r.pick(LOOKUP_KEYS), `v${r.int(0, 2)}`) : { [r.pick(LOOKUP_KEYS)]: `v${r.int(0, 2)}` }) : id());
    const fields = () => Object.fromEntries(r.some(FIELDS, 3).map((f) => [f, value()]));
    const links = () => Object.fromEntries(r.some(LINKS, 2).map((l) => [l, r.chance(0.3) ? Array.from({ length: r.int(1, 3) }, target) : target()]));
    return Array.from({ length: r.int(1, 5) }, () => {
      const b = on(r.pick(ETYPES), entity());
      switch (r.int(0, 6)) {
        case 0:
          return b.create(fields());
        case 1:
          return r.chance(0.3) ? b.update(fields(), { upsert: false }) : b.update(fields());
        case 2:
          return b.merge(fields());
        case 3:
          return b.link(links());
        case 4:
          return b.unlink(links());
        case 5:
          return b.delete();
        default:
          return on(r.pick(ETYPES), id()).ruleParams({ k: value() });
      }
    });
  }

  it("expand like the client (or fail like it) for 300 op lists", () => {
    let failedBoth = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = new Rng(seed * 7919);
      const db = r.chance(0.5) ? openDb() : schemaApp();
      const chunks = randomOps(r);
      const { admin, client } = both(db, chunks);
      if (admin === null) failedBoth++;
      expect(admin, `seed ${seed}: ${JSON.stringify(adminSteps(chunks))}`).toEqual(client);
    }
    // Most lists must expand, or the comparison proves little.
    expect(failedBoth).toBeLessThan(100);
  });
});
