/**
 * `/dash/apps[/ephemeral]` (docs/protocol.md §13.6) through the real Worker under Node
 * (test/helpers/http-harness.ts): the reply's shape, the operator switches, and a bad
 * schema creating nothing.
 */
import { describe, expect, it } from "vitest";
import { EPHEMERAL_APP_TTL_MS } from "../../src/apps/create-app";
import { isUuid } from "../../src/util/uuid";
import { httpHarness, T0 } from "../helpers/http-harness";

describe("POST /dash/apps/ephemeral", () => {
  it("answers the app with its admin token (kebab-case) and the expiry", async () => {
    const h = await httpHarness();
    const res = await h.post("/dash/apps/ephemeral", { title: "  My app " });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      app: { id: expect.any(String), title: "My app", creator_id: null, created_at: new Date(T0).toISOString(), "admin-token": expect.any(String) },
      expires_ms: T0 + EPHEMERAL_APP_TTL_MS,
    });
    expect(isUuid(res.body.app.id)).toBe(true);
    expect(isUuid(res.body.app["admin-token"])).toBe(true);
    const { id, "admin-token": token } = res.body.app;
    expect((await h.post("/admin/query", { query: {} }, { "app-id": id, authorization: `Bearer ${token}` })).status).toBe(200);
    // Only a hash of the admin token is kept.
    const stored = h.object(id).sql.all<{ value: string }>(`SELECT value FROM meta`).map((r) => r.value).join("\n");
    expect(stored).not.toContain(token);
  });

  it("title is required; schema and rules.code must be objects", async () => {
    const h = await httpHarness();
    expect((await h.post("/dash/apps/ephemeral", {})).body).toMatchObject({ type: "param-missing", hint: { in: ["body", "title"] } });
    // A blank title is a missing one (docs/protocol.md §13.6).
    expect((await h.post("/dash/apps/ephemeral", { title: "  " })).body).toMatchObject({ type: "param-missing", hint: { in: ["body", "title"] } });
    expect((await h.post("/dash/apps/ephemeral", { title: "t", schema: [] })).body).toMatchObject({ type: "param-malformed", hint: { in: ["body", "schema"] } });
    expect((await h.post("/dash/apps/ephemeral", { title: "t", rules: { code: "x" } })).body).toMatchObject({
      type: "param-malformed",
      hint: { in: ["body", "rules", "code"], "original-input": "x" },
    });
    expect(h.calls).toEqual([]);
  });

  it("a schema the planner refuses creates no app", async () => {
    const h = await httpHarness();
    const schema = {
      entities: {},
      links: {
        a: { forward: { on: "posts", has: "many", label: "tags" }, reverse: { on: "tags", has: "many", label: "posts" } },
        b: { forward: { on: "posts", has: "many", label: "tags" }, reverse: { on: "tags", has: "many", label: "posts2" } },
      },
    };
    const res = await h.post("/dash/apps/ephemeral", { title: "t", schema });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("validation-failed");
    const id = h.calls[0]!.appId;
    expect(h.object(id).ctx.app()).toBeNull();
    expect((await h.post("/runtime/auth/sign_in_guest", { "app-id": id })).body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app" } });
  });

  it('ALLOW_EPHEMERAL_APPS = "false" refuses with permission-denied', async () => {
    const h = await httpHarness({ env: { ALLOW_EPHEMERAL_APPS: "false" } });
    const res = await h.post("/dash/apps/ephemeral", { title: "t" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: "permission-denied", message: "Ephemeral app creation is disabled on this server." });
  });
});

describe("POST /dash/apps (durable, operator secret)", () => {
  it("no secret configured → 400 permission-denied; a wrong one → 401; the right one → an app that never expires", async () => {
    const off = await httpHarness();
    expect(await off.post("/dash/apps", { title: "t" }, { authorization: "Bearer x" })).toMatchObject({ status: 400, body: { type: "permission-denied" } });

    const h = await httpHarness({ env: { OPERATOR_SECRET: "s3cret" } });
    const wrong = await h.post("/dash/apps", { title: "t" }, { authorization: "Bearer nope" });
    expect(wrong).toMatchObject({ status: 401, body: { type: "permission-denied", message: "Invalid operator secret." } });
    expect(wrong.text).not.toContain("s3cret");
    const ok = await h.post("/dash/apps", { title: "t" }, { authorization: "Bearer s3cret" });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_ms).toBeNull();
    expect(h.object(ok.body.app.id).ctx.app()).toMatchObject({ ephemeral: false, expiresAt: null });
  });
});
