/**
 * Magic codes: 6 uniformly random digits bound to an email, stored only as a hash in
 * `auth_magic_codes`, valid for an expiry window, consumed on first use. Every wrong
 * guess for an email counts against all its outstanding codes; a code that has seen
 * MAX_MAGIC_CODE_ATTEMPTS wrong guesses is void. Errors are Instant's:
 * `record-not-found` (record-type "app-user-magic-code") and `record-expired`.
 *
 * A 6-digit code has only 10^6 values, so its hash protects against reading the table,
 * not against an offline search; the real defences are expiry, single use, the attempt
 * cap and the verify rate limit (rate-limit.ts).
 */
import { InstantError, recordNotFound } from "../protocol/errors";
import type { Sql } from "../store/sql";
import { sha256Hex } from "../util/sha256";
import { type RandomBytes, randomDigits } from "./random";

export const MAGIC_CODE_DIGITS = 6;

/** Instant's default expiry (apps may configure another): 24 hours. */
export const DEFAULT_MAGIC_CODE_EXPIRY_MINUTES = 1440;
export const DEFAULT_MAGIC_CODE_TTL_MS = DEFAULT_MAGIC_CODE_EXPIRY_MINUTES * 60 * 1000;

/** Wrong verify attempts for an email after which its outstanding codes are void. */
export const MAX_MAGIC_CODE_ATTEMPTS = 5;

export const MAGIC_CODE_RECORD_TYPE = "app-user-magic-code";

/** The stored form of a code: bound to its email and domain-separated. */
export function hashMagicCode(email: string, code: string): string {
  return sha256Hex(`magic-code:${email}:${code}`);
}

/**
 * Makes a code for `email` (already normalized, email-address.ts), stores its hash and
 * returns the plain code, which only the email (or the admin API) may carry onward.
 * Codes past `ttlMs` are pruned on the way.
 */
export function createMagicCode(
  sql: Sql,
  randomBytes: RandomBytes,
  email: string,
  now: number,
  ttlMs: number = DEFAULT_MAGIC_CODE_TTL_MS,
): string {
  sql.run(`DELETE FROM auth_magic_codes WHERE created_at < ?`, now - ttlMs);
  const code = randomDigits(randomBytes, MAGIC_CODE_DIGITS);
  // The same code drawn twice for one email: the newer creation time wins.
  sql.run(
    `INSERT INTO auth_magic_codes (email, code_hash, created_at, attempts) VALUES (?, ?, ?, 0)
     ON CONFLICT (email, code_hash) DO UPDATE SET created_at = excluded.created_at, attempts = 0`,
    email,
    hashMagicCode(email, code),
    now,
  );
  return code;
}

/** Instant's body for a code that was never issued, was used, or was voided. */
export const magicCodeNotFound = (): InstantError => recordNotFound(MAGIC_CODE_RECORD_TYPE);

/** Instant's body for a code past its expiry (its hint carries no record-type). */
export const magicCodeExpired = (): InstantError =>
  new InstantError("record-expired", `Record expired: ${MAGIC_CODE_RECORD_TYPE}`, { args: [] });

/**
 * Consumes `code` for `email`: deleted whether or not it has expired (as Instant does),
 * then an expired code is `record-expired`. A code created exactly `ttlMs` ago is still
 * valid. A wrong code is `record-not-found` and counts one attempt against the email.
 * Each statement commits on its own: a failed verify must still leave its attempt.
 */
export function consumeMagicCode(
  sql: Sql,
  email: string,
  code: string,
  now: number,
  ttlMs: number = DEFAULT_MAGIC_CODE_TTL_MS,
): void {
  const row = sql.all<{ created_at: number }>(
    `DELETE FROM auth_magic_codes WHERE email = ? AND code_hash = ? RETURNING created_at`,
    email,
    hashMagicCode(email, code.trim()),
  )[0];
  if (!row) {
    recordWrongAttempt(sql, email);
    throw magicCodeNotFound();
  }
  if (row.created_at + ttlMs < now) throw magicCodeExpired();
}

function recordWrongAttempt(sql: Sql, email: string): void {
  sql.run(`UPDATE auth_magic_codes SET attempts = attempts + 1 WHERE email = ?`, email);
  sql.run(`DELETE FROM auth_magic_codes WHERE email = ? AND attempts >= ?`, email, MAX_MAGIC_CODE_ATTEMPTS);
}
