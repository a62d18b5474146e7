/**
 * Test seeding for the query engine: a migrated in-memory database, attr builders,
 * raw triple writes through value-codec, and loaded sample libraries (generated, or an
 * external export named by INSTANT_SAMPLE_DATA).
 */
import { type Attr, blobAttr, type CheckedDataType } from "../../src/model/attr";
import type { JsonValue, Triple } from "../../src/model/triple";
import { AttrRegistry } from "../../src/store/attr-registry";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import type { Sql } from "../../src/store/sql";
import { sortKey } from "../../src/store/sort-key";
import { encodeValue } from "../../src/store/value-codec";
import type { QueryEnv } from "../../src/query";
import { authContext } from "../../src/model/auth-context";
import { generateLibrary, type Library, type LibraryOptions } from "../sample-library/generate";
import { readSampleDir } from "../sample-library/sample-dir";

export type Db = { sql: Sql; attrs: AttrRegistry; env: QueryEnv; admin: QueryEnv };

export function openDb(): Db {
  const sql = openNodeSql();
  migrate(sql);
  const attrs = new AttrRegistry(sql);
  return { sql, attrs, env: { sql, attrs, auth: testAuth(false) }, admin: { sql, attrs, auth: testAuth(true) } };
}

/** An auth context for engine tests: anonymous, or admin. */
export function testAuth(isAdmin: boolean) {
  return authContext("00000000-0000-4000-8000-00000000a990", null, isAdmin);
}

/** A deterministic uuid-shaped id from a name (tests read better with names). */
export function uid(name: string): string {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = (h.toString(16).padStart(8, "0") + Buffer.from(name).toString("hex").padEnd(24, "0")).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type BlobOpts = { indexed?: boolean; unique?: boolean; type?: CheckedDataType };

export function blob(etype: string, label: string, o: BlobOpts = {}): Attr {
  return blobAttr(uid(`attr:${etype}.${label}`), { id: uid(`fwd:${etype}.${label}`), etype, label }, {
    unique: o.unique ?? label === "id",
    indexed: o.indexed ?? label === "id",
    checkedDataType: o.type ?? null,
  });
}

/** A link `etype.label` ↔ `revEtype.revLabel`; `has: "one"` makes the forward side has-one. */
export function link(etype: string, label: string, revEtype: string, revLabel: string, has: "one" | "many" = "many"): Attr {
  return {
    ...blob(etype, label),
    reverse: { id: uid(`rev:${revEtype}.${revLabel}`), etype: revEtype, label: revLabel },
    valueType: "ref",
    cardinality: has,
    unique: false,
    indexed: false,
  };
}

export function putAttrs(db: Db, attrs: Attr[]): void {
  for (const a of attrs) db.attrs.put(a);
}

export function addTriples(db: Db, triples: readonly (readonly [string, string, JsonValue, number])[]): void {
  for (const [e, a, v, t] of triples) {
    const enc = encodeValue(v);
    const k = sortKey(enc.vt, enc.v, db.attrs.get(a) ?? { indexed: false, checkedDataType: null });
    db.sql.run(`INSERT OR IGNORE INTO triples (e, a, vt, v, t, k) VALUES (?, ?, ?, ?, ?, ?)`, e, a, enc.vt, enc.v, t, k);
  }
}

/** Builds triples for an entity of `etype` from a plain object (the id triple included). */
export function entity(db: Db, etype: string, id: string, fields: Record<string, JsonValue>, t: number): Triple[] {
  const out: Triple[] = [];
  const idAttr = db.attrs.forward(etype, "id");
  if (!idAttr) throw new Error(`no id attr for ${etype}`);
  out.push([id, idAttr.id, id, t]);
  for (const [label, v] of Object.entries(fields)) {
    const attr = db.attrs.forward(etype, label);
    if (!attr) throw new Error(`no attr ${etype}.${label}`);
    for (const one of attr.cardinality === "many" && Array.isArray(v) ? v : [v]) out.push([id, attr.id, one, t]);
  }
  addTriples(db, out);
  return out;
}

export type Fixture = { db: Db; wireAttrs: { [k: string]: JsonValue }[]; triples: Triple[] };

/** A fresh database holding `lib`'s attrs and triples. */
export function fixtureOf(lib: Library): Fixture {
  const db = openDb();
  putAttrs(db, lib.attrs);
  db.sql.transaction(() => addTriples(db, lib.triples));
  return { db, wireAttrs: lib.wireAttrs, triples: lib.triples };
}

/** The generated sample library (test/sample-library), loaded: default seed and size unless told. */
export function loadLibrary(opts: LibraryOptions = {}): Fixture {
  return fixtureOf(generateLibrary(opts));
}

/** An external export directory (see test/sample-library/sample-dir.ts), loaded as it is. */
export function loadSampleDir(dir: string): Fixture {
  return fixtureOf(readSampleDir(dir));
}
