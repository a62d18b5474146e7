import { describe, expect, it, vi } from "vitest";
import type { EmailMessage, EmailSender } from "../../src/auth/email";
import { createMagicCode } from "../../src/auth/magic-codes";
import { MAGIC_CODE_SENDS_PER_WINDOW, MAGIC_CODE_VERIFIES_PER_WINDOW, RATE_LIMIT_WINDOW_MS } from "../../src/auth/rate-limit";
import { resolveRefreshToken } from "../../src/auth/refresh-tokens";
import { sendMagicCode } from "../../src/auth/send-magic-code";
import {
  completeSignIn,
  createToken,
  type SignIn,
  signInGuest,
  verifyMagicCode,
  verifyRefreshToken,
} from "../../src/auth/sign-in";
import { signOut } from "../../src/auth/sign-out";
import { findUserByEmail, formatCreatedAt, readUser } from "../../src/auth/users";
import { InstantError } from "../../src/protocol/errors";
import { APP_ID, type AuthFixture, authSetup, instantError, T0, uid } from "./auth.fixtures";

const ADA = "ada@example.com";

/** Commits a sign-in's steps as the pipeline would, then completes it. */
function finish(f: AuthFixture, s: SignIn) {
  f.commit(s.steps);
  return completeSignIn(f.env, s);
}

function codeFor(f: AuthFixture, email: string): string {
  return createMagicCode(f.sql, f.env.randomBytes, email, f.now());
}

function signUp(f: AuthFixture, email: string, extraFields?: unknown) {
  return finish(f, verifyMagicCode(f.env, { email, code: codeFor(f, email), extraFields }));
}

