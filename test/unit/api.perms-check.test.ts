/**
 * `POST /admin/query_perms_check` and `POST /admin/transact_perms_check` (the admin SDK's
 * `debugQuery` / `debugTransact`) through the Worker and the object under Node: who may
 * call them, the check results in Instant's shapes, `rules-override`, and that a
 * transaction is rolled back unless `dangerously-commit-tx` is set and every check passes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { type HttpHarness, httpHarness } from "../helpers/http-harness";

const RULES = { books: { allow: { view: "data.pages > 100", create: "auth.id != null", update: "false" } } };
const LONG = "00000000-0000-4000-8000-000000000001";
const SHORT = "00000000-0000-4000-8000-000000000002";

let h: HttpHarness;
let appId: string;
let admin: Record<string, string>;
let asAda: Record<string, string>;
let adaId: string;

beforeEach(async () => {
  h = await httpHarness();
  const made = await h.createApp({ title: "Books", rules: RULES });
  appId = made.id;
  admin = made.admin;
  const seeded = await h.post(
    "/admin/transact",
    { steps: [["update", "books", LONG, { title: "Dune", pages: 412 }], ["update", "books", SHORT, { title: "Leaflet", pages: 12 }]] },
    admin,
  );
  expect(seeded.status).toBe(200);
  const user = await h.post("/admin/refresh_tokens", { email: "ada@example.com" }, admin);
  adaId = user.body.user.id;
  asAda = { ...admin, "as-email": "ada@example.com" };
});

const queryCheck = (body: unknown, headers = asAda) => h.post(`/admin/query_perms_check?app_id=${appId}`, body, headers);
const transactCheck = (body: unknown, headers = asAda) => h.post(`/admin/transact_perms_check?app_id=${appId}`, body, headers);
const titles = async () => {
  const res = await h.post("/admin/query", { query: { books: {} } }, admin);
  return (res.body.books as { title: string }[]).map((b) => b.title).sort();
};

describe("who may test", () => {
  it("an admin without as-* gets validation-failed: Cannot test perms as admin", async () => {
    for (const call of [queryCheck, transactCheck]) {
      const res = await call({ query: { books: {} }, steps: [] }, admin);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        type: "validation-failed",
        message: "Validation failed for non-admin: Cannot test perms as admin",
        hint: { "data-type": "non-admin", input: "non-admin", errors: [{ message: "Cannot test perms as admin" }] },
      });
    }
  });

  it("as-guest still needs the admin token", async () => {
    const res = await queryCheck({ query: { books: {} } }, { "app-id": appId, "as-guest": "true" });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("param-missing");
    const ok = await queryCheck({ query: { books: {} } }, { ...admin, "as-guest": "true" });
    expect(ok.status).toBe(200);
  });
});

describe("query_perms_check", () => {
  it("answers the filtered tree and one check per entity the view rule ran on", async () => {
    const res = await queryCheck({ query: { books: {} } });
    expect(res.status).toBe(200);
    expect(res.body.result.books.map((b: { title: string }) => b.title)).toEqual(["Dune"]);
    const checks = [...res.body["check-results"]].sort((a, b) => a.id.localeCompare(b.id));
    const program = { code: expect.any(String), "display-code": "data.pages > 100", etype: "books", action: "view" };
    expect(checks).toEqual([
      { id: LONG, entity: "books", record: { id: LONG, title: "Dune", pages: 412 }, program, check: true },
      { id: SHORT, entity: "books", record: { id: SHORT, title: "Leaflet", pages: 12 }, program, check: false },
    ]);
  });

  it("rules-override replaces the app's rules for this request only; a bad override is validation-failed", async () => {
    const res = await queryCheck({ query: { books: {} }, "rules-override": { books: { allow: { view: "data.pages < 100" } } } });
    expect(res.body.result.books.map((b: { title: string }) => b.title)).toEqual(["Leaflet"]);
    expect(res.body["check-results"].map((c: { program: { "display-code": string } }) => c.program["display-code"])).toEqual([
      "data.pages < 100",
      "data.pages < 100",
    ]);
    // The stored rules are untouched.
    expect((await queryCheck({ query: { books: {} } })).body.result.books).toHaveLength(1);
    const bad = await queryCheck({ query: { books: {} }, "rules-override": { books: { allow: { view: "data.pages >" } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe("validation-failed");
  });

  it("field rules report their label", async () => {
    const res = await queryCheck({ query: { books: {} }, "rules-override": { books: { fields: { pages: "auth.id != null" } } } });
    expect(res.body.result.books).toHaveLength(2);
    const checks = res.body["check-results"];
    expect(checks).toHaveLength(2);
    for (const c of checks) expect(c).toMatchObject({ entity: "books", label: "pages", check: true, program: { etype: "books", action: "view" } });
  });
});

describe("transact_perms_check", () => {
  it("reports every check, failing ones included, and rolls back", async () => {
    const fresh = "00000000-0000-4000-8000-000000000003";
    const res = await transactCheck({
      steps: [
        ["update", "books", LONG, { title: "Dune II" }],
        ["update", "books", fresh, { title: "New", pages: 200 }],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body["all-checks-ok?"]).toBe(false);
    expect(res.body["committed?"]).toBe(false);
    expect(res.body["tx-id"]).toBeUndefined();
    expect(res.body["check-results"]).toEqual([
      {
        scope: "object",
        action: "update",
        etype: "books",
        eid: LONG,
        // `"false"` is a literal, not a program.
        program: null,
        "check-result": false,
        "check-pass?": false,
      },
      {
        scope: "object",
        action: "create",
        etype: "books",
        eid: fresh,
        program: { code: expect.any(String), "display-code": "auth.id != null", etype: "books", action: "create" },
        "check-result": true,
        "check-pass?": true,
      },
    ]);
    expect(await titles()).toEqual(["Dune", "Leaflet"]);
  });

  it("a passing run is still rolled back without dangerously-commit-tx", async () => {
    const res = await transactCheck({ steps: [["update", "books", "00000000-0000-4000-8000-000000000004", { title: "New" }]] });
    expect(res.body).toMatchObject({ "all-checks-ok?": true, "committed?": false });
    expect(await titles()).toEqual(["Dune", "Leaflet"]);
  });

  it("dangerously-commit-tx commits when every check passes, and only then", async () => {
    const failing = await transactCheck({ steps: [["update", "books", LONG, { title: "Dune II" }]], "dangerously-commit-tx": true });
    expect(failing.body).toMatchObject({ "all-checks-ok?": false, "committed?": false });
    const res = await transactCheck({
      steps: [["update", "books", LONG, { title: "Dune II" }]],
      "rules-override": { books: { allow: { update: "auth.id == ruleParams.who" } } },
      "dangerously-commit-tx": true,
    });
    expect(res.body["check-results"][0]).toMatchObject({ action: "update", "check-result": false });
    const ok = await transactCheck({
      steps: [
        ["ruleParams", "books", LONG, { who: adaId }],
        ["update", "books", LONG, { title: "Dune II" }],
      ],
      "rules-override": { books: { allow: { update: "auth.id == ruleParams.who" } } },
      "dangerously-commit-tx": true,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ "all-checks-ok?": true, "committed?": true, "tx-id": expect.any(Number) });
    expect(await titles()).toEqual(["Dune II", "Leaflet"]);
  });

  it("a literal false rule is listed with program null", async () => {
    const res = await transactCheck({ steps: [["update", "books", LONG, { title: "Dune II" }]], "rules-override": { books: { allow: { update: "false" } } } });
    expect(res.status).toBe(200);
    expect(res.body["all-checks-ok?"]).toBe(false);
    expect(res.body["check-results"]).toEqual([{ scope: "object", action: "update", etype: "books", eid: LONG, program: null, "check-result": false, "check-pass?": false }]);
  });
});
