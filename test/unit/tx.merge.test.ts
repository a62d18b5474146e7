import { describe, expect, it } from "vitest";
import { deepMerge } from "../../src/tx";
import { addAttr, blob, E, instantError, link, setup } from "./tx.fixtures";

const meta = blob(1, "todos", "meta");
const tags = link(2, "todos", "tags", "tags", "todos");
const typed = blob(3, "todos", "typed", { checkedDataType: "string" });

describe("deepMerge", () => {
  it.each([
    ["no old value: the patch", undefined, { a: 1, b: null }, { a: 1, b: null }],
    ["scalar old: the patch replaces", 5, { a: 1 }, { a: 1 }],
    ["scalar patch replaces an object", { a: 1 }, "x", "x"],
    ["array patch replaces", { a: 1 }, [1, 2], [1, 2]],
    ["null patch replaces", { a: 1 }, null, null],
    ["keys merge", { a: 1, b: 2 }, { b: 3, c: 4 }, { a: 1, b: 3, c: 4 }],
    ["null deletes a key", { a: 1, b: 2 }, { b: null }, { a: 1 }],
    ["objects recurse", { a: { x: 1, y: { z: 1 } } }, { a: { y: { w: 2 }, x: null } }, { a: { y: { z: 1, w: 2 } } }],
    ["object over a scalar key is kept whole", { a: 1 }, { a: { b: null } }, { a: { b: null } }],
    ["arrays are not merged", { a: [1, 2] }, { a: [3] }, { a: [3] }],
  ] as const)("%s", (_name, old, patch, expected) => {
    expect(deepMerge(old as never, patch as never)).toEqual(expected);
  });
});

describe("deep-merge-triple", () => {
  it("merges into the stored value and keeps created_at", () => {
    const f = setup();
    f.run([addAttr(meta)]);
    f.run([["deep-merge-triple", E(1), meta.id, { a: 1, n: { x: 1 } }]]);
    const first = f.now();
    f.tick(1000);
    const res = f.run([["deep-merge-triple", E(1), meta.id, { a: null, n: { y: 2 } }]]);
    expect(res.changes.etypes).toEqual(new Set(["todos"]));
    expect(f.triples(E(1))).toEqual([[E(1), meta.id, { n: { x: 1, y: 2 } }, first]]);
  });

  it("applies several merges on one (entity, attr) in order", () => {
    const f = setup();
    f.run([addAttr(meta)]);
    f.run([
      ["deep-merge-triple", E(1), meta.id, { a: 1 }],
      ["deep-merge-triple", E(1), meta.id, { a: 2, b: 1 }],
      ["deep-merge-triple", E(1), meta.id, { b: null }],
    ]);
    expect(f.value(E(1), meta.id)).toEqual([{ a: 2 }]);
  });

  it("is refused on links", () => {
    const f = setup();
    f.run([addAttr(tags)]);
    const err = instantError(() => f.run([["deep-merge-triple", E(1), tags.id, { a: 1 }]]));
    expect(err.type).toBe("sql-raise");
    expect(err.message).toBe("Raised Exception: merge operation is not supported for links");
  });

  it("checks the merged value's data type", () => {
    const f = setup();
    f.run([addAttr(typed)]);
    expect(instantError(() => f.run([["deep-merge-triple", E(1), typed.id, { a: 1 }]])).message).toContain(
      "Value must be a string but the provided value type is object",
    );
  });
});
