/**
 * The rules document: validation when compiled (Instant's save-time errors, plus
 * compile errors naming the rule and the position), bind wrapping in both forms, and
 * which rule applies (`$default` at both levels, the built-in system rules).
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { InstantError } from "../../src/protocol/errors";
import { compileRules, fieldRuleFor, hasFieldRules, linkRuleFor, type Rule, ruleFor, signupRuleFor, USERS_DEFAULT_RULE } from "../../src/permissions/rules";

/** The rule as text: "allow", "deny", or the compiled code. */
const show = (r: Rule | null): string | null => (r === null || typeof r === "string" ? r : r.code);

function refused(doc: JsonValue): InstantError {
  try {
    compileRules(doc);
  } catch (e) {
    if (e instanceof InstantError) return e;
    throw e;
  }
  throw new Error("compiled");
}

const errorsOf = (doc: JsonValue) => refused(doc).hint?.errors;

describe("compileRules: valid documents", () => {
  it("accepts no rules, an empty document and JSON booleans", () => {
    expect(show(ruleFor(compileRules(null), "todos", "view"))).toBe("allow");
    expect(show(ruleFor(compileRules({}), "todos", "delete"))).toBe("allow");
    const rules = compileRules({ todos: { allow: { view: true, create: false, update: "true", delete: " false " } } });
    expect(["view", "create", "update", "delete"].map((a) => show(ruleFor(rules, "todos", a as "view")))).toEqual(["allow", "deny", "allow", "deny"]);
  });

  it("wraps the binds a rule uses, in array form", () => {
    const rules = compileRules({ todos: { bind: ["test", "true", "test2", "false"], allow: { view: "test && test2", update: "true || test" } } });
    expect(show(ruleFor(rules, "todos", "view"))).toBe("cel.bind(test2, false, cel.bind(test, true, test && test2))");
    expect(show(ruleFor(rules, "todos", "update"))).toBe("cel.bind(test, true, true || test)");
  });

  it("wraps binds in object form, dependencies outermost, unused ones left out", () => {
    const rules = compileRules({ todos: { bind: { parent: "true", child: "parent || true", unused: "false" }, allow: { view: "child" } } });
    expect(show(ruleFor(rules, "todos", "view"))).toBe("cel.bind(parent, true, cel.bind(child, parent || true, child))");
  });

  it("takes binds from $default and the namespace, the namespace's winning", () => {
    const rules = compileRules({
      $default: { bind: ["signedIn", "auth.id != null", "owner", "false"] },
      todos: { bind: { owner: "auth.id == data.ownerId" }, allow: { view: "signedIn && owner" } },
    });
    expect(show(ruleFor(rules, "todos", "view"))).toBe(
      "cel.bind(owner, auth.id == data.ownerId, cel.bind(signedIn, auth.id != null, signedIn && owner))",
    );
  });

  it("compiles a $default rule with the binds of the namespace it is used for", () => {
    const rules = compileRules({ $default: { allow: { view: "isOwner" }, bind: ["isOwner", "false"] }, todos: { bind: ["isOwner", "auth.id == data.ownerId"] } });
    expect(show(ruleFor(rules, "todos", "view"))).toBe("cel.bind(isOwner, auth.id == data.ownerId, isOwner)");
    expect(show(ruleFor(rules, "posts", "view"))).toBe("cel.bind(isOwner, false, isOwner)");
  });

  it("keeps compiled programs: the same rule object each time", () => {
    const rules = compileRules({ todos: { allow: { view: "auth.id != null" } } });
    expect(ruleFor(rules, "todos", "view")).toBe(ruleFor(rules, "todos", "view"));
  });
});

describe("ruleFor: resolution order", () => {
  const doc = {
    todos: { allow: { view: "'todos.view' != ''", $default: "'todos.$default' != ''" } },
    notes: { allow: { create: "'notes.create' != ''" } },
    $default: { allow: { update: "'$default.update' != ''", $default: "'$default.$default' != ''" } },
  };
  const rules = compileRules(doc);
  it.each([
    ["todos", "view", "'todos.view' != ''"],
    ["todos", "update", "'todos.$default' != ''"],
    ["todos", "delete", "'todos.$default' != ''"],
    ["notes", "create", "'notes.create' != ''"],
    ["notes", "update", "'$default.update' != ''"],
    ["notes", "view", "'$default.$default' != ''"],
    ["other", "delete", "'$default.$default' != ''"],
  ] as const)("%s.%s → %s", (etype, action, code) => {
    expect(show(ruleFor(rules, etype, action))).toBe(code);
  });

  it("without any rule: allowed", () => {
    expect(ruleFor(compileRules({ todos: { allow: { view: "false" } } }), "todos", "update")).toBe("allow");
  });

  it("an explicit null falls through to the next level", () => {
    expect(show(ruleFor(compileRules({ todos: { allow: { view: null, $default: "false" } } }), "todos", "view"))).toBe("deny");
  });
});

