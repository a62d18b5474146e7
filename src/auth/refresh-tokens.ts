/**
 * Refresh tokens: random uuids (Instant's clients and admin SDK expect uuids) handed to
 * the client once and stored only as domain-separated sha256 hashes in
 * `auth_refresh_tokens`. A token is looked up by its hash and the stored hash is then
 * compared in constant time. Tokens are never logged or put in error messages.
 */
import type { Sql } from "../store/sql";
import { constantTimeEqual } from "../util/constant-time";
import { sha256Hex } from "../util/sha256";
import { isUuid } from "../util/uuid";
import { type RandomBytes, randomUuid } from "./random";

/** A token about to be handed out: the plaintext goes to the client, the rest to SQLite. */
export type IssuedRefreshToken = {
  readonly token: string;
  readonly hash: string;
  readonly userId: string;
  readonly createdAt: number;
};

/** The stored form of a token. Uuids compare case-insensitively, as Instant parses them. */
export function hashRefreshToken(token: string): string {
  return sha256Hex(`refresh-token:${token.toLowerCase()}`);
}

/** A fresh token for `userId`; nothing is stored until saveRefreshToken. */
export function newRefreshToken(randomBytes: RandomBytes, userId: string, now: number): IssuedRefreshToken {
  const token = randomUuid(randomBytes);
  return { token, hash: hashRefreshToken(token), userId, createdAt: now };
}

/** Stores the token's hash (never the token) so it resolves to its user. */
export function saveRefreshToken(sql: Sql, issued: IssuedRefreshToken): void {
  sql.run(
    `INSERT INTO auth_refresh_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)`,
    issued.hash,
    issued.userId,
    issued.createdAt,
  );
}

/** newRefreshToken + saveRefreshToken, for a user that already exists; returns the plaintext. */
export function issueRefreshToken(sql: Sql, randomBytes: RandomBytes, userId: string, now: number): string {
  const issued = newRefreshToken(randomBytes, userId, now);
  saveRefreshToken(sql, issued);
  return issued.token;
}

/**
 * The id of the user a token was issued to, or null for an unknown or non-uuid token.
 * Does not check that the user still exists (users.ts findUserByRefreshToken does).
 */
export function resolveRefreshToken(sql: Sql, token: string): string | null {
  if (!isUuid(token)) return null;
  const hash = hashRefreshToken(token);
  const row = sql.all<{ token_hash: string; user_id: string }>(
    `SELECT token_hash, user_id FROM auth_refresh_tokens WHERE token_hash = ?`,
    hash,
  )[0];
  return row && constantTimeEqual(row.token_hash, hash) ? row.user_id : null;
}

/** Deletes one token (sign-out). Unknown and malformed tokens are a no-op, as in Instant. */
export function revokeRefreshToken(sql: Sql, token: string): void {
  if (!isUuid(token)) return;
  sql.run(`DELETE FROM auth_refresh_tokens WHERE token_hash = ?`, hashRefreshToken(token));
}

/** Deletes every token of these users (admin sign-out, user deletion). */
export function revokeUserRefreshTokens(sql: Sql, userIds: readonly string[]): void {
  if (userIds.length === 0) return;
  sql.run(`DELETE FROM auth_refresh_tokens WHERE user_id IN (SELECT value FROM json_each(?))`, JSON.stringify(userIds));
}
