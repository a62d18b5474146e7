import { describe, expect, it } from "vitest";
import { addAttr, blob, E, instantError, link, setup, uid } from "./tx.fixtures";

const userId = blob(1, "users", "id");
const email = blob(2, "users", "email", { unique: true, indexed: true });
const name = blob(3, "users", "name");
const handle = blob(4, "users", "handle", { unique: true });
const postId = blob(5, "posts", "id");
const author = link(6, "posts", "author", "users", "posts", { cardinality: "one" });
const schema = [userId, email, name, handle, postId, author].map(addAttr);

describe("entity lookups", () => {
  it("address the existing entity holding the value", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), userId.id, E(1)], ["add-triple", E(1), email.id, "a@b.c"]]);
    f.run([["add-triple", [email.id, "a@b.c"], name.id, "Ada"]]);
    expect(f.value(E(1), name.id)).toEqual(["Ada"]);
  });

  it("create a missing entity with a fresh id and the lookup triple (upsert by unique key)", () => {
    const f = setup();
    f.run(schema);
    const L = [email.id, "new@b.c"];
    f.run([["add-triple", L, userId.id, L], ["add-triple", L, name.id, "Bo"]]);
    const e = f.sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ?`, email.id)[0]?.e ?? "";
    expect(e).toBe(uid(1, "f")); // the env's first fresh id
    expect(f.triples(e).map((t) => t.slice(1, 3))).toEqual([
      [userId.id, e],
      [email.id, "new@b.c"],
      [name.id, "Bo"],
    ]);
  });

  it("on an id attr create the entity with the looked-up id", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", [userId.id, E(5)], name.id, "Cy"]]);
    expect(f.triples(E(5)).map((t) => t[2])).toEqual([E(5), "Cy"]);
  });

  it("keep addressing the same entity after a step changed the looked-up value", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), userId.id, E(1)], ["add-triple", E(1), handle.id, "me"]]);
    const L = [handle.id, "me"];
    f.run([["add-triple", L, userId.id, L], ["add-triple", L, handle.id, "mee"], ["add-triple", L, name.id, "Me"]]);
    expect(f.value(E(1), handle.id)).toEqual(["mee"]);
    expect(f.value(E(1), name.id)).toEqual(["Me"]);
    expect(f.sql.all(`SELECT DISTINCT e FROM triples`)).toHaveLength(1);
  });

  it("must use a unique attr", () => {
    const f = setup({ isAdmin: true });
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", [name.id, "Ada"], name.id, "x"]]));
    expect(err.type).toBe("sql-raise");
    expect(err.message).toBe("Raised Exception: attribute is not unique");
  });

  it("on an id attr need a uuid value", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", [userId.id, "nope"], name.id, "x"]]));
    expect(err.hint?.["data-type"]).toBe("tx-steps");
    expect(err.message).toContain(`The lookup attribute is 'users.id', but the lookup value is not a valid UUID.`);
  });

  it("must come from the step attr's namespace (non-admin)", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", [email.id, "a@b.c"], postId.id, ["x"]]]));
    expect(err.message).toBe(
      "Validation failed for tx-step: Invalid transaction. The namespace in the lookup attribute is different from the namespace of the attribute that is being set",
    );
  });

  it("that resolve nothing make retract and delete no-ops", () => {
    const f = setup();
    f.run(schema);
    const res = f.run([
      ["retract-triple", [email.id, "ghost@b.c"], name.id, "x"],
      ["delete-entity", [email.id, "ghost@b.c"], "users"],
    ]);
    expect(res.changes.etypes.size).toBe(0);
    expect(f.count()).toBe(0);
  });
});

describe("value lookups", () => {
  it("resolve link targets, including entities created by lookups earlier in the tx", () => {
    const f = setup();
    f.run(schema);
    const L = [email.id, "a@b.c"];
    f.run([
      ["add-triple", L, userId.id, L],
      ["add-triple", E(7), postId.id, E(7)],
      ["add-triple", E(7), author.id, L],
    ]);
    const [user] = f.sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ?`, email.id);
    expect(f.value(E(7), author.id)).toEqual([user?.e]);
  });

  it("fail when the target does not exist", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", E(7), author.id, [email.id, "nobody@b.c"]]]));
    expect(err.message).toBe("Validation failed for lookup: The entity for the lookup does not exist.");
    expect(err.hint).toMatchObject({
      "data-type": "lookup",
      input: { "attribute-id": email.id, namespace: "users", label: "email", value: "nobody@b.c" },
    });
  });

  it("are plain values for blob attrs", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), name.id, [email.id, "x"]]]);
    expect(f.value(E(1), name.id)).toEqual([[email.id, "x"]]);
  });

  it("resolve in retract-triple", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), userId.id, E(1)], ["add-triple", E(1), email.id, "a@b.c"], ["add-triple", E(7), author.id, E(1)]]);
    f.run([["retract-triple", E(7), author.id, [email.id, "a@b.c"]]]);
    expect(f.value(E(7), author.id)).toEqual([]);
  });
});
