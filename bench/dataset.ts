/**
 * The bench's data: Instant's own "zeneca" sample app (users → bookshelves → books),
 * replicated with fresh entity ids until it reaches the wanted number of triples, so the
 * shape (fan-out of links, value sizes) stays realistic while the volume grows.
 * Loaded with plain INSERTs in one transaction: loading is setup, not what we measure.
 */
import { readFileSync } from "node:fs";
import type { Attr } from "../src/model/attr";
import type { JsonValue, Triple } from "../src/model/triple";
import { type AttrWire, attrFromWire, attrToWire } from "../src/protocol/attr-wire";
import { AttrRegistry } from "../src/store/attr-registry";
import { migrate } from "../src/store/migrations";
import { sortKey } from "../src/store/sort-key";
import type { Sql } from "../src/store/sql";
import { encodeValue } from "../src/store/value-codec";

const FIXTURE = "/work/shared/fixtures/instant-sample-data/zeneca";

/**
 * Index and type the attrs the bench filters and orders on, as an app's schema would
 * (the raw sample data leaves them untyped and unindexed).
 */
const TYPED: Record<string, Partial<Attr>> = {
  "books.pageCount": { indexed: true, checkedDataType: "number" },
  "books.title": { indexed: true, checkedDataType: "string" },
  "users.handle": { indexed: true, checkedDataType: "string" },
  "bookshelves.order": { indexed: true, checkedDataType: "number" },
};

/** Unique attrs whose values must stay unique across copies. */
const UNIQUE_STRINGS = new Set(["users.handle", "users.email"]);

/** The copy's created_at offset: one copy's span (~440 s) plus a margin, so copies don't interleave. */
const COPY_SPAN_MS = 500_000;

export type Dataset = {
  readonly attrs: Attr[];
  readonly wireAttrs: { [k: string]: JsonValue }[];
  /** Every triple, held in memory for the client-engine baseline only. */
  readonly triples: Triple[];
  readonly copies: number;
  /** Handles of the users, copy by copy (copy 0 keeps the original "stopa", "joe", …). */
  readonly handles: string[];
};

export function zenecaAttrs(): Attr[] {
  const raw = JSON.parse(readFileSync(`${FIXTURE}/attrs.json`, "utf8")) as AttrWire[];
  return raw.map((w) => {
    const a = attrFromWire(w);
    return { ...a, ...TYPED[`${a.forward.etype}.${a.forward.label}`] };
  });
}

function zenecaTriples(): [string, string, JsonValue, number][] {
  return JSON.parse(readFileSync(`${FIXTURE}/triples.json`, "utf8")) as [string, string, JsonValue, number][];
}

/** A fresh, valid uuid for entity `id` in copy `k` (copy 0 keeps the original ids). */
export const copyId = (id: string, k: number): string => (k === 0 ? id : `f${k.toString(16).padStart(7, "0")}${id.slice(8)}`);

/** Builds the replicated triples (≥ `target`, whole copies) without touching SQLite. */
export function replicate(target: number): Dataset {
  const attrs = zenecaAttrs();
  const base = zenecaTriples();
  const byId = new Map(attrs.map((a) => [a.id, a]));
  const copies = Math.max(1, Math.ceil(target / base.length));
  const triples: Triple[] = [];
  const handles: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (const [e, a, v, t] of base) {
      const attr = byId.get(a);
      const name = attr ? `${attr.forward.etype}.${attr.forward.label}` : "";
      let value = v;
      // Entity ids appear as values in id triples and ref triples: both follow the copy.
      if (attr && typeof v === "string" && (attr.valueType === "ref" || attr.forward.label === "id")) value = copyId(v, k);
      else if (k > 0 && typeof v === "string" && UNIQUE_STRINGS.has(name)) value = `${v}-${k}`;
      if (name === "users.handle") handles.push(value as string);
      triples.push([copyId(e, k), a, value, t + k * COPY_SPAN_MS]);
    }
  }
  return { attrs, wireAttrs: attrs.map(attrToWire), triples, copies, handles };
}

/** Migrates `sql`, stores the attrs and inserts every triple in one transaction. */
export function loadInto(sql: Sql, data: Dataset): AttrRegistry {
  migrate(sql);
  const registry = new AttrRegistry(sql);
  sql.transaction(() => {
    for (const a of data.attrs) registry.put(a);
    // The tx log starts with a genesis tx, as createApp writes one.
    sql.run(`INSERT INTO txes (created_at) VALUES (?)`, 1_700_000_000_000);
    const keyAttrs = new Map(data.attrs.map((a) => [a.id, a]));
    for (const [e, a, v, t] of data.triples) {
      const enc = encodeValue(v);
      // k: the sort key every writer stores with a triple (order and cursors read it).
      const k = sortKey(enc.vt, enc.v, keyAttrs.get(a) ?? { indexed: false, checkedDataType: null });
      sql.run(`INSERT OR IGNORE INTO triples (e, a, vt, v, t, k) VALUES (?, ?, ?, ?, ?, ?)`, e, a, enc.vt, enc.v, t, k);
    }
  });
  // No ANALYZE: nothing in src runs it, so the planner sees what a DO's database sees.
  return registry;
}