describe("verify magic code", () => {
  it("signs up a new user (created: true), then signs the same user in (created: false)", () => {
    const f = authSetup();
    const first = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA) });
    expect(first.created).toBe(true);
    const id = first.user.id;
    expect(id).toBe(uid(1, "e"));
    const done = finish(f, first);
    expect(done).toEqual({
      created: true,
      user: {
        id,
        app_id: APP_ID,
        email: ADA,
        type: "user",
        isGuest: false,
        created_at: formatCreatedAt(T0),
        refresh_token: first.refreshToken.token,
      },
    });
    // The predicted user is what was committed.
    expect(first.user).toEqual(done.user);
    expect(resolveRefreshToken(f.sql, done.user.refresh_token)).toBe(id);

    f.tick(1000);
    const again = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA) });
    expect(again.created).toBe(false);
    expect(again.steps).toEqual([]);
    const done2 = finish(f, again);
    expect(done2.user.id).toBe(id);
    expect(done2.user.refresh_token).not.toBe(done.user.refresh_token);
    // Both tokens stay valid.
    expect(resolveRefreshToken(f.sql, done.user.refresh_token)).toBe(id);
  });

  it("rejects a wrong code with record-not-found and creates nothing", () => {
    const f = authSetup();
    const code = codeFor(f, ADA);
    const wrong = code === "000000" ? "000001" : "000000";
    const err = instantError(() => verifyMagicCode(f.env, { email: ADA, code: wrong }));
    expect(err.toBody()).toEqual({ type: "record-not-found", message: "Record not found: app-user-magic-code", hint: { "record-type": "app-user-magic-code", args: [] } });
    expect(JSON.stringify(err.toBody())).not.toContain(code);
    expect(findUserByEmail(f.env, ADA)).toBeNull();
  });

  it("writes extra fields on sign-up only, after validating them", () => {
    const f = authSetup();
    f.userAttr(1, "nickname");
    const done = signUp(f, ADA, { nickname: "ada" });
    expect(done.user.nickname).toBe("ada");
    // An existing user: extra fields are ignored, even invalid ones.
    const again = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), extraFields: { nickname: "other", bogus: 1 } });
    expect(again.steps).toEqual([]);
    expect(finish(f, again).user.nickname).toBe("ada");
  });

  it("refuses bad extra fields before consuming the code (the code still works)", () => {
    const f = authSetup();
    const code = codeFor(f, ADA);
    const err = instantError(() => verifyMagicCode(f.env, { email: ADA, code, extraFields: { email: "x@example.com" } }));
    expect(err.message).toBe("Validation failed for extra-fields: Cannot set system field: email");
    expect(finish(f, verifyMagicCode(f.env, { email: ADA, code })).created).toBe(true);
  });

  it("asks the sign-up check (the $users create rule) before consuming the code, only for sign-ups", () => {
    const f = authSetup();
    f.userAttr(1, "nickname");
    const code = codeFor(f, ADA);
    const deny = vi.fn(() => {
      throw new InstantError("permission-denied", "Permission denied: not perms-pass?", { input: ["$users", "create"], expected: "perms-pass?" });
    });
    expect(instantError(() => verifyMagicCode(f.env, { email: ADA, code, extraFields: { nickname: "ada" }, checkSignup: deny })).type).toBe(
      "permission-denied",
    );
    expect(deny).toHaveBeenCalledWith({ id: uid(1, "e"), email: ADA, nickname: "ada" });
    const allow = vi.fn();
    finish(f, verifyMagicCode(f.env, { email: ADA, code, checkSignup: allow }));
    expect(allow).toHaveBeenCalledTimes(1);
    const existing = vi.fn();
    finish(f, verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), checkSignup: existing }));
    expect(existing).not.toHaveBeenCalled();
  });

  it("upgrades a guest in place: same id and created_at, gains the email, created: true", () => {
    const f = authSetup();
    f.userAttr(1, "nickname");
    const guest = finish(f, signInGuest(f.env, { extraFields: { nickname: "anon" } })).user;
    f.tick(90_000);
    const s = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), refreshToken: guest.refresh_token, extraFields: { nickname: "ada" } });
    expect(s.created).toBe(true);
    const done = finish(f, s);
    expect(done.user).toEqual({
      id: guest.id,
      app_id: APP_ID,
      email: ADA,
      type: "user",
      isGuest: false,
      nickname: "ada",
      created_at: guest.created_at,
      refresh_token: s.refreshToken.token,
    });
    expect(s.user).toEqual(done.user);
    // The guest's own token now signs in the upgraded user.
    expect(verifyRefreshToken(f.env, guest.refresh_token).email).toBe(ADA);
    expect(readUser(f.env, guest.id)?.linkedPrimaryUser).toBeUndefined();
  });

  it("links a guest to the existing user of the email: created: false, guest kept and linked", () => {
    const f = authSetup();
    const ada = signUp(f, ADA).user;
    const guest = finish(f, signInGuest(f.env)).user;
    const s = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), refreshToken: guest.refresh_token });
    expect(s.created).toBe(false);
    const done = finish(f, s);
    expect(done.user.id).toBe(ada.id);
    expect(done.user.email).toBe(ADA);
    expect(readUser(f.env, guest.id)).toMatchObject({ id: guest.id, type: "guest", isGuest: true, linkedPrimaryUser: ada.id });
  });

  it("ignores the refresh token of a signed-in non-guest user", () => {
    const f = authSetup();
    const bob = signUp(f, "bob@example.com").user;
    const done = finish(f, verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), refreshToken: bob.refresh_token }));
    expect(done.created).toBe(true);
    expect(done.user.id).not.toBe(bob.id);
    expect(readUser(f.env, bob.id)).toMatchObject({ email: "bob@example.com" });
    expect(readUser(f.env, bob.id)?.linkedPrimaryUser).toBeUndefined();
  });

  it("refuses an unknown refresh token with record-not-found app-user, without echoing it", () => {
    const f = authSetup();
    const token = uid(77, "d");
    const err = instantError(() => verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA), refreshToken: token }));
    expect(err.toBody()).toEqual({ type: "record-not-found", message: "Record not found: app-user", hint: { "record-type": "app-user", args: [] } });
    expect(JSON.stringify(err.toBody())).not.toContain(token);
  });

  it("rate limits verification per email: every attempt counts, then 429 even for the right code until the window ends", () => {
    const f = authSetup();
    const code = codeFor(f, ADA);
    const wrong = code === "000000" ? "000001" : "000000";
    // The wrong-guess cap voids codes after 5 wrong guesses, so count attempts with fresh codes.
    for (let i = 0; i < MAGIC_CODE_VERIFIES_PER_WINDOW; i++) {
      if (i % 2 === 0) instantError(() => verifyMagicCode(f.env, { email: ADA, code: wrong }));
      else finish(f, verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA) }));
    }
    const fresh = codeFor(f, ADA);
    const err = instantError(() => verifyMagicCode(f.env, { email: ADA, code: fresh }));
    expect(err.type).toBe("rate-limited");
    expect(err.status).toBe(429);
    // Other emails are unaffected.
    finish(f, verifyMagicCode(f.env, { email: "bob@example.com", code: codeFor(f, "bob@example.com") }));
    f.tick(RATE_LIMIT_WINDOW_MS);
    // The refused attempt did not consume the code.
    expect(finish(f, verifyMagicCode(f.env, { email: ADA, code: fresh })).created).toBe(false);
  });
});

