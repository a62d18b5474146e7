import { describe, expect, it } from "vitest";
import {
  consumeRateLimit,
  EMAIL_RATE_LIMITED_MESSAGE,
  MAGIC_CODE_SEND_LIMIT,
  MAGIC_CODE_SENDS_PER_WINDOW,
  MAGIC_CODE_VERIFY_LIMIT,
  RATE_LIMIT_WINDOW_MS,
  type RateLimit,
} from "../../src/auth/rate-limit";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { useTempDir } from "../helpers/temp-dir";
import { authSetup, instantError, T0 } from "./auth.fixtures";

const small: RateLimit = { bucket: "test", limit: 3, windowMs: 1000 };

describe("rate limits", () => {
  const dir = useTempDir("auth-rate-limit-");

  it("uses Instant's magic-code numbers: 20 sends and 20 verifies per email per hour", () => {
    expect(MAGIC_CODE_SEND_LIMIT).toEqual({ bucket: "magic-code-send", limit: 20, windowMs: 3_600_000 });
    expect(MAGIC_CODE_VERIFY_LIMIT).toEqual({ bucket: "magic-code-verify", limit: 20, windowMs: 3_600_000 });
    expect(MAGIC_CODE_SENDS_PER_WINDOW).toBe(20);
    expect(RATE_LIMIT_WINDOW_MS).toBe(60 * 60 * 1000);
  });

  it("lets `limit` hits through per window, then answers rate-limited 429 with Instant's message and no hint", () => {
    const { sql } = authSetup();
    for (let i = 0; i < 3; i++) consumeRateLimit(sql, small, "ada@example.com", T0 + i);
    const err = instantError(() => consumeRateLimit(sql, small, "ada@example.com", T0 + 10));
    expect(err.status).toBe(429);
    expect(err.toBody()).toEqual({ type: "rate-limited", message: EMAIL_RATE_LIMITED_MESSAGE });
    expect(EMAIL_RATE_LIMITED_MESSAGE).toBe("Too many verification codes requested for this email. Please try again later.");
  });

  it("counts keys and buckets separately", () => {
    const { sql } = authSetup();
    for (let i = 0; i < 3; i++) consumeRateLimit(sql, small, "a", T0);
    expect(() => consumeRateLimit(sql, small, "a", T0)).toThrow();
    consumeRateLimit(sql, small, "b", T0);
    consumeRateLimit(sql, { ...small, bucket: "other" }, "a", T0);
  });

  it("opens a new window once the old one has run its length (fixed window from the first hit)", () => {
    const { sql } = authSetup();
    for (let i = 0; i < 3; i++) consumeRateLimit(sql, small, "a", T0 + 100 * i);
    // Still inside [T0, T0 + 1000): refused, and a refusal does not extend the window.
    expect(() => consumeRateLimit(sql, small, "a", T0 + 999)).toThrow();
    consumeRateLimit(sql, small, "a", T0 + 1000);
    consumeRateLimit(sql, small, "a", T0 + 1500);
    consumeRateLimit(sql, small, "a", T0 + 1999);
    expect(() => consumeRateLimit(sql, small, "a", T0 + 1999)).toThrow();
    consumeRateLimit(sql, small, "a", T0 + 2000);
  });

  it("prunes finished windows of the bucket when a new window opens", () => {
    const { sql } = authSetup();
    consumeRateLimit(sql, small, "a", T0);
    consumeRateLimit(sql, small, "b", T0 + 10);
    consumeRateLimit(sql, small, "c", T0 + 5000);
    const keys = sql.all<{ key: string }>(`SELECT key FROM auth_rate_limits ORDER BY key`).map((r) => r.key);
    expect(keys).toEqual(["c"]);
  });

  it("survives a restart: the counts live in SQLite", () => {
    const path = `${dir()}/app.sqlite`;
    const first = openNodeSql(path);
    migrate(first);
    for (let i = 0; i < 3; i++) consumeRateLimit(first, small, "a", T0);
    first.close();
    const second = openNodeSql(path);
    migrate(second);
    expect(() => consumeRateLimit(second, small, "a", T0 + 1)).toThrow(EMAIL_RATE_LIMITED_MESSAGE);
    second.close();
  });
});
