/**
 * The app's own row, kept in the app database's `meta` table: identity, title, admin
 * token (hashed), status, rules. An app database without this row belongs to an app
 * that was never created.
 */
import type { JsonValue } from "../model/triple";
import type { Sql } from "../store/sql";
import { constantTimeEqual } from "../util/constant-time";
import { sha256Hex } from "../util/sha256";
import type { MagicCodeTemplate } from "../auth/email-template";

export const APP_STATUSES = ["active", "read-only", "disabled"] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

export type AppRecord = {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly ephemeral: boolean;
  /** Epoch ms after which an ephemeral app may be deleted; null for durable apps. */
  readonly expiresAt: number | null;
  readonly adminTokenHash: string;
  readonly status: AppStatus;
  /** The permission rules document (`rules.code`), stored for the permissions layer. */
  readonly rules: JsonValue | null;
  /** The magic-code email's subject and body; absent = the default template. */
  readonly magicCodeTemplate?: MagicCodeTemplate | null;
};

const APP_KEY = "app";

export function readApp(sql: Sql): AppRecord | null {
  const row = sql.all<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, APP_KEY)[0];
  return row ? (JSON.parse(row.value) as AppRecord) : null;
}

export function writeApp(sql: Sql, app: AppRecord): void {
  sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, APP_KEY, JSON.stringify(app));
}

export function hashAdminToken(token: string): string {
  return sha256Hex(`admin-token:${token}`);
}

export function adminTokenMatches(app: AppRecord, token: string): boolean {
  return constantTimeEqual(hashAdminToken(token), app.adminTokenHash);
}