describe("built-in rules of system namespaces", () => {
  const none = compileRules({});
  it("$users: view and update by the user (or its primary user), create open, delete closed", () => {
    expect(show(ruleFor(none, "$users", "view"))).toBe(USERS_DEFAULT_RULE);
    expect(show(ruleFor(none, "$users", "update"))).toBe(USERS_DEFAULT_RULE);
    expect(ruleFor(none, "$users", "create")).toBe("allow");
    expect(ruleFor(none, "$users", "delete")).toBe("deny");
  });

  it("$files and the internal namespaces: closed", () => {
    for (const etype of ["$files", "$streams", "$magicCodes", "$userRefreshTokens"]) {
      for (const action of ["view", "create", "update", "delete"] as const) expect(ruleFor(none, etype, action)).toBe("deny");
    }
  });

  it("any matching rule, $default ones included, replaces the built-in rule", () => {
    expect(ruleFor(compileRules({ $users: { allow: { view: "true" } } }), "$users", "view")).toBe("allow");
    expect(ruleFor(compileRules({ $default: { allow: { $default: "true" } } }), "$files", "view")).toBe("allow");
    expect(ruleFor(compileRules({ $files: { allow: { view: "true" } } }), "$files", "update")).toBe("deny");
  });

  it("other $-names and ordinary namespaces have no built-in rule", () => {
    expect(ruleFor(none, "$custom", "view")).toBe("allow");
  });
});

describe("fields and link rules", () => {
  const rules = compileRules({
    $users: { allow: { view: "true" }, fields: { email: "auth.id == data.id" } },
    posts: { allow: { link: { owner: "auth.id == linkedData.id", $default: "false" }, unlink: { $default: "true" } } },
  });
  it("a field rule applies to its field only", () => {
    expect(show(fieldRuleFor(rules, "$users", "email"))).toBe("auth.id == data.id");
    expect(fieldRuleFor(rules, "$users", "type")).toBe("allow");
    expect(fieldRuleFor(rules, "$users", "id")).toBe("allow");
  });

  it("hasFieldRules tells whether a namespace has any", () => {
    expect(hasFieldRules(rules, "$users")).toBe(true);
    expect(hasFieldRules(rules, "posts")).toBe(false);
  });

  it("link rules by label, then the side's $default; null when the side has none", () => {
    expect(show(linkRuleFor(rules, "posts", "link", "owner"))).toBe("auth.id == linkedData.id");
    expect(linkRuleFor(rules, "posts", "link", "tags")).toBe("deny");
    expect(linkRuleFor(rules, "posts", "unlink", "owner")).toBe("allow");
    expect(linkRuleFor(rules, "$users", "link", "posts")).toBeNull();
  });
});

describe("signupRuleFor", () => {
  it("is $users.allow.create only: no $default, no built-in rule", () => {
    expect(signupRuleFor(compileRules({}))).toBeNull();
    expect(signupRuleFor(compileRules({ $default: { allow: { $default: "false" } } }))).toBeNull();
    expect(show(signupRuleFor(compileRules({ $users: { allow: { create: "data.email.endsWith('@x.com')" } } })))).toBe("data.email.endsWith('@x.com')");
  });
});

