import { describe, expect, it } from "vitest";
import { validateExtraFields } from "../../src/auth/extra-fields";
import { authSetup, instantError, uid } from "./auth.fixtures";

describe("extra-fields", () => {
  it("accepts custom $users attrs and nothing (null / absent)", () => {
    const { attrs, userAttr } = authSetup();
    userAttr(1, "nickname");
    userAttr(2, "age");
    expect(validateExtraFields(attrs, { nickname: "ada", age: 36 })).toEqual({ nickname: "ada", age: 36 });
    expect(validateExtraFields(attrs, undefined)).toEqual({});
    expect(validateExtraFields(attrs, null)).toEqual({});
    expect(validateExtraFields(attrs, {})).toEqual({});
  });

  it("rejects a key that is not a $users attr with Instant's message", () => {
    const { attrs, userAttr } = authSetup();
    userAttr(1, "nickname");
    const input = { nickname: "ada", color: "red" };
    const err = instantError(() => validateExtraFields(attrs, input));
    expect(err.toBody()).toEqual({
      type: "validation-failed",
      message: "Validation failed for extra-fields: Unknown field: color. It must be defined in your $users schema.",
      hint: {
        "data-type": "extra-fields",
        input,
        errors: [{ message: "Unknown field: color. It must be defined in your $users schema." }],
      },
    });
  });

  it("rejects system fields with Instant's message", () => {
    const { attrs } = authSetup();
    for (const label of ["id", "email", "type", "imageURL", "linkedPrimaryUser"]) {
      const err = instantError(() => validateExtraFields(attrs, { [label]: "x" }));
      expect(err.message).toBe(`Validation failed for extra-fields: Cannot set system field: ${label}`);
      expect(err.hint?.["data-type"]).toBe("extra-fields");
    }
  });

  it("knows only forward names of $users (not reverse link names, not other etypes)", () => {
    const { attrs, userAttr } = authSetup();
    userAttr(1, "title");
    attrs.put({
      ...attrs.get(uid(1, "b"))!,
      id: uid(2, "b"),
      forward: { id: uid(2, "c"), etype: "posts", label: "author" },
      reverse: { id: uid(3, "c"), etype: "$users", label: "posts" },
      valueType: "ref",
    });
    expect(instantError(() => validateExtraFields(attrs, { posts: [] })).message).toContain("Unknown field: posts.");
    expect(instantError(() => validateExtraFields(attrs, { linkedGuestUsers: [] })).message).toContain("Unknown field: linkedGuestUsers.");
    expect(instantError(() => validateExtraFields(attrs, { author: "x" })).message).toContain("Unknown field: author.");
  });

  it("reports the first bad key in order", () => {
    const { attrs } = authSetup();
    expect(instantError(() => validateExtraFields(attrs, { a: 1, email: "x" })).message).toContain("Unknown field: a.");
    expect(instantError(() => validateExtraFields(attrs, { email: "x", a: 1 })).message).toContain("Cannot set system field: email");
  });

  it("rejects a value that is not an object", () => {
    const { attrs } = authSetup();
    for (const bad of ["x", 3, [["nickname", "ada"]], true]) {
      expect(instantError(() => validateExtraFields(attrs, bad)).type).toBe("validation-failed");
    }
  });
});
