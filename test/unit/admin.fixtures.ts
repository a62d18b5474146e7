/**
 * Shared setup for the admin API tests: the browser client's own expansion
 * (`instaml.transform` from @instantdb/core) as the oracle for ours, the admin SDK's way
 * of turning `db.tx` chunks into `steps` (their ops, through JSON), a normaliser that
 * makes two expansions comparable despite fresh attr ids, and a small test app.
 */
import { transform } from "../../node_modules/@instantdb/core/dist/esm/instaml.js";
import { getOps, tx as typedTx } from "../../node_modules/@instantdb/core/dist/esm/instatx.js";
import { AttrsStoreClass } from "../../node_modules/@instantdb/core/dist/esm/store.js";
import { type AdminTxInput, adminStepsToWire, expandAdminSteps } from "../../src/admin/expand-steps";
import type { Attr } from "../../src/model/attr";
import type { JsonValue } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import { transact, type TxEnv, type TxResult } from "../../src/tx";
import { type Db, blob, link, openDb, putAttrs, testAuth } from "../helpers/seed";

export type Chunk = Parameters<typeof transform>[1];
type Builder = {
  create(args: object): Chunk;
  update(args: object, opts?: object): Chunk;
  merge(args: object, opts?: object): Chunk;
  link(args: object): Chunk;
  unlink(args: object): Chunk;
  delete(): Chunk;
  ruleParams(args: object): Chunk;
};

/** `db.tx[etype][id]` without a schema's types. */
export const on = (etype: string, id: string): Builder =>
  (typedTx as unknown as Record<string, Record<string, Builder>>)[etype]?.[id] as Builder;

/** What the admin SDK posts as `steps` for these chunks: their ops, through JSON. */
export const adminSteps = (chunks: Chunk | Chunk[]): JsonValue[] =>
  JSON.parse(JSON.stringify((Array.isArray(chunks) ? chunks : [chunks]).flatMap((c) => getOps(c as never)))) as JsonValue[];

/** What the browser client sends for the same chunks, knowing the app's attrs and no cached data. */
export function clientWire(db: Db, chunks: Chunk | Chunk[]): JsonValue[] {
  const attrs = Object.fromEntries(db.attrs.all().map((a) => [a.id, attrToWire(a)]));
  return transform({ attrsStore: new AttrsStoreClass(attrs as never, null as never), stores: [] } as never, chunks) as JsonValue[];
}

/** Sequential uuids, so expansions are deterministic. */
export function idSource(prefix = "99999999"): () => string {
  let n = 0;
  return () => `${prefix}-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}`;
}

export const input = (steps: JsonValue[], throwOnMissingAttrs = false): AdminTxInput => ({ steps, throwOnMissingAttrs });

export const adminWire = (db: Db, steps: JsonValue[], throwOnMissingAttrs = false): JsonValue[] =>
  adminStepsToWire({ attrs: db.attrs, newId: idSource() }, input(steps, throwOnMissingAttrs));

type Obj = { [k: string]: JsonValue };

/**
 * Wire steps with attr ids replaced by `attr:etype.label`, and add-attr objects reduced
 * to the properties both sides define (ids, `isUnsynced`, `catalog`, `required?` dropped).
 */
export function normalize(db: Db, steps: JsonValue[]): JsonValue[] {
  const names = new Map<string, string>();
  for (const a of db.attrs.all()) names.set(a.id, `attr:${a.forward.etype}.${a.forward.label}`);
  for (const s of steps) {
    const attr = (s as JsonValue[])[0] === "add-attr" ? ((s as JsonValue[])[1] as Obj) : null;
    const fwd = attr?.["forward-identity"] as string[] | undefined;
    if (attr && fwd) names.set(attr.id as string, `attr:${fwd[1]}.${fwd[2]}`);
  }
  const rename = (v: JsonValue): JsonValue =>
    typeof v === "string" ? (names.get(v) ?? v) : Array.isArray(v) ? v.map(rename) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)])) : v;
  return steps.map((s) => {
    const step = s as JsonValue[];
    if (step[0] !== "add-attr") return rename(step);
    const a = step[1] as Obj;
    const rev = a["reverse-identity"] as string[] | null | undefined;
    return [
      "add-attr",
      {
        forward: (a["forward-identity"] as string[]).slice(1),
        reverse: rev ? rev.slice(1) : null,
        "value-type": a["value-type"] as string,
        cardinality: a.cardinality as string,
        "unique?": a["unique?"] as boolean,
        "index?": a["index?"] as boolean,
      },
    ];
  });
}

/**
 * A small app with attrs already in place: users (unique indexed email), posts with a
 * has-one author ↔ users.posts and many tags ↔ tags.posts, tags (unique slug), and a
 * unique has-one `profiles.user` ↔ `users.profile` (one profile per user).
 */
export function schemaApp(): Db {
  const db = openDb();
  const attrs: Attr[] = [
    blob("users", "id"),
    blob("users", "email", { unique: true, indexed: true, type: "string" }),
    blob("users", "name"),
    blob("posts", "id"),
    blob("posts", "title", { indexed: true, type: "string" }),
    blob("posts", "n", { indexed: true, type: "number" }),
    blob("posts", "meta"),
    link("posts", "author", "users", "posts", "one"),
    link("posts", "tags", "tags", "posts"),
    blob("tags", "id"),
    blob("tags", "slug", { unique: true, indexed: true, type: "string" }),
    blob("profiles", "id"),
    blob("profiles", "bio"),
    { ...link("profiles", "user", "users", "profile", "one"), unique: true },
  ];
  putAttrs(db, attrs);
  return db;
}

/** One id stream for every adminTransact call, so attrs created by later calls never reuse an id. */
const txIds = idSource("77777777");
/** Each adminTransact call commits one second after the previous one (default order is by creation). */
const TX_CLOCK_STEP_MS = 1000;
let clock = 1_700_000_000_000;

/** Applies admin steps the way the admin route will: expand, then one transaction. */
export function adminTransact(db: Db, steps: JsonValue[], opts: { throwOnMissingAttrs?: boolean } = {}): TxResult {
  const newId = txIds;
  const t = (clock += TX_CLOCK_STEP_MS);
  const env: TxEnv = { sql: db.sql, attrs: db.attrs, now: () => t, newId, auth: testAuth(true) };
  return transact(env, expandAdminSteps({ attrs: db.attrs, newId }, input(steps, opts.throwOnMissingAttrs ?? false)));
}
