/**
 * Fixed-window rate limits kept in SQLite (`auth_rate_limits`), so they survive
 * Durable Object hibernation and restarts. A window opens at a key's first hit and
 * lasts `windowMs`; within it at most `limit` hits pass. This matches Instant's
 * magic-code buckets (capacity N, refilled in full once an hour).
 */
import { InstantError } from "../protocol/errors";
import type { Sql } from "../store/sql";

export type RateLimit = {
  /** Names the counter family; keys of different buckets never share a count. */
  readonly bucket: string;
  readonly limit: number;
  readonly windowMs: number;
};

/** Instant's magic-code window. */
export const RATE_LIMIT_WINDOW_MS = 60 * 60 * 1000;

/** Magic-code emails per address per app per window (Instant's default: 20 an hour). */
export const MAGIC_CODE_SENDS_PER_WINDOW = 20;

/** Magic-code verifications per address per app per window, successful or not (Instant: 20 an hour). */
export const MAGIC_CODE_VERIFIES_PER_WINDOW = 20;

export const MAGIC_CODE_SEND_LIMIT: RateLimit = {
  bucket: "magic-code-send",
  limit: MAGIC_CODE_SENDS_PER_WINDOW,
  windowMs: RATE_LIMIT_WINDOW_MS,
};

export const MAGIC_CODE_VERIFY_LIMIT: RateLimit = {
  bucket: "magic-code-verify",
  limit: MAGIC_CODE_VERIFIES_PER_WINDOW,
  windowMs: RATE_LIMIT_WINDOW_MS,
};

export const RATE_LIMITED_STATUS = 429;

/** Instant's message for both magic-code limits. */
export const EMAIL_RATE_LIMITED_MESSAGE = "Too many verification codes requested for this email. Please try again later.";

/** `rate-limited`, HTTP 429, no hint: the body Instant sends when a magic-code limit trips. */
export function emailRateLimited(): InstantError {
  return new InstantError("rate-limited", EMAIL_RATE_LIMITED_MESSAGE, undefined, RATE_LIMITED_STATUS);
}

type WindowRow = { window_start: number; count: number };

/**
 * Counts one hit of `key` against `rl`, or throws `onLimited()` (default: Instant's
 * email rate-limited error) when the key's window is already full. A refused hit is
 * not counted. Runs as its own statements: the count must persist even though the
 * caller's request then fails.
 */
export function consumeRateLimit(
  sql: Sql,
  rl: RateLimit,
  key: string,
  now: number,
  onLimited: () => Error = emailRateLimited,
): void {
  const row = sql.all<WindowRow>(`SELECT window_start, count FROM auth_rate_limits WHERE bucket = ? AND key = ?`, rl.bucket, key)[0];
  if (!row || now >= row.window_start + rl.windowMs) {
    // A new window: finished windows of this bucket are dead weight, drop them.
    sql.run(`DELETE FROM auth_rate_limits WHERE bucket = ? AND window_start <= ?`, rl.bucket, now - rl.windowMs);
    sql.run(
      `INSERT INTO auth_rate_limits (bucket, key, window_start, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (bucket, key) DO UPDATE SET window_start = excluded.window_start, count = 1`,
      rl.bucket,
      key,
      now,
    );
    return;
  }
  if (row.count >= rl.limit) throw onLimited();
  sql.run(`UPDATE auth_rate_limits SET count = count + 1 WHERE bucket = ? AND key = ?`, rl.bucket, key);
}
