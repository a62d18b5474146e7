/**
 * The admin steps' own behaviour (as Instant's server has it, where
 * it differs from the browser client or has no client counterpart): upsert modes, the
 * accepted entity forms, attr creation rules, and every error in Instant's shape.
 */
import { describe, expect, it } from "vitest";
import { adminTxInput, expandAdminSteps } from "../../src/admin/expand-steps";
import type { JsonValue } from "../../src/model/triple";
import { MAX_TX_STEPS } from "../../src/protocol/limits";
import { type Db, openDb, uid } from "../helpers/seed";
import { adminWire, idSource, input, normalize, schemaApp } from "./admin.fixtures";
import { instantError as fails } from "../helpers/instant-error";

const U = (n: number) => uid(`user${n}`);
const P = (n: number) => uid(`post${n}`);


const wire = (db: Db, steps: JsonValue[]) => normalize(db, adminWire(db, steps));
const dataSteps = (db: Db, steps: JsonValue[]) => wire(db, steps).filter((s) => (s as JsonValue[])[0] !== "add-attr");

describe("modes: never inferred, only from `upsert`", () => {
  const db = schemaApp();
  const modeOf = (opts?: JsonValue) => dataSteps(db, [["update", "users", U(1), { name: "x" }, ...(opts === undefined ? [] : [opts])]]).map((s) => (s as JsonValue[])[4]);

  it("update: true → upsert, false → update, null/absent → none", () => {
    expect(modeOf({ upsert: true })).toEqual([{ mode: "upsert" }, { mode: "upsert" }]);
    expect(modeOf({ upsert: false })).toEqual([{ mode: "update" }, { mode: "update" }]);
    expect(modeOf({ upsert: null })).toEqual([undefined, undefined]);
    expect(modeOf({})).toEqual([undefined, undefined]);
    expect(modeOf(null)).toEqual([undefined, undefined]);
    expect(modeOf()).toEqual([undefined, undefined]);
  });

  it("merge: the id add-triple and every deep-merge-triple carry the mode; create is always create", () => {
    expect(dataSteps(db, [["merge", "posts", P(1), { meta: { a: 1 } }, { upsert: false }]])).toEqual([
      ["add-triple", P(1), "attr:posts.id", P(1), { mode: "update" }],
      ["deep-merge-triple", P(1), "attr:posts.meta", { a: 1 }, { mode: "update" }],
    ]);
    expect(dataSteps(db, [["create", "posts", P(1), { title: "t" }]])).toEqual([
      ["add-triple", P(1), "attr:posts.id", P(1), { mode: "create" }],
      ["add-triple", P(1), "attr:posts.title", "t", { mode: "create" }],
    ]);
  });
});

describe("entity positions", () => {
  it("a uuid, [label, value], lookup__label__json and {label: value} expand alike", () => {
    const db = schemaApp();
    const forms: JsonValue[] = [["email", "a@b.c"], 'lookup__email__"a@b.c"', { email: "a@b.c" }];
    const expanded = forms.map((e) => dataSteps(db, [["update", "users", e, { name: "Ada" }]]));
    expect(expanded[0]).toEqual([
      ["add-triple", ["attr:users.email", "a@b.c"], "attr:users.id", ["attr:users.email", "a@b.c"]],
      ["add-triple", ["attr:users.email", "a@b.c"], "attr:users.name", "Ada"],
    ]);
    expect(expanded[1]).toEqual(expanded[0]);
    expect(expanded[2]).toEqual(expanded[0]);
  });

  it("a lookup__ value is JSON and may contain the separator", () => {
    const db = schemaApp();
    expect(dataSteps(db, [["delete", "users", 'lookup__email__"a__b"', null]])).toEqual([["delete-entity", ["attr:users.email", "a__b"], "users"]]);
    // delete plans a missing lookup attr (unique, indexed) like the data ops do.
    expect(dataSteps(db, [["delete", "posts", "lookup__code__5"]])).toEqual([["delete-entity", ["attr:posts.code", 5], "posts"]]);
  });

  it("link targets: one, an array, or an object whose every entry is a lookup", () => {
    const db = schemaApp();
    expect(dataSteps(db, [["link", "posts", P(1), { tags: { slug: "a", id: uid("tag1") } }]])).toEqual([
      ["add-triple", P(1), "attr:posts.tags", ["attr:tags.slug", "a"]],
      ["add-triple", P(1), "attr:posts.tags", ["attr:tags.id", uid("tag1")]],
    ]);
  });

  it("a lookup source asserts its id triple first, also for unlink", () => {
    const db = schemaApp();
    expect(dataSteps(db, [["unlink", "users", ["email", "a@b.c"], { posts: P(1) }]])).toEqual([
      ["add-triple", ["attr:users.email", "a@b.c"], "attr:users.id", ["attr:users.email", "a@b.c"]],
      ["retract-triple", P(1), "attr:posts.author", ["attr:users.email", "a@b.c"]],
    ]);
  });
});

