import { describe, expect, it } from "vitest";
import {
  consumeMagicCode,
  createMagicCode,
  DEFAULT_MAGIC_CODE_EXPIRY_MINUTES,
  DEFAULT_MAGIC_CODE_TTL_MS,
  hashMagicCode,
  MAGIC_CODE_DIGITS,
  MAX_MAGIC_CODE_ATTEMPTS,
} from "../../src/auth/magic-codes";
import { allStoredStrings, authSetup, instantError, scriptedBytes, T0 } from "./auth.fixtures";

const ADA = "ada@example.com";
const BOB = "bob@example.com";

/** A 6-digit code that is none of `codes`. */
function wrongGuess(...codes: string[]): string {
  for (let n = 0; ; n++) {
    const guess = String(n).padStart(6, "0");
    if (!codes.includes(guess)) return guess;
  }
}

describe("magic codes", () => {
  it("are 6 digits, expire after Instant's default of 24 hours", () => {
    expect(MAGIC_CODE_DIGITS).toBe(6);
    expect(DEFAULT_MAGIC_CODE_EXPIRY_MINUTES).toBe(1440);
    expect(DEFAULT_MAGIC_CODE_TTL_MS).toBe(24 * 60 * 60 * 1000);
    const { sql, env } = authSetup();
    expect(createMagicCode(sql, env.randomBytes, ADA, T0)).toMatch(/^\d{6}$/);
    expect(createMagicCode(sql, scriptedBytes([[0, 0, 0, 42]]), ADA, T0)).toBe("000042");
  });

  it("are stored only as hashes bound to the email", () => {
    const { sql, env } = authSetup();
    const code = createMagicCode(sql, env.randomBytes, ADA, T0);
    const rows = sql.all<{ email: string; code_hash: string; attempts: number }>(`SELECT email, code_hash, attempts FROM auth_magic_codes`);
    expect(rows).toEqual([{ email: ADA, code_hash: hashMagicCode(ADA, code), attempts: 0 }]);
    expect(hashMagicCode(ADA, code)).not.toBe(hashMagicCode(BOB, code));
    expect(allStoredStrings(sql).some((s) => s.includes(code))).toBe(false);
  });

  it("verify once: a second use is record-not-found with Instant's body", () => {
    const { sql, env } = authSetup();
    const code = createMagicCode(sql, env.randomBytes, ADA, T0);
    consumeMagicCode(sql, ADA, code, T0 + 1);
    const err = instantError(() => consumeMagicCode(sql, ADA, code, T0 + 2));
    expect(err.status).toBe(400);
    expect(err.toBody()).toEqual({
      type: "record-not-found",
      message: "Record not found: app-user-magic-code",
      hint: { "record-type": "app-user-magic-code", args: [] },
    });
  });

  it("belong to their email only, and accept surrounding whitespace", () => {
    const { sql, env } = authSetup();
    const code = createMagicCode(sql, env.randomBytes, ADA, T0);
    expect(instantError(() => consumeMagicCode(sql, BOB, code, T0)).type).toBe("record-not-found");
    consumeMagicCode(sql, ADA, ` ${code} `, T0);
  });

  it("expire: valid at exactly the expiry, record-expired one ms later (and then gone)", () => {
    const { sql, env } = authSetup();
    const a = createMagicCode(sql, env.randomBytes, ADA, T0);
    consumeMagicCode(sql, ADA, a, T0 + DEFAULT_MAGIC_CODE_TTL_MS);
    const b = createMagicCode(sql, env.randomBytes, ADA, T0);
    const err = instantError(() => consumeMagicCode(sql, ADA, b, T0 + DEFAULT_MAGIC_CODE_TTL_MS + 1));
    expect(err.toBody()).toEqual({ type: "record-expired", message: "Record expired: app-user-magic-code", hint: { args: [] } });
    expect(instantError(() => consumeMagicCode(sql, ADA, b, T0)).type).toBe("record-not-found");
  });

  it("honour a per-app expiry", () => {
    const { sql, env } = authSetup();
    const ttl = 10 * 60 * 1000;
    const code = createMagicCode(sql, env.randomBytes, ADA, T0, ttl);
    expect(instantError(() => consumeMagicCode(sql, ADA, code, T0 + ttl + 1, ttl)).type).toBe("record-expired");
  });

  it("are void after MAX_MAGIC_CODE_ATTEMPTS wrong guesses for the email (every outstanding code)", () => {
    expect(MAX_MAGIC_CODE_ATTEMPTS).toBe(5);
    const { sql, env } = authSetup();
    const c1 = createMagicCode(sql, env.randomBytes, ADA, T0);
    const c2 = createMagicCode(sql, env.randomBytes, ADA, T0);
    const bob = createMagicCode(sql, env.randomBytes, BOB, T0);
    const guess = wrongGuess(c1, c2);
    for (let i = 0; i < MAX_MAGIC_CODE_ATTEMPTS - 1; i++) {
      expect(instantError(() => consumeMagicCode(sql, ADA, guess, T0)).type).toBe("record-not-found");
    }
    expect(sql.all<{ attempts: number }>(`SELECT attempts FROM auth_magic_codes WHERE email = ?`, ADA).map((r) => r.attempts)).toEqual([4, 4]);
    // The fifth wrong guess voids both codes, right as they are.
    instantError(() => consumeMagicCode(sql, ADA, guess, T0));
    expect(instantError(() => consumeMagicCode(sql, ADA, c1, T0)).type).toBe("record-not-found");
    expect(instantError(() => consumeMagicCode(sql, ADA, c2, T0)).type).toBe("record-not-found");
    // Other emails are untouched.
    consumeMagicCode(sql, BOB, bob, T0);
  });

  it("still verify after fewer wrong guesses than the cap", () => {
    const { sql, env } = authSetup();
    const code = createMagicCode(sql, env.randomBytes, ADA, T0);
    for (let i = 0; i < MAX_MAGIC_CODE_ATTEMPTS - 1; i++) instantError(() => consumeMagicCode(sql, ADA, wrongGuess(code), T0));
    consumeMagicCode(sql, ADA, code, T0);
  });

  it("a new code after the cap starts with a fresh budget", () => {
    const { sql, env } = authSetup();
    const old = createMagicCode(sql, env.randomBytes, ADA, T0);
    for (let i = 0; i < MAX_MAGIC_CODE_ATTEMPTS; i++) instantError(() => consumeMagicCode(sql, ADA, wrongGuess(old), T0));
    const fresh = createMagicCode(sql, env.randomBytes, ADA, T0 + 1);
    consumeMagicCode(sql, ADA, fresh, T0 + 2);
  });

  it("are pruned once expired when new codes are made", () => {
    const { sql, env } = authSetup();
    createMagicCode(sql, env.randomBytes, ADA, T0);
    createMagicCode(sql, env.randomBytes, BOB, T0 + DEFAULT_MAGIC_CODE_TTL_MS + 1);
    expect(sql.all<{ email: string }>(`SELECT email FROM auth_magic_codes`).map((r) => r.email)).toEqual([BOB]);
  });
});
