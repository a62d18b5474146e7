/**
 * The bench's data: the generated sample library (test/sample-library: users →
 * bookshelves → books, with its typed and indexed attrs) at BENCH_TRIPLES triples, so the
 * shape (fan-out of links, value sizes) stays realistic while the volume grows and the
 * repository needs no data set of its own. INSTANT_SAMPLE_DATA=<dir> benches an export
 * in Instant's format instead, as it is (see test/sample-library/sample-dir.ts).
 * Loaded with plain INSERTs in one transaction: loading is setup, not what we measure.
 */
import type { Attr } from "../src/model/attr";
import type { JsonValue, Triple } from "../src/model/triple";
import { attrToWire } from "../src/protocol/attr-wire";
import { AttrRegistry } from "../src/store/attr-registry";
import { migrate } from "../src/store/migrations";
import { sortKey } from "../src/store/sort-key";
import type { Sql } from "../src/store/sql";
import { encodeValue } from "../src/store/value-codec";
import { DEFAULT_TRIPLES, generateLibrary, type Library } from "../test/sample-library/generate";
import { readSampleDir, SAMPLE_DATA_ENV, sampleDirFromEnv } from "../test/sample-library/sample-dir";

/** One fixed seed: runs on the same size bench the same data. */
const BENCH_SEED = 1;

/**
 * An external export may leave the attrs the bench filters and orders on untyped and
 * unindexed; they get what an app's schema would give them (the library has them).
 */
const TYPED: Record<string, Partial<Attr>> = {
  "books.pageCount": { indexed: true, checkedDataType: "number" },
  "books.title": { indexed: true, checkedDataType: "string" },
  "users.handle": { indexed: true, checkedDataType: "string" },
  "bookshelves.order": { indexed: true, checkedDataType: "number" },
};

export type Dataset = {
  /** Where the data came from, for the printed setup lines. */
  readonly source: string;
  readonly attrs: Attr[];
  readonly wireAttrs: { [k: string]: JsonValue }[];
  /** Every triple, held in memory for the client-engine baseline only. */
  readonly triples: Triple[];
  /** Handles of the users, in creation order (the library's start with "stopa", "joe", …). */
  readonly handles: string[];
};

const fromLibrary = (source: string, lib: Library): Dataset => ({ source, ...lib });

/** The bench's main data set: the external export if one is named, else the library at `target`. */
export function benchDataset(target: number): Dataset {
  const dir = sampleDirFromEnv();
  if (dir === null) return fromLibrary(`generated library, seed ${BENCH_SEED}`, generateLibrary({ seed: BENCH_SEED, triples: target }));
  // An external set is benched at its own size: BENCH_TRIPLES only sizes generated data.
  const lib = readSampleDir(dir);
  const attrs = lib.attrs.map((a) => (a.checkedDataType ? a : { ...a, ...TYPED[`${a.forward.etype}.${a.forward.label}`] }));
  return { source: `${SAMPLE_DATA_ENV}=${dir}`, ...lib, attrs, wireAttrs: attrs.map(attrToWire) };
}

/** The small data set the wake bench compares with: the library at its default size. */
export function smallDataset(): Dataset {
  return fromLibrary(`generated library, ${DEFAULT_TRIPLES} triples`, generateLibrary({ seed: BENCH_SEED }));
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