describe("compileRules: refused documents", () => {
  it("is validation-failed for `rule` with Instant's hint shape", () => {
    const err = refused({ todos: { allow: { view: "!10" } } });
    expect(err.type).toBe("validation-failed");
    expect(err.hint?.["data-type"]).toBe("rule");
    expect(err.hint?.input).toEqual({ todos: { allow: { view: "!10" } } });
    expect(err.hint?.errors).toEqual([{ message: "todos.allow.view:1:1: no such overload: !int", in: ["todos", "allow", "view"] }]);
    expect(err.message).toBe("Validation failed for rule: todos.allow.view:1:1: no such overload: !int");
  });

  it("names the line and column of a syntax error", () => {
    expect(errorsOf({ todos: { allow: { update: "auth.id == \n  data.ownerId &&" } } })).toEqual([
      { message: "todos.allow.update:2:18: Unexpected token: EOF", in: ["todos", "allow", "update"] },
    ]);
  });

  it("names the bind that holds the error, at its own position", () => {
    expect(errorsOf({ todos: { bind: ["isOwner", "auth.id == data.x +"], allow: { view: "isOwner" } } })).toEqual([
      { message: "todos.bind.isOwner:1:20: Unexpected token: EOF", in: ["todos", "allow", "view"] },
    ]);
    expect(errorsOf({ todos: { bind: ["isOwner", "auth.id == unknownThing"], allow: { view: "true && isOwner" } } })).toEqual([
      { message: "todos.bind.isOwner:1:12: Unknown variable: unknownThing", in: ["todos", "allow", "view"] },
    ]);
  });

  it("refuses variables outside the rule's environment", () => {
    expect(errorsOf({ todos: { allow: { view: "newData.x == 1" } } })).toEqual([
      { message: "todos.allow.view:1:1: Unknown variable: newData", in: ["todos", "allow", "view"] },
    ]);
    expect(errorsOf({ todos: { allow: { update: "linkedData.x == 1" } } })).toEqual([
      { message: "todos.allow.update:1:1: Unknown variable: linkedData", in: ["todos", "allow", "update"] },
    ]);
    expect(errorsOf({ todos: { allow: { view: "request.nope == 1" } } })).toEqual([
      { message: "todos.allow.view:1:9: No such key: nope", in: ["todos", "allow", "view"] },
    ]);
    expect(() => compileRules({ todos: { allow: { update: "newData.x == data.x", link: { owner: "linkedData.id == actions.data" } } } })).not.toThrow();
  });

  it("refuses an auth.ref path that does not start with $user.", () => {
    expect(errorsOf({ todos: { allow: { view: "1 in auth.ref('$users.id')" } } })).toEqual([
      { message: "todos.allow.view:1:15: auth.ref arg must start with `$user.`", in: ["todos", "allow", "view"] },
    ]);
  });

  it("refuses cyclic binds, naming the cycle", () => {
    expect(errorsOf({ myetype: { bind: ["a", "b", "b", "a"], allow: { view: "a" } } })).toEqual([
      { message: "The binds have a cyclic dependency a -> b -> a", in: ["myetype", "allow", "view"] },
    ]);
  });

  it("refuses odd and repeated binds as Instant does", () => {
    expect(errorsOf({ myetype: { bind: ["duplicate"], allow: { view: "duplicate" } } })).toEqual([
      { message: "bind should have an even number of elements", in: ["myetype", "bind"] },
      { message: "bind should have an even number of elements", in: ["myetype", "allow", "view"] },
    ]);
    expect(errorsOf({ myetype: { bind: ["duplicate", "true", "duplicate", "false"], allow: { view: "duplicate" } } })).toEqual([
      { message: "bind should only contain a given variable name once", in: ["myetype", "bind", "duplicate"] },
    ]);
  });

  it("refuses rules for reserved namespaces, a $users delete rule other than false, and an id field rule", () => {
    expect(errorsOf({ $codes: { allow: { update: "true" } } })).toEqual(
      ["view", "create", "update", "delete"].map((a) => ({
        message: "The $codes namespace is a reserved internal namespace that does not yet support rules.",
        in: ["$codes", "allow", a],
      })),
    );
    expect(errorsOf({ $users: { allow: { delete: "true" } } })).toEqual([
      { message: "The $users namespace doesn't support permissions for delete. Set `$users.allow.delete` to `\"false\"`.", in: ["$users", "allow", "delete"] },
    ]);
    expect(() => compileRules({ $users: { allow: { delete: "false", create: "true", update: "true", view: "true" } } })).not.toThrow();
    expect(errorsOf({ myetype: { fields: { id: "true" } } })).toEqual([
      { message: "You cannot set field rules for `id`. Use myetype -> allow -> view instead", in: ["myetype", "fields"] },
    ]);
  });

  it("checks field rules, link rules and allow.$default as well", () => {
    expect(errorsOf({ t: { fields: { email: "!10" }, allow: { link: { owner: "(" }, $default: "nope" } } })).toEqual([
      { message: "t.allow.$default:1:1: Unknown variable: nope", in: ["t", "allow", "$default"] },
      { message: "t.allow.link.owner:1:2: Unexpected token: EOF", in: ["t", "allow", "link", "owner"] },
      { message: "t.fields.email:1:1: no such overload: !int", in: ["t", "fields", "email"] },
    ]);
  });

  it("a $default rule that only fails with one namespace's binds fails when used, as validation-failed for `permission`", () => {
    const rules = compileRules({ $default: { allow: { view: "a" }, bind: ["a", "true"] }, todos: { bind: ["a", "b", "b", "a"] } });
    let err: unknown;
    try {
      ruleFor(rules, "todos", "view");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstantError);
    expect((err as InstantError).toBody()).toEqual({
      type: "validation-failed",
      message: "Validation failed for permission: The binds have a cyclic dependency a -> b -> a",
      hint: { "data-type": "permission", input: ["$default", "allow", "view"], errors: [{ message: "The binds have a cyclic dependency a -> b -> a" }] },
    });
  });
});
