/**
 * The invalidation index's match (src/invalidate/affects.ts) on hand-built deps and
 * change sets, and the ReadCollector / persisted-deps forms it relies on.
 */
import { describe, expect, it } from "vitest";
import { depsAffected } from "../../src/invalidate/affects";
import { MAX_PINNED_ENTITIES, ReadCollector, type ReadDeps, parseStoredDeps } from "../../src/query/read-deps";
import type { ChangeSet } from "../../src/model/change-set";

/** A change set writing `writes` (attr id → entity ids; null = entities unknown). */
function changes(writes: Record<string, string[] | null>, o: { etypes?: string[]; attrsChanged?: boolean } = {}): ChangeSet {
  const entities = new Map<string, ReadonlySet<string>>();
  for (const [a, es] of Object.entries(writes)) if (es) entities.set(a, new Set(es));
  return { etypes: new Set(o.etypes ?? []), attrIds: new Set(Object.keys(writes)), entities, attrsChanged: o.attrsChanged ?? false };
}

const deps = (attrIds: string[], pins: { attrIds: string[]; entities: string[] }[] = []): ReadDeps => ({ etypes: ["todos"], attrIds, pins });

describe("depsAffected", () => {
  it("matches an attr read on any entity, whatever entity was written", () => {
    expect(depsAffected(deps(["title"]), changes({ title: ["t9"] }))).toBe(true);
  });

  it("ignores writes to attrs the query did not read, even on the same etype", () => {
    expect(depsAffected(deps(["title"]), changes({ done: ["t1"] }, { etypes: ["todos"] }))).toBe(false);
  });

  it("matches a pinned attr only when a pinned entity was written", () => {
    const d = deps([], [{ attrIds: ["title", "done"], entities: ["t1", "t2"] }]);
    expect(depsAffected(d, changes({ title: ["t3"] }))).toBe(false);
    expect(depsAffected(d, changes({ title: ["t3", "t2"] }))).toBe(true);
    expect(depsAffected(d, changes({ done: ["t1"] }))).toBe(true);
    // Another attr written on a pinned entity: not read.
    expect(depsAffected(d, changes({ owner: ["t1"] }))).toBe(false);
  });

  it("checks every pin naming the attr", () => {
    const d = deps([], [
      { attrIds: ["title"], entities: ["t1"] },
      { attrIds: ["title"], entities: ["t7"] },
    ]);
    expect(depsAffected(d, changes({ title: ["t7"] }))).toBe(true);
    expect(depsAffected(d, changes({ title: ["t8"] }))).toBe(false);
  });

  it("matches a pinned attr written on unrecorded entities (delete-attr)", () => {
    const d = deps([], [{ attrIds: ["title"], entities: ["t1"] }]);
    expect(depsAffected(d, changes({ title: null }))).toBe(true);
  });

  it("matches everything when the attr list changed", () => {
    expect(depsAffected(deps([]), changes({}, { attrsChanged: true }))).toBe(true);
  });

  it("matches rows persisted before attr tracking by etype", () => {
    const legacy = parseStoredDeps(JSON.stringify(["todos"]));
    expect(legacy).toEqual({ etypes: ["todos"] });
    expect(depsAffected(legacy, changes({ anything: ["x"] }, { etypes: ["todos"] }))).toBe(true);
    expect(depsAffected(legacy, changes({ anything: ["x"] }, { etypes: ["users"] }))).toBe(false);
  });

  it("reads persisted ReadDeps back unchanged", () => {
    const d = deps(["a"], [{ attrIds: ["b"], entities: ["e"] }]);
    expect(parseStoredDeps(JSON.stringify(d))).toEqual(d);
  });
});

describe("ReadCollector", () => {
  it("drops pins of attrs also read on any entity, sorts and dedupes", () => {
    const c = new ReadCollector();
    c.onEntities(["title", "id"], ["t2", "t1", "t2"]);
    c.anyEntity(["id"]);
    c.onEntities(["owner"], []);
    expect(c.finish(["todos", "todos"])).toEqual({ etypes: ["todos"], attrIds: ["id"], pins: [{ attrIds: ["title"], entities: ["t1", "t2"] }] });
  });

  it("records attrs as any-entity reads past the pin budget", () => {
    const c = new ReadCollector();
    const many = Array.from({ length: MAX_PINNED_ENTITIES + 1 }, (_, i) => `e${i}`);
    c.onEntities(["title"], many);
    expect(c.finish([])).toEqual({ etypes: [], attrIds: ["title"], pins: [] });
  });
});
