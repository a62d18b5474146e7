/**
 * The app database's schema, as an ordered list of versioned migrations. Each runs once,
 * inside one transaction, and its version is recorded in `schema_migrations`. Never edit
 * a released migration: append a new one.
 */
import { backfillSortKeys } from "./sort-key-backfill";
import type { Sql } from "./sql";

/** `after` runs JS work (e.g. a backfill SQL cannot express) inside the same transaction. */
export type Migration = {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  readonly after?: (sql: Sql) => void;
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "core tables: meta, attrs, triples, tx log",
    statements: [
      // App-level key/value facts: the app row, the last committed tx-id.
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE attrs (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL
      )`,
      // Every forward and reverse name of every attr; (etype, label) is unique across both.
      `CREATE TABLE idents (
        etype TEXT NOT NULL,
        label TEXT NOT NULL,
        ident_id TEXT NOT NULL,
        attr_id TEXT NOT NULL,
        PRIMARY KEY (etype, label)
      )`,
      // Triples: vt is the value-codec tag, v the native value, t the first-write time in ms.
      `CREATE TABLE triples (
        e TEXT NOT NULL,
        a TEXT NOT NULL,
        vt INTEGER NOT NULL,
        v,
        t INTEGER NOT NULL
      )`,
      // (entity, attr): an entity's fields; unique so cardinality-many sets hold each value once.
      `CREATE UNIQUE INDEX triples_eav ON triples (e, a, vt, v)`,
      // (attr, value): equality, uniqueness, lookups, reverse links, ranges and order.
      `CREATE INDEX triples_av ON triples (a, v, vt)`,
      // (attr, created_at): serverCreatedAt order and cursors over id triples.
      `CREATE INDEX triples_at ON triples (a, t, e)`,
      `CREATE TABLE txes (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: "sessions' subscriptions and presence, so they survive hibernation",
    statements: [
      `CREATE TABLE subscriptions (
        session_id TEXT NOT NULL,
        q_key TEXT NOT NULL,
        q_json TEXT NOT NULL,
        result_hash TEXT NOT NULL,
        deps TEXT NOT NULL,
        PRIMARY KEY (session_id, q_key)
      )`,
      `CREATE TABLE presence (
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        peer_json TEXT NOT NULL,
        PRIMARY KEY (room_id, session_id)
      )`,
      `CREATE INDEX presence_by_session ON presence (session_id)`,
    ],
  },
  {
    version: 3,
    name: "sort keys: triples.k (collation key / date ms / number) indexed by (attr, k)",
    statements: [
      // See sort-key.ts: order, cursors and date comparisons read k instead of a per-row expression.
      `ALTER TABLE triples ADD COLUMN k`,
      `UPDATE triples SET k = v WHERE vt IN (1, 2)`,
      `CREATE INDEX triples_ak ON triples (a, k, e)`,
    ],
    // String keys need the collation table (JS); existing string triples are keyed once.
    after: backfillSortKeys,
  },
  {
    version: 4,
    name: "auth: refresh-token hashes, magic-code hashes, rate-limit windows",
    statements: [
      // Refresh tokens exist here only as sha256 hashes (src/auth/refresh-tokens.ts).
      `CREATE TABLE auth_refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      // Sign-out of a user and user deletion revoke all of a user's tokens.
      `CREATE INDEX auth_refresh_tokens_by_user ON auth_refresh_tokens (user_id)`,
      // Outstanding magic codes, hashed; attempts counts wrong guesses for the email since the code was made.
      `CREATE TABLE auth_magic_codes (
        email TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (email, code_hash)
      )`,
      // Pruning expired codes.
      `CREATE INDEX auth_magic_codes_by_created ON auth_magic_codes (created_at)`,
      // Fixed-window counters (src/auth/rate-limit.ts): one row per (limit, key) window.
      `CREATE TABLE auth_rate_limits (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (bucket, key)
      )`,
      // Pruning finished windows.
      `CREATE INDEX auth_rate_limits_by_window ON auth_rate_limits (bucket, window_start)`,
    ],
  },
];

/** Brings the database up to the newest migration. Returns the versions it applied. */
export function migrate(sql: Sql): number[] {
  sql.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`);
  const done = new Set(sql.all<{ version: number }>(`SELECT version FROM schema_migrations`).map((r) => r.version));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    sql.transaction(() => {
      for (const statement of m.statements) sql.run(statement);
      m.after?.(sql);
      sql.run(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name);
    });
    applied.push(m.version);
  }
  return applied;
}
