import { describe, expect, it } from "vitest";
import { addAttr, blob, E, instantError, link, setup } from "./tx.fixtures";

const userId = blob(1, "users", "id");
const email = blob(2, "users", "email", { unique: true, indexed: true });
const profile = link(3, "users", "profile", "profiles", "user", { cardinality: "one", unique: true });
const comments = link(4, "posts", "comments", "comments", "post", { cardinality: "many", unique: true });
const schema = [userId, email, profile, comments].map(addAttr);

describe("unique attrs", () => {
  it("refuse a value another entity holds, with Instant's message and hint", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), email.id, "a@b.c"]]);
    const err = instantError(() => f.run([["add-triple", E(2), email.id, "a@b.c"]]));
    expect(err.type).toBe("record-not-unique");
    expect(err.message).toBe('`email` is a unique attribute on `users` and an entity already exists with `users.email` = "a@b.c"');
    expect(err.hint).toEqual({ "record-type": "triple", "attr-id": email.id, etype: "users", label: "email", value: '"a@b.c"' });
  });

  it("let the holder re-set its own value and exempt nulls", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), email.id, "a@b.c"]]);
    f.run([["add-triple", E(1), email.id, "a@b.c"]]);
    f.run([["add-triple", E(2), email.id, null], ["add-triple", E(3), email.id, null]]);
    expect(f.value(E(3), email.id)).toEqual([null]);
  });

  it("free a value once its holder moves to another", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), email.id, "a@b.c"]]);
    f.run([["add-triple", E(1), email.id, "new@b.c"], ["add-triple", E(2), email.id, "a@b.c"]]);
    expect(f.value(E(2), email.id)).toEqual(["a@b.c"]);
  });

  it("compare values with their type: 1 and '1' differ", () => {
    const f = setup();
    const code = blob(9, "things", "code", { unique: true });
    f.run([addAttr(code)]);
    f.run([["add-triple", E(1), code.id, 1], ["add-triple", E(2), code.id, "1"]]);
    expect(f.count()).toBe(2);
  });

  it("apply to unique links: a linked target cannot be linked from another source", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), profile.id, E(10)]]);
    const err = instantError(() => f.run([["add-triple", E(2), profile.id, E(10)]]));
    expect(err.type).toBe("record-not-unique");
    expect(err.hint).toMatchObject({ "record-type": "triple", etype: "users", label: "profile" });
    expect(f.value(E(1), profile.id)).toEqual([E(10)]);
  });

  it("apply to unique cardinality-many links (has-many with reverse has-one)", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), comments.id, E(10)], ["add-triple", E(1), comments.id, E(11)], ["add-triple", E(1), comments.id, E(10)]]);
    expect(instantError(() => f.run([["add-triple", E(2), comments.id, E(11)]])).type).toBe("record-not-unique");
  });
});