describe("guest sign-in", () => {
  it("creates a guest user with a token", () => {
    const f = authSetup();
    const s = signInGuest(f.env);
    expect(s.created).toBe(true);
    const done = finish(f, s);
    expect(done.user).toEqual({
      id: uid(1, "e"),
      app_id: APP_ID,
      type: "guest",
      isGuest: true,
      created_at: formatCreatedAt(T0),
      refresh_token: s.refreshToken.token,
    });
    expect(verifyRefreshToken(f.env, done.user.refresh_token).id).toBe(done.user.id);
  });

  it("validates extra fields and asks the sign-up check with the guest's data (no email)", () => {
    const f = authSetup();
    f.userAttr(1, "nickname");
    expect(instantError(() => signInGuest(f.env, { extraFields: { nope: 1 } })).message).toContain("Unknown field: nope.");
    const check = vi.fn();
    const done = finish(f, signInGuest(f.env, { extraFields: { nickname: "anon" }, checkSignup: check }));
    expect(check).toHaveBeenCalledWith({ id: done.user.id, nickname: "anon" });
    expect(done.user.nickname).toBe("anon");
  });
});

describe("admin createToken", () => {
  it("creates the user for an unknown email (no type, as Instant), then reuses it", () => {
    const f = authSetup();
    const s = createToken(f.env, { email: ADA });
    expect(s.created).toBe(true);
    const done = finish(f, s);
    expect(done.user).toEqual({ id: uid(1, "e"), app_id: APP_ID, email: ADA, isGuest: false, created_at: formatCreatedAt(T0), refresh_token: s.refreshToken.token });
    const again = createToken(f.env, { email: ADA, extraFields: { bogus: 1 } });
    expect(again.created).toBe(false);
    expect(again.steps).toEqual([]);
    expect(finish(f, again).user.id).toBe(done.user.id);
  });

  it("creates a user with the given id, or finds it", () => {
    const f = authSetup();
    const id = uid(50, "e");
    const done = finish(f, createToken(f.env, { id }));
    expect(done).toMatchObject({ created: true, user: { id } });
    expect("email" in done.user).toBe(false);
    expect(finish(f, createToken(f.env, { id })).created).toBe(false);
  });

  it("prefers the email over the id, and validates extra fields for new users", () => {
    const f = authSetup();
    f.userAttr(1, "nickname");
    const existing = finish(f, createToken(f.env, { email: ADA })).user;
    expect(finish(f, createToken(f.env, { email: ADA, id: uid(60, "e") })).user.id).toBe(existing.id);
    expect(instantError(() => createToken(f.env, { email: "new@example.com", extraFields: { type: "guest" } })).message).toBe(
      "Validation failed for extra-fields: Cannot set system field: type",
    );
    expect(finish(f, createToken(f.env, { email: "new@example.com", extraFields: { nickname: "n" } })).user.nickname).toBe("n");
  });

  it("needs an email or an id", () => {
    const f = authSetup();
    const err = instantError(() => createToken(f.env, {}));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe("Validation failed for body: Please provide an `email` or `id`");
  });
});

