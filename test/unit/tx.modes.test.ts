import { describe, expect, it } from "vitest";
import { addAttr, blob, E, instantError, setup } from "./tx.fixtures";

const todoId = blob(1, "todos", "id");
const title = blob(2, "todos", "title");
const meta = blob(3, "todos", "meta");
const slug = blob(4, "todos", "slug", { unique: true });
const noteId = blob(5, "notes", "id");
const schema = [todoId, title, meta, slug, noteId].map(addAttr);

const create = (e: unknown, a: string, v: unknown) => ["add-triple", e, a, v, { mode: "create" }];
const update = (e: unknown, a: string, v: unknown) => ["add-triple", e, a, v, { mode: "update" }];

describe("mode create", () => {
  it("passes for a new entity, with every step of the create", () => {
    const f = setup();
    f.run(schema);
    f.run([create(E(1), todoId.id, E(1)), create(E(1), title.id, "t")]);
    expect(f.value(E(1), title.id)).toEqual(["t"]);
  });

  it("fails over an existing entity, one entry per offending step, and writes nothing", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), todoId.id, E(1)]]);
    const err = instantError(() => f.run([create(E(2), todoId.id, E(2)), create(E(1), todoId.id, E(1)), create(E(1), title.id, "t")]));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe(`Validation failed for tx-step: Creating entities that exist: ${E(1)}, ${E(1)}`);
    expect(err.hint?.["data-type"]).toBe("tx-step");
    expect(f.triples(E(2))).toEqual([]);
  });

  it("only looks at the attr's own etype", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), noteId.id, E(1)]]);
    f.run([create(E(1), todoId.id, E(1))]);
    expect(f.value(E(1), todoId.id)).toEqual([E(1)]);
  });

  it("fails for an existing lookup entity", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), slug.id, "s"]]);
    const err = instantError(() => f.run([create([slug.id, "s"], title.id, "t")]));
    expect(err.message).toBe(`Validation failed for tx-step: Creating entities that exist: ${JSON.stringify([slug.id, "s"])}`);
  });
});

describe("mode update", () => {
  it("passes for an existing entity", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), todoId.id, E(1)]]);
    f.run([update(E(1), todoId.id, E(1)), update(E(1), title.id, "t")]);
    expect(f.value(E(1), title.id)).toEqual(["t"]);
  });

  it("fails for a missing entity", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([update(E(3), title.id, "t")]));
    expect(err.message).toBe(`Validation failed for tx-step: Updating entities that don't exist: ${E(3)}`);
  });

  it("is checked against the state before the transaction", () => {
    const f = setup();
    f.run(schema);
    // The entity is created by an earlier step of the same tx: still "doesn't exist".
    const err = instantError(() => f.run([["add-triple", E(1), todoId.id, E(1)], update(E(1), title.id, "t")]));
    expect(err.message).toContain("Updating entities that don't exist");
    expect(f.count()).toBe(0);
  });

  it("applies to deep-merge-triple", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["deep-merge-triple", E(4), meta.id, { a: 1 }, { mode: "update" }]]));
    expect(err.message).toContain(`Updating entities that don't exist: ${E(4)}`);
  });

  it("for a missing lookup fails instead of creating", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([update([slug.id, "zz"], title.id, "t")]));
    expect(err.message).toContain("Updating entities that don't exist");
    expect(f.count()).toBe(0);
  });
});

describe("no mode and upsert", () => {
  it("write whether or not the entity exists", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), title.id, "a", { mode: "upsert" }], ["add-triple", E(1), title.id, "b"]]);
    expect(f.value(E(1), title.id)).toEqual(["b"]);
  });
});
