/**
 * The CEL library inside workerd: rules compile and evaluate there as under Node —
 * binds, null-safe maps, ref, timestamps, string and math functions, compile and
 * evaluation errors. Deployed Workers refuse code generation from strings, but the test
 * pool allows it (its module runner needs it), so these tests take `eval` and
 * `Function` away while rules compile and run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authContext } from "../../src/model/auth-context";
import { InstantError } from "../../src/protocol/errors";
import { permissionRun } from "../../src/permissions/permission-run";
import { compileRules } from "../../src/permissions/rules";

const saved = { eval: globalThis.eval, Function: globalThis.Function };
const refuse = () => {
  throw new EvalError("code generation from strings is disabled");
};

describe("CEL rules inside workerd", () => {
  beforeAll(() => {
    globalThis.eval = refuse;
    globalThis.Function = new Proxy(saved.Function, { apply: refuse, construct: refuse });
  });
  afterAll(() => {
    globalThis.eval = saved.eval;
    globalThis.Function = saved.Function;
  });

  it("runs with eval and Function taken away", () => {
    expect(() => globalThis.eval("1")).toThrow(EvalError);
    expect(() => new globalThis.Function("return 1")).toThrow(EvalError);
  });

  it("compiles and evaluates rules", () => {
    const rules = compileRules({
      $default: { bind: { isSignedIn: "auth.id != null" } },
      todos: {
        bind: ["isOwner", "isSignedIn && auth.id in data.ref('owner.id')"],
        allow: {
          view: "isOwner || data.public == true",
          update: "isOwner && request.modifiedFields.all(f, f in ['title']) && size(newData.title) <= 20",
          delete: "timestamp(data.expiresAt) < request.time && data.title.matches('^[A-Z]') && math.abs(-1) == 1",
        },
      },
    });
    const run = (userId: string | null) =>
      permissionRun(rules, {
        auth: authContext("app", userId === null ? null : { id: userId, email: null, type: "user" }, false),
        resolver: (etype, id, path) => (etype === "todos" && id === "t1" && path.join(".") === "owner.id" ? ["u1"] : []),
        now: Date.parse("2025-06-01T00:00:00Z"),
      });
    const todo = { id: "t1", title: "Milk", expiresAt: Date.parse("2025-01-01T00:00:00Z") };
    expect(run("u1").canView("todos", todo)).toBe(true);
    expect(run("u2").canView("todos", todo)).toBe(false);
    expect(run(null).canView("todos", { ...todo, public: true })).toBe(true);
    expect(run("u1").canWrite("todos", "update", { data: todo, newData: { ...todo, title: "Oat milk" }, modifiedFields: ["title"] })).toBe(true);
    expect(run("u1").canWrite("todos", "update", { data: todo, newData: todo, modifiedFields: ["owner"] })).toBe(false);
    expect(run(null).canWrite("todos", "delete", { data: todo })).toBe(true);
  });

  it("reports compile errors with their position and evaluation errors in Instant's shape", () => {
    expect(() => compileRules({ todos: { allow: { view: "auth.id == " } } })).toThrow("todos.allow.view:1:12: Unexpected token: EOF");
    const run = permissionRun(compileRules({ todos: { allow: { view: "data.title > 1" } } }), {
      auth: authContext("app", null, false),
      resolver: () => [],
      now: 0,
    });
    let err: unknown;
    try {
      run.canView("todos", { id: "t1", title: "x" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstantError);
    expect((err as InstantError).type).toBe("permission-evaluation-failed");
  });
});