describe("attrs created on the fly", () => {
  it("come first, with the client's defaults, ids drawn from newId", () => {
    const db = openDb();
    const steps = adminWire(db, [["link", "posts", P(1), { tags: ["lookup__slug__\"x\""], author: U(1) }]]);
    expect(steps.slice(0, 5)).toEqual([
      ["add-attr", expect.objectContaining({ id: idSource()(), "forward-identity": [expect.any(String), "posts", "tags"], "reverse-identity": [expect.any(String), "tags", "posts"], "value-type": "ref", cardinality: "one", "unique?": true, "index?": true })],
      ["add-attr", expect.objectContaining({ "forward-identity": [expect.any(String), "tags", "slug"], "value-type": "blob", "unique?": true, "index?": true })],
      ["add-attr", expect.objectContaining({ "forward-identity": [expect.any(String), "posts", "id"], "unique?": true, "index?": false })],
      ["add-attr", expect.objectContaining({ "forward-identity": [expect.any(String), "posts", "author"], cardinality: "many", "unique?": false, "index?": false })],
      expect.arrayContaining(["add-triple"]),
    ]);
  });

  it("none for ruleParams (unlike the browser client): its lookup must already exist", () => {
    const db = openDb();
    const err = fails(() => adminWire(db, [["ruleParams", "users", ["email", "a@b.c"], { k: 1 }]]));
    expect(err.message).toBe("Validation failed for lookup: email is not a unique attribute on users");
    expect(err.hint).toEqual({ "data-type": "lookup", input: ["email", "a@b.c"], errors: [{ message: "email is not a unique attribute on users" }] });
    expect(dataSteps(schemaApp(), [["ruleParams", "users", ["email", "a@b.c"], { k: 1, id: "dropped" }]])).toEqual([
      ["rule-params", ["attr:users.email", "a@b.c"], "users", { k: 1 }],
    ]);
  });

  it("with throw-on-missing-attrs? any planned attr is an error listing them", () => {
    const db = schemaApp();
    const steps: JsonValue[] = [["update", "users", U(1), { name: "x", age: 3 }], ["link", "posts", P(1), { editors: U(1) }]];
    const err = fails(() => adminWire(db, steps, true));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe("Validation failed for steps: Attributes are missing in your schema");
    expect(err.hint).toEqual({
      "data-type": "steps",
      input: steps,
      errors: [{ message: "Attributes are missing in your schema", hint: { attributes: ["users.age", "posts.editors"] } }],
    });
    expect(adminWire(db, [["update", "users", U(1), { name: "x" }]], true)).toHaveLength(2);
  });
});

