/**
 * Request parameters (src/http/params.ts) and the app-id middleware (src/http/app-id.ts):
 * Instant's `param-missing` / `param-malformed` bodies with the parameter's path, secrets
 * never echoed, emails normalized, bodies that are not JSON objects refused, and the
 * app id taken from header / query / body in each route family's documented order.
 * The HTTP cases go through the real Worker (test/helpers/http-harness.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { coerceEmail, MAX_EMAIL_LENGTH } from "../../src/auth/email-address";
import type { JsonValue } from "../../src/model/triple";
import { asEmail, asUuid, jsonObjectBody, optionalParam, param } from "../../src/http/params";
import { InstantError } from "../../src/protocol/errors";
import { type HttpHarness, httpHarness } from "../helpers/http-harness";
import { instantError as thrown } from "../helpers/instant-error";


async function rejected(p: Promise<unknown>): Promise<InstantError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InstantError);
    return err as InstantError;
  }
  throw new Error("expected an InstantError");
}

const body = (text: string) => ({ text: async () => text });

describe("param / optionalParam", () => {
  const src = { email: "ada@example.com", blank: "", nil: null, n: 5, code: 123456, token: "not-a-uuid" } as const;

  it("missing, null and blank are param-missing with the path", () => {
    for (const key of ["absent", "nil", "blank"]) {
      const err = thrown(() => param(src, ["body", key], asEmail));
      expect(err.status).toBe(400);
      expect(err.toBody()).toEqual({ type: "param-missing", message: `Missing parameter: ["body","${key}"]`, hint: { in: ["body", key] } });
    }
  });

  it("a value that does not coerce is param-malformed with the original input", () => {
    expect(thrown(() => param(src, ["body", "n"], asEmail)).toBody()).toEqual({
      type: "param-malformed",
      message: 'Malformed parameter: ["body","n"]',
      hint: { in: ["body", "n"], "original-input": 5 },
    });
  });

  it("secrets are never echoed back as original input", () => {
    const code = thrown(() => param(src, ["body", "code"], asEmail, { secret: true }));
    expect(code.toBody()).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body","code"]', hint: { in: ["body", "code"], "original-input": null } });
    const token = thrown(() => optionalParam(src, ["body", "token"], asUuid, { secret: true }));
    expect(JSON.stringify(token.toBody())).not.toContain("not-a-uuid");
  });

  it("optionalParam: absent or null is null, present must coerce (blank is present)", () => {
    expect(optionalParam(src, ["body", "absent"], asEmail)).toBeNull();
    expect(optionalParam(src, ["body", "nil"], asEmail)).toBeNull();
    expect(thrown(() => optionalParam(src, ["body", "blank"], asEmail)).toBody().hint).toEqual({ in: ["body", "blank"], "original-input": "" });
    expect(optionalParam(src, ["body", "email"], asEmail)).toBe("ada@example.com");
  });
});

describe("asEmail / asUuid", () => {
  it("emails are trimmed and lower-cased", () => {
    expect(asEmail("  Ada.Lovelace@Example.COM \n")).toBe("ada.lovelace@example.com");
  });

  it("refuses non-strings, shapes without @ or dot, and addresses past the length limit", () => {
    for (const v of [5, true, null, ["a@b.co"], "ada", "ada@example", "a b@example.com", "@example.com"] as JsonValue[]) expect(asEmail(v)).toBeNull();
    const local = "a".repeat(MAX_EMAIL_LENGTH - "@example.com".length);
    expect(asEmail(`${local}@example.com`)).toBe(`${local}@example.com`);
    expect(asEmail(`${local}a@example.com`)).toBeNull();
  });

  // One email rule: the HTTP layer accepts exactly what the auth core's coerceEmail does.
  it("accepts exactly the addresses the auth core's coerceEmail accepts", () => {
    for (const v of ["a..b@example.com", "a.@example.com", "ada@-example.com", "ada@exa_mple.com", 'a"b@example.com', "ada@example..com"]) {
      expect(asEmail(v)).toBe(coerceEmail(v));
    }
  });

  it("uuids are lower-cased; anything else is refused", () => {
    expect(asUuid("6F0E8B7A-2C1D-4E3F-9A8B-7C6D5E4F3A2B")).toBe("6f0e8b7a-2c1d-4e3f-9a8b-7c6d5e4f3a2b");
    for (const v of ["6f0e8b7a2c1d4e3f9a8b7c6d5e4f3a2b", "x", 1, null] as JsonValue[]) expect(asUuid(v)).toBeNull();
  });
});

describe("jsonObjectBody", () => {
  it("an absent or blank body reads as {}", async () => {
    expect(await jsonObjectBody(body(""))).toEqual({});
    expect(await jsonObjectBody(body("  \n"))).toEqual({});
  });

  it("non-JSON and non-object bodies are param-malformed [body] without echoing the text", async () => {
    for (const text of ["{not json", "[1,2]", "null", "5", '"str"', "true"]) {
      const err = await rejected(jsonObjectBody(body(text)));
      expect(err.toBody()).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body"]', hint: { in: ["body"], "original-input": null } });
    }
  });
});

describe("over HTTP", () => {
  let h: HttpHarness;
  let appId: string;
  let admin: Record<string, string>;
  beforeAll(async () => {
    h = await httpHarness();
    const made = await h.createApp();
    appId = made.id;
    admin = made.admin;
  });
  const lastCall = () => h.calls[h.calls.length - 1]!;

  it("a missing field names its path", async () => {
    const res = await h.post("/runtime/auth/send_magic_code", { "app-id": appId });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: "param-missing", message: 'Missing parameter: ["body","email"]', hint: { in: ["body", "email"] } });
  });

  it("a malformed email is echoed as original input", async () => {
    const res = await h.post("/runtime/auth/send_magic_code", { "app-id": appId, email: "not an email" });
    expect(res.body).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body","email"]', hint: { in: ["body", "email"], "original-input": "not an email" } });
  });

  it("codes and tokens are not echoed", async () => {
    const code = await h.post("/runtime/auth/verify_magic_code", { "app-id": appId, email: "ada@example.com", code: 424242 });
    expect(code.body).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body","code"]', hint: { in: ["body", "code"], "original-input": null } });
    expect(code.text).not.toContain("424242");
    const token = await h.post("/runtime/auth/verify_refresh_token", { "app-id": appId, "refresh-token": "secret-token-value" });
    expect(token.body.hint).toEqual({ in: ["body", "refresh-token"], "original-input": null });
    const guest = await h.post("/runtime/auth/verify_magic_code", { "app-id": appId, email: "ada@example.com", code: "1", "refresh-token": "secret-token-value" });
    expect(guest.body.hint).toEqual({ in: ["body", "refresh-token"], "original-input": null });
    const signout = await h.post("/runtime/signout", { app_id: appId, refresh_token: "secret-token-value" });
    expect(signout.body.hint).toEqual({ in: ["body", "refresh_token"], "original-input": null });
    const asToken = await h.post("/admin/query", { query: {} }, { "app-id": appId, "as-token": "secret-token-value" });
    expect(asToken.body).toMatchObject({ type: "param-malformed", hint: { in: ["asUser", "token"], "original-input": null } });
    for (const r of [token, guest, signout, asToken]) expect(r.text).not.toContain("secret-token-value");
  });

  it("the email reaches the object trimmed and lower-cased", async () => {
    const res = await h.post("/runtime/auth/send_magic_code", { "app-id": appId, email: "  Ada@Example.COM " });
    expect(res).toMatchObject({ status: 200, body: { sent: true } });
    expect(lastCall().request).toEqual({ op: "send-magic-code", email: "ada@example.com" });
    expect(h.emails.at(-1)!.to).toBe("ada@example.com");
    await h.get("/admin/users?email=%20BOB@Example.com%20", admin);
    expect(lastCall().request).toEqual({ op: "admin-get-user", user: { by: "email", email: "bob@example.com" } });
    await h.post("/admin/query", { query: {} }, { "app-id": appId, "as-email": " Ada@EXAMPLE.com" });
    expect(lastCall()).toMatchObject({ credentials: { adminToken: null, as: { kind: "email", email: "ada@example.com" } } });
  });

  it("non-JSON and non-object bodies are param-malformed [body]", async () => {
    for (const raw of ["{oops", "[]", '"text"', "42"]) {
      const runtime = await h.request("POST", `/runtime/auth/sign_in_guest?app_id=${appId}`, { raw, headers: { "content-type": "application/json" } });
      expect(runtime.status).toBe(400);
      expect(runtime.body).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body"]', hint: { in: ["body"], "original-input": null } });
      const adm = await h.request("POST", "/admin/query", { raw, headers: admin });
      expect(adm.body).toMatchObject({ type: "param-malformed", hint: { in: ["body"] } });
      const dash = await h.request("POST", "/dash/apps/ephemeral", { raw });
      expect(dash.body).toMatchObject({ type: "param-malformed", hint: { in: ["body"] } });
    }
  });

  it("a runtime body that is not JSON and no app id elsewhere: the app id is what is missing", async () => {
    const res = await h.request("POST", "/runtime/auth/sign_in_guest", { raw: "{oops" });
    expect(res.body).toEqual({ type: "param-missing", message: 'Missing parameter: ["body","app-id"]', hint: { in: ["body", "app-id"] } });
  });
});

describe("the app-id middleware", () => {
  let h: HttpHarness;
  let a: { id: string; adminToken: string };
  let b: { id: string; adminToken: string };
  beforeAll(async () => {
    h = await httpHarness();
    a = await h.createApp({ title: "a" });
    b = await h.createApp({ title: "b" });
  });
  const lastAppId = () => h.calls[h.calls.length - 1]!.appId;

  it("runtime routes: body `app-id`, then body `app_id`, then `?app_id=`", async () => {
    await h.post(`/runtime/auth/sign_in_guest?app_id=${b.id}`, { "app-id": a.id, app_id: b.id });
    expect(lastAppId()).toBe(a.id);
    await h.post(`/runtime/auth/sign_in_guest?app_id=${a.id}`, { app_id: b.id });
    expect(lastAppId()).toBe(b.id);
    const viaQuery = await h.post(`/runtime/auth/sign_in_guest?app_id=${a.id}`, {});
    expect(viaQuery.status).toBe(200);
    expect(lastAppId()).toBe(a.id);
    await h.post(`/runtime/signout?app_id=${b.id}`, { app_id: a.id, refresh_token: crypto.randomUUID() });
    expect(lastAppId()).toBe(a.id);
  });

  it("null and blank ids count as absent: the next source is used", async () => {
    await h.post(`/runtime/auth/sign_in_guest?app_id=${b.id}`, { "app-id": null, app_id: "" });
    expect(lastAppId()).toBe(b.id);
  });

  it("admin routes: the `app-id` header, then `?app_id=`; body ids are ignored", async () => {
    const both = await h.post(`/admin/query?app_id=${b.id}`, { query: {} }, { "app-id": a.id, authorization: `Bearer ${a.adminToken}` });
    expect(both.status).toBe(200);
    expect(lastAppId()).toBe(a.id);
    const query = await h.post(`/admin/query?app_id=${b.id}`, { query: {} }, { authorization: `Bearer ${b.adminToken}` });
    expect(query.status).toBe(200);
    expect(lastAppId()).toBe(b.id);
    const bodyOnly = await h.post("/admin/query", { query: {}, "app-id": a.id }, { authorization: `Bearer ${a.adminToken}` });
    expect(bodyOnly.body).toEqual({ type: "param-missing", message: 'Missing parameter: ["headers","app-id"]', hint: { in: ["headers", "app-id"] } });
  });

  it("missing everywhere: param-missing at the first source's path", async () => {
    const runtime = await h.post("/runtime/auth/verify_refresh_token", { "refresh-token": crypto.randomUUID() });
    expect(runtime).toMatchObject({ status: 400, body: { type: "param-missing", hint: { in: ["body", "app-id"] } } });
    const signout = await h.post("/runtime/signout", { refresh_token: crypto.randomUUID() });
    expect(signout.body).toMatchObject({ type: "param-missing", hint: { in: ["body", "app-id"] } });
  });

  it("not a uuid: param-malformed at the path it was found, with the input", async () => {
    expect((await h.post("/runtime/auth/sign_in_guest", { "app-id": "my-app" })).body).toEqual({
      type: "param-malformed",
      message: 'Malformed parameter: ["body","app-id"]',
      hint: { in: ["body", "app-id"], "original-input": "my-app" },
    });
    expect((await h.post("/runtime/auth/sign_in_guest", { app_id: 42 })).body.hint).toEqual({ in: ["body", "app_id"], "original-input": 42 });
    expect((await h.post("/runtime/auth/sign_in_guest?app_id=nope", {})).body.hint).toEqual({ in: ["query", "app_id"], "original-input": "nope" });
    expect((await h.post("/admin/query", { query: {} }, { "app-id": "nope" })).body.hint).toEqual({ in: ["headers", "app-id"], "original-input": "nope" });
    // A malformed first source is an error even when a later one is valid.
    expect((await h.post(`/admin/query?app_id=${a.id}`, { query: {} }, { "app-id": "nope" })).status).toBe(400);
  });

  it("upper-case ids are lower-cased before they reach the object", async () => {
    const res = await h.post("/runtime/auth/sign_in_guest", { "app-id": a.id.toUpperCase() });
    expect(res.status).toBe(200);
    expect(lastAppId()).toBe(a.id);
    expect(res.body.user.app_id).toBe(a.id);
  });
});
