import { describe, expect, it } from "vitest";
import { attrToWire } from "../../src/protocol/attr-wire";
import { MAX_TX_STEPS } from "../../src/protocol/limits";
import { parseTxSteps } from "../../src/tx";
import { blob, E, instantError, link, uid } from "./tx.fixtures";

const A = uid(1);
const title = blob(2, "todos", "title");

describe("parseTxSteps", () => {
  it("parses every step kind into domain steps", () => {
    const steps = parseTxSteps([
      ["add-attr", { ...attrToWire(title), isUnsynced: true }],
      ["update-attr", { id: A, "unique?": true }],
      ["delete-attr", A],
      ["add-triple", E(1), A, "x"],
      ["add-triple", E(1), A, "x", { mode: "create" }],
      ["deep-merge-triple", [A, "k"], A, { a: 1 }, { mode: "update" }],
      ["retract-triple", E(1), A, [A, "v"]],
      ["delete-entity", E(1), "todos"],
      ["delete-entity", E(1)],
      ["rule-params", E(1), "todos", { k: 1 }],
    ]);
    expect(steps.map((s) => s.kind)).toEqual([
      "add-attr",
      "update-attr",
      "delete-attr",
      "add-triple",
      "add-triple",
      "deep-merge-triple",
      "retract-triple",
      "delete-entity",
      "delete-entity",
      "rule-params",
    ]);
    expect(steps[0]).toEqual({ kind: "add-attr", attr: title });
    expect(steps[1]).toMatchObject({ kind: "update-attr", patch: { id: A, unique: true } });
    expect(steps[4]).toMatchObject({ mode: "create", entity: { kind: "id", id: E(1) }, value: "x", valueLookup: null });
    expect(steps[5]).toMatchObject({ entity: { kind: "lookup", lookup: { attrId: A, value: "k" } }, patch: { a: 1 }, mode: "update" });
    expect(steps[6]).toMatchObject({ valueLookup: { attrId: A, value: "v" } });
    expect(steps[8]).toMatchObject({ kind: "delete-entity", etype: null });
    expect(steps[9]).toMatchObject({ kind: "rule-params", etype: "todos", params: { k: 1 } });
  });

  it("drops unknown attr keys and keeps link identities", () => {
    const owner = link(3, "todos", "owner", "$users", "todos", { cardinality: "one" });
    const [step] = parseTxSteps([["add-attr", { ...attrToWire(owner), isUnsynced: true, "inferred-types": ["string"] }]]);
    expect(step).toEqual({ kind: "add-attr", attr: owner });
  });

  it("treats an explicit upsert mode and a null opts like no mode", () => {
    const steps = parseTxSteps([
      ["add-triple", E(1), A, 1, { mode: "upsert" }],
      ["add-triple", E(1), A, 1, null],
    ]);
    expect(steps.map((s) => ("mode" in s ? s.mode : "n/a"))).toEqual(["upsert", null]);
  });

  it("rejects a non-uuid entity id with Instant's message", () => {
    const err = instantError(() => parseTxSteps([["add-triple", "not-a-uuid", A, 1]]));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe(
      "Validation failed for tx-steps: Invalid entity ID 'not-a-uuid'. Entity IDs must be UUIDs. Use id() or lookup() to generate a valid UUID.",
    );
    expect(err.hint).toMatchObject({ "data-type": "tx-steps", errors: [{ in: [0, 1] }] });
  });

  it("checks entity ids of every step before other shape errors", () => {
    const err = instantError(() => parseTxSteps([["bogus"], ["delete-entity", 42, "todos"]]));
    expect(err.message).toContain("Invalid entity ID '42'");
  });

  it.each([
    ["not an array", { a: 1 }],
    ["a step that is not an array", ["add-triple"]],
    ["an unknown kind", [["add-tripple", E(1), A, 1]]],
    ["a non-uuid attr id", [["add-triple", E(1), "title", 1]]],
    ["a malformed lookup", [["add-triple", [A], A, 1]]],
    ["an unknown mode", [["add-triple", E(1), A, 1, { mode: "replace" }]]],
    ["too many arguments", [["retract-triple", E(1), A, 1, { mode: "create" }]]],
    ["a malformed attr", [["add-attr", { id: A, "value-type": "blob" }]]],
    ["a ref attr without reverse identity", [["add-attr", { ...attrToWire(title), "value-type": "ref" }]]],
    ["non-object rule params", [["rule-params", E(1), "todos", 3]]],
  ])("rejects %s as validation-failed tx-steps", (_name, raw) => {
    const err = instantError(() => parseTxSteps(raw));
    expect(err.type).toBe("validation-failed");
    expect(err.hint?.["data-type"]).toBe("tx-steps");
  });

  it("refuses more steps than the limit", () => {
    const raw = Array.from({ length: MAX_TX_STEPS + 1 }, () => ["delete-attr", A]);
    expect(instantError(() => parseTxSteps(raw)).message).toContain(`limit is ${MAX_TX_STEPS}`);
  });

  it("keeps a lookup-shaped value of a blob step as-is beside its lookup reading", () => {
    const [step] = parseTxSteps([["add-triple", E(1), A, [A, "x"]]]);
    expect(step).toMatchObject({ value: [A, "x"], valueLookup: { attrId: A, value: "x" } });
  });
});
