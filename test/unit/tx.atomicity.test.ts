import { describe, expect, it } from "vitest";
import { lastTxId } from "../../src/store/tx-log";
import { addAttr, blob, E, instantError, setup, uid } from "./tx.fixtures";

const todoId = blob(1, "todos", "id");
const email = blob(2, "todos", "email", { unique: true });
const title = blob(3, "todos", "title", { required: true });

describe("atomicity", () => {
  it("a unique violation rolls back every earlier step, attrs included", () => {
    const f = setup();
    f.run([addAttr(todoId), addAttr(email), ["add-triple", E(1), email.id, "taken@x"]]);
    const attrsBefore = f.attrs.all();
    const triplesBefore = f.triples();
    const txBefore = lastTxId(f.sql);
    const newAttr = blob(9, "todos", "notes");
    const err = instantError(() =>
      f.run([
        addAttr(newAttr),
        ["add-triple", E(2), todoId.id, E(2)],
        ["add-triple", E(2), newAttr.id, "n"],
        ["delete-entity", E(1), "todos"],
        ["add-triple", E(3), email.id, "taken@x"],
      ]),
    );
    expect(err.type).toBe("record-not-unique");
    expect(f.triples()).toEqual(triplesBefore);
    expect(f.attrs.all()).toEqual(attrsBefore);
    expect(f.attrs.get(newAttr.id)).toBeUndefined();
    expect(f.sql.all(`SELECT id FROM attrs WHERE id = ?`, newAttr.id)).toEqual([]);
    expect(lastTxId(f.sql)).toBe(txBefore);
  });

  it("tx-ids are positive and strictly increase, also across failed transactions", () => {
    const f = setup();
    const ids = [f.run([addAttr(todoId)]).txId];
    expect(() => f.run([["add-triple", E(1), uid(99), 1]])).toThrow();
    ids.push(f.run([["add-triple", E(1), todoId.id, E(1)]]).txId);
    ids.push(f.run([]).txId);
    expect(ids[0]).toBeGreaterThan(0);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);
    expect(lastTxId(f.sql)).toBe(ids.at(-1));
  });

  it("re-sending the client's steps (§5.2 example) succeeds twice with the same result", () => {
    const f = setup();
    const [A1, A2, A3, T] = [uid(1), uid(2), uid(3), E(1)];
    const attr = (id: string, ident: string, label: string, unique: boolean) => [
      "add-attr",
      { id, "forward-identity": [ident, "todos", label], "value-type": "blob", cardinality: "one", "unique?": unique, "index?": false, isUnsynced: true },
    ];
    const steps = [
      attr(A1, uid(11, "b"), "id", true),
      attr(A2, uid(12, "b"), "title", false),
      attr(A3, uid(13, "b"), "done", false),
      ["add-triple", T, A1, T],
      ["add-triple", T, A2, "Buy milk"],
      ["add-triple", T, A3, false],
    ];
    const first = f.run(steps);
    const after = f.triples();
    f.tick(1000);
    const second = f.run(steps);
    expect(second.txId).toBeGreaterThan(first.txId);
    expect(first.changes.attrsChanged).toBe(true);
    expect(second.changes).toEqual({ etypes: new Set(), attrIds: new Set(), entities: new Map(), attrsChanged: false });
    expect(f.triples()).toEqual(after);
  });
});

describe("required attrs (post-validation)", () => {
  it("fail a transaction that leaves a touched entity without them", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title)]);
    const err = instantError(() => f.run([["add-triple", E(1), todoId.id, E(1)]]));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe(`Missing required attribute \`todos/title\`: ${E(1)}`);
    expect(f.count()).toBe(0);
  });

  it("list every entity missing the same attr", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title)]);
    const err = instantError(() => f.run([["add-triple", E(1), todoId.id, E(1)], ["add-triple", E(2), todoId.id, E(2)]]));
    expect(err.message).toBe(`Missing required attributes \`todos/title\`: ${E(1)}, ${E(2)}`);
  });

  it("treat null as missing, and check the id attr of etypes with required attrs", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title)]);
    expect(instantError(() => f.run([["add-triple", E(1), todoId.id, E(1)], ["add-triple", E(1), title.id, null]])).message).toContain(
      "todos/title",
    );
    expect(instantError(() => f.run([["add-triple", E(1), title.id, "t"]])).message).toBe(`Missing required attribute \`todos/id\`: ${E(1)}`);
  });

  it("pass when set, and do not apply to deleted entities", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title)]);
    f.run([["add-triple", E(1), todoId.id, E(1)], ["add-triple", E(1), title.id, "t"]]);
    f.run([["delete-entity", E(1), "todos"]]);
    expect(f.count()).toBe(0);
  });

  it("fail when a required value is retracted from a surviving entity", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title)]);
    f.run([["add-triple", E(1), todoId.id, E(1)], ["add-triple", E(1), title.id, "t"]]);
    expect(instantError(() => f.run([["retract-triple", E(1), title.id, "t"]])).message).toContain("todos/title");
    expect(f.value(E(1), title.id)).toEqual(["t"]);
  });
});
