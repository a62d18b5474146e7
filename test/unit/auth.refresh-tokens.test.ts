import { describe, expect, it } from "vitest";
import {
  hashRefreshToken,
  issueRefreshToken,
  newRefreshToken,
  resolveRefreshToken,
  revokeRefreshToken,
  revokeUserRefreshTokens,
  saveRefreshToken,
} from "../../src/auth/refresh-tokens";
import { isUuid } from "../../src/util/uuid";
import { allStoredStrings, authSetup, T0, uid } from "./auth.fixtures";

const ADA = uid(1, "e");
const BOB = uid(2, "e");

describe("refresh tokens", () => {
  it("are random uuids that resolve to their user", () => {
    const { sql, env } = authSetup();
    const t1 = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    const t2 = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    const t3 = issueRefreshToken(sql, env.randomBytes, BOB, T0);
    expect([t1, t2, t3].every(isUuid)).toBe(true);
    expect(new Set([t1, t2, t3]).size).toBe(3);
    expect(resolveRefreshToken(sql, t1)).toBe(ADA);
    expect(resolveRefreshToken(sql, t2)).toBe(ADA);
    expect(resolveRefreshToken(sql, t3)).toBe(BOB);
  });

  it("resolve case-insensitively (they are uuids) and refuse unknown or malformed tokens", () => {
    const { sql, env } = authSetup();
    const t = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    expect(resolveRefreshToken(sql, t.toUpperCase())).toBe(ADA);
    expect(resolveRefreshToken(sql, uid(99, "d"))).toBeNull();
    expect(resolveRefreshToken(sql, "not-a-token")).toBeNull();
    expect(resolveRefreshToken(sql, "")).toBeNull();
    // The stored hash itself is not a token.
    expect(resolveRefreshToken(sql, hashRefreshToken(t))).toBeNull();
  });

  it("are stored only as domain-separated sha256 hashes: no table holds the plaintext", () => {
    const { sql, env } = authSetup();
    const tokens = [ADA, ADA, BOB].map((u) => issueRefreshToken(sql, env.randomBytes, u, T0));
    const stored = allStoredStrings(sql);
    for (const t of tokens) {
      expect(stored.some((s) => s.toLowerCase().includes(t))).toBe(false);
      expect(stored.some((s) => s.toLowerCase().includes(t.replace(/-/g, "")))).toBe(false);
    }
    const rows = sql.all<{ token_hash: string; user_id: string; created_at: number }>(`SELECT * FROM auth_refresh_tokens`);
    expect(rows.map((r) => r.token_hash).sort()).toEqual(tokens.map(hashRefreshToken).sort());
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.created_at === T0)).toBe(true);
    // Domain separation: not the bare sha256 of the token.
    expect(hashRefreshToken(tokens[0]!)).not.toBe(hashRefreshToken(`x${tokens[0]!}`));
  });

  it("are not usable until saved (newRefreshToken is pure)", () => {
    const { sql, env } = authSetup();
    const issued = newRefreshToken(env.randomBytes, ADA, T0);
    expect(resolveRefreshToken(sql, issued.token)).toBeNull();
    saveRefreshToken(sql, issued);
    expect(resolveRefreshToken(sql, issued.token)).toBe(ADA);
  });

  it("can be revoked one at a time or all of a user's at once", () => {
    const { sql, env } = authSetup();
    const a1 = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    const a2 = issueRefreshToken(sql, env.randomBytes, ADA, T0);
    const b1 = issueRefreshToken(sql, env.randomBytes, BOB, T0);
    revokeRefreshToken(sql, a1);
    expect(resolveRefreshToken(sql, a1)).toBeNull();
    expect(resolveRefreshToken(sql, a2)).toBe(ADA);
    revokeRefreshToken(sql, a1); // again: no-op
    revokeRefreshToken(sql, "garbage"); // malformed: no-op
    revokeUserRefreshTokens(sql, [ADA]);
    expect(resolveRefreshToken(sql, a2)).toBeNull();
    expect(resolveRefreshToken(sql, b1)).toBe(BOB);
    revokeUserRefreshTokens(sql, []);
    expect(resolveRefreshToken(sql, b1)).toBe(BOB);
  });
});
