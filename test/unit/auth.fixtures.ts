/**
 * Shared setup for the auth tests: a migrated in-memory app database, an AuthEnv with a
 * controllable clock, seeded randomness and predictable user ids, and `commit`, which
 * applies returned steps through the real transaction engine as an admin transaction.
 */
import type { AuthEnv } from "../../src/auth/auth-env";
import type { RandomBytes } from "../../src/auth/random";
import { type Attr, blobAttr } from "../../src/model/attr";
import { AttrRegistry } from "../../src/store/attr-registry";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import type { Sql } from "../../src/store/sql";
import { transact, type TxEnv, type TxStep } from "../../src/tx";
import { testAuth } from "../helpers/seed";
export { instantError } from "../helpers/instant-error";

export const APP_ID = "6f0e8b7a-2c1d-4e3f-9a8b-7c6d5e4f3a2b";
export const T0 = 1_700_000_000_000;

/** Deterministic uuids for users and attrs. */
export const uid = (n: number, prefix = "a"): string => `${prefix.repeat(8)}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

/** Seeded pseudo-random bytes (mulberry32): deterministic, well spread. */
export function seededBytes(seed = 42): RandomBytes {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
  return (n) => Uint8Array.from({ length: n }, next);
}

/** Bytes played back from a script, for exact control (e.g. rejection sampling). */
export function scriptedBytes(chunks: number[][]): RandomBytes {
  const queue = chunks.map((c) => Uint8Array.from(c));
  return (n) => {
    const next = queue.shift();
    if (!next || next.length !== n) throw new Error(`script exhausted or wrong size (wanted ${n})`);
    return next;
  };
}

export function authSetup(opts: { randomBytes?: RandomBytes } = {}) {
  const sql = openNodeSql();
  migrate(sql);
  const attrs = new AttrRegistry(sql);
  let clock = T0;
  let users = 0;
  let txIds = 0;
  const env: AuthEnv = {
    sql,
    attrs,
    appId: APP_ID,
    now: () => clock,
    randomBytes: opts.randomBytes ?? seededBytes(),
    newId: () => uid(++users, "e"),
  };
  const txEnv: TxEnv = { sql, attrs, now: () => clock, newId: () => uid(++txIds, "f"), auth: testAuth(true) };
  return {
    sql,
    attrs,
    env,
    commit: (steps: TxStep[]) => transact(txEnv, steps),
    /** A custom `$users` attr, as an app's schema would add. */
    userAttr: (n: number, label: string, props: Partial<Attr> = {}) => {
      const attr = { ...blobAttr(uid(n, "b"), { id: uid(n, "c"), etype: "$users", label }), ...props };
      attrs.put(attr);
      return attr;
    },
    tick: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

export type AuthFixture = ReturnType<typeof authSetup>;


/** Every string stored anywhere in the database, for "no plaintext secret" checks. */
export function allStoredStrings(sql: Sql): string[] {
  const tables = sql.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).map((r) => r.name);
  return tables.flatMap((t) => sql.all(`SELECT * FROM "${t}"`).flatMap((row) => Object.values(row).filter((v): v is string => typeof v === "string")));
}