describe("refresh token verification and sign-out", () => {
  it("returns the token's user with the same refresh_token", () => {
    const f = authSetup();
    const ada = signUp(f, ADA).user;
    expect(verifyRefreshToken(f.env, ada.refresh_token)).toEqual(ada);
    expect(verifyRefreshToken(f.env, ada.refresh_token.toUpperCase()).id).toBe(ada.id);
  });

  it("answers record-not-found app-user for unknown, malformed and revoked tokens", () => {
    const f = authSetup();
    const ada = signUp(f, ADA).user;
    for (const bad of [uid(9, "d"), "nope"]) expect(instantError(() => verifyRefreshToken(f.env, bad)).message).toBe("Record not found: app-user");
    signOut(f.env, { refreshToken: ada.refresh_token });
    expect(instantError(() => verifyRefreshToken(f.env, ada.refresh_token)).hint).toEqual({ "record-type": "app-user", args: [] });
  });

  it("signs a user out everywhere by id or email", () => {
    const f = authSetup();
    const a1 = signUp(f, ADA).user;
    const a2 = finish(f, createToken(f.env, { email: ADA })).user;
    const bob = signUp(f, "bob@example.com").user;
    signOut(f.env, { email: ADA });
    for (const t of [a1.refresh_token, a2.refresh_token]) expect(resolveRefreshToken(f.sql, t)).toBeNull();
    expect(resolveRefreshToken(f.sql, bob.refresh_token)).toBe(bob.id);
    signOut(f.env, { id: bob.id });
    expect(resolveRefreshToken(f.sql, bob.refresh_token)).toBeNull();
    expect(instantError(() => signOut(f.env, { email: "nobody@example.com" })).message).toBe("Record not found: app-user");
    signOut(f.env, { id: uid(99, "e") });
  });

  it("stores the token only once the steps are committed (a failed commit leaves no token)", () => {
    const f = authSetup();
    const s = verifyMagicCode(f.env, { email: ADA, code: codeFor(f, ADA) });
    expect(instantError(() => completeSignIn(f.env, s)).message).toBe("Record not found: app-user");
    expect(resolveRefreshToken(f.sql, s.refreshToken.token)).toBeNull();
  });
});

describe("send magic code", () => {
  const capture = () => {
    const sent: EmailMessage[] = [];
    const sender: EmailSender = { send: async (m) => void sent.push(m) };
    return { sent, sender };
  };

  it("emails a fresh code that then verifies", async () => {
    const f = authSetup();
    const { sent, sender } = capture();
    const { code } = await sendMagicCode(f.env, { email: ADA, appTitle: "Todo", sender });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: ADA, subject: `${code} is your verification code for Todo` });
    expect(sent[0]!.text).toContain(code);
    expect(sent[0]!.text).toContain("24 hours");
    expect(finish(f, verifyMagicCode(f.env, { email: ADA, code })).created).toBe(true);
  });

  it("rate limits sends per email: no code is made or sent past the limit", async () => {
    const f = authSetup();
    const { sent, sender } = capture();
    for (let i = 0; i < MAGIC_CODE_SENDS_PER_WINDOW; i++) await sendMagicCode(f.env, { email: ADA, appTitle: "Todo", sender });
    const rows = () => f.sql.all(`SELECT 1 FROM auth_magic_codes`).length;
    const before = rows();
    await expect(sendMagicCode(f.env, { email: ADA, appTitle: "Todo", sender })).rejects.toMatchObject({ type: "rate-limited", status: 429 });
    expect(sent).toHaveLength(MAGIC_CODE_SENDS_PER_WINDOW);
    expect(rows()).toBe(before);
    await sendMagicCode(f.env, { email: "bob@example.com", appTitle: "Todo", sender });
    f.tick(RATE_LIMIT_WINDOW_MS);
    await sendMagicCode(f.env, { email: ADA, appTitle: "Todo", sender });
  });

  it("uses the app's template and expiry", async () => {
    const f = authSetup();
    const { sent, sender } = capture();
    await sendMagicCode(f.env, {
      email: ADA,
      appTitle: "Todo",
      sender,
      template: { subject: "Sign in to {app_title}", body: "Hi {user_email}, code {code}, valid {expiration}." },
      codeTtlMs: 10 * 60_000,
    });
    expect(sent[0]!.subject).toBe("Sign in to Todo");
    expect(sent[0]!.text).toMatch(/^Hi ada@example\.com, code \d{6}, valid 10 minutes\.$/);
  });
});