describe("errors in Instant's shapes", () => {
  const db = schemaApp();

  it("an entity position that is no id", () => {
    const steps: JsonValue[] = [["update", "users", U(1), {}], ["update", "users", "not-a-uuid", { name: "x" }]];
    const err = fails(() => adminWire(db, steps));
    expect(err.message).toBe("Validation failed for steps: Invalid entity ID 'not-a-uuid'. Entity IDs must be UUIDs or lookup references.");
    expect(err.hint).toEqual({
      "data-type": "steps",
      input: steps,
      errors: [{ message: "Invalid entity ID 'not-a-uuid'. Entity IDs must be UUIDs or lookup references.", in: [1, 2] }],
    });
    expect(fails(() => adminWire(db, [["delete", "users", 5]])).message).toContain("Invalid entity ID '5'.");
  });

  it("other shape errors: the spec's expected/in, no message", () => {
    const shapes: [JsonValue, (string | number)[]][] = [
      [["frobnicate", "users", U(1), {}], [0, 0]],
      [["update", 7, U(1), {}], [0, 1]],
      [["update", "users", U(1), "x"], [0, 3]],
      [["create", "users", U(1), {}, { upsert: true }], [0, 4]],
      [["update", "users", U(1), {}, "fast"], [0, 4]],
      [["link", "posts", P(1), { tags: 5 }], [0, 3, "tags"]],
      [["delete-attr", "nope"], [0, 1]],
      [["update", "users", ["email", "a", "b"], {}], [0, 2]],
      ["update", [0]],
    ];
    for (const [step, at] of shapes) {
      const err = fails(() => adminWire(db, [step]));
      expect(err.message, JSON.stringify(step)).toBe("Validation failed for steps");
      expect((err.hint?.errors as { in: unknown }[])[0]?.in, JSON.stringify(step)).toEqual(at);
    }
  });

  it("update-attr passes the shape check, then is refused", () => {
    const err = fails(() => adminWire(db, [["update-attr", { id: uid("x") }]]));
    expect(err.message).toBe("Validation failed for action: Unsupported action update-attr");
    expect(err.hint).toEqual({ "data-type": "action", input: "update-attr", errors: [{ message: "Unsupported action update-attr", hint: { value: "update-attr" } }] });
  });

  it("lookup errors", () => {
    const twoKeys = fails(() => adminWire(db, [["update", "users", { email: "a", name: "b" }, {}]]));
    expect(twoKeys.message).toBe("Validation failed for lookup: lookup must be an object with a single unique attr and value.");
    expect(twoKeys.hint?.input).toEqual({ email: "a", name: "b" });
    const badJson = fails(() => adminWire(db, [["update", "users", "lookup__email__{nope", {}]]));
    expect(badJson.hint).toEqual({
      "data-type": "lookup",
      input: "lookup__email__{nope",
      errors: [{ message: "lookup value is invalid", hint: { attribute: "email", value: "{nope" } }],
    });
    expect(fails(() => adminWire(db, [["update", "profiles", ["user.email", "x"], {}]])).message).toBe(
      "Validation failed for lookup: user.email is not a valid lookup attribute.",
    );
    expect(fails(() => adminWire(db, [["update", "users", ["name", "x"], {}]])).message).toBe(
      "Validation failed for lookup: name is not a unique attribute on users",
    );
    // Instant's ref lookups go through forward link names only.
    expect(fails(() => adminWire(db, [["update", "users", ["profile.id", uid("p")], {}]])).message).toBe(
      "Validation failed for lookup: profile.id is not a unique attribute on users",
    );
  });

  it("attr ops pass through to the tx parse, which checks them", () => {
    const attr = { id: uid("a1"), "forward-identity": [uid("f1"), "things", "name"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false };
    expect(adminWire(db, [["add-attr", attr], ["delete-attr", uid("a0")]])).toEqual([["add-attr", attr], ["delete-attr", uid("a0")]]);
    const bad = fails(() => expandAdminSteps({ attrs: db.attrs, newId: idSource() }, input([["add-attr", { id: uid("a1") }]])));
    expect(bad.message).toMatch(/^Validation failed for tx-steps/);
  });

  it("too many steps", () => {
    const steps: JsonValue[] = Array.from({ length: MAX_TX_STEPS + 1 }, () => ["delete", "users", U(1)]);
    expect(fails(() => adminWire(db, steps)).message).toContain(`the limit is ${MAX_TX_STEPS}`);
  });
});

describe("the request body", () => {
  it("needs `steps` as an array; `throw-on-missing-attrs?` is truthy unless null/false", () => {
    expect(fails(() => adminTxInput({})).toBody()).toEqual({ type: "param-missing", message: 'Missing parameter: ["body","steps"]', hint: { in: ["body", "steps"] } });
    expect(fails(() => adminTxInput({ steps: "x" })).type).toBe("param-malformed");
    expect(adminTxInput({ steps: [] })).toEqual({ steps: [], throwOnMissingAttrs: false });
    expect(adminTxInput({ steps: [], "throw-on-missing-attrs?": true }).throwOnMissingAttrs).toBe(true);
    expect(adminTxInput({ steps: [], "throw-on-missing-attrs?": 0 }).throwOnMissingAttrs).toBe(true);
    expect(adminTxInput({ steps: [], "throw-on-missing-attrs?": null }).throwOnMissingAttrs).toBe(false);
  });
});
