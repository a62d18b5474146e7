/**
 * Transaction throughput: small client-style transactions (built by the real client's
 * step builder, instaml.transform, ahead of time) through parseTxSteps + transact on the
 * bench database. The baseline, measured in the same run, is the storage floor:
 * the same triples written with bare prepared statements in one SQLite transaction,
 * with the tx-log row, so the ratio is the engine's overhead over SQLite itself.
 */
// Plain ESM files of the published client (their .d.ts sit alongside).
import { anonymousAuth } from "../src/model/auth-context";
import { transform } from "../node_modules/@instantdb/core/dist/esm/instaml.js";
// Plain ESM files of the published client (their .d.ts sit alongside).
import { tx as typedTx } from "../node_modules/@instantdb/core/dist/esm/instatx.js";
// Plain ESM files of the published client (their .d.ts sit alongside).
import { AttrsStoreClass } from "../node_modules/@instantdb/core/dist/esm/store.js";
import type { JsonValue } from "../src/model/triple";
import { attrToWire } from "../src/protocol/attr-wire";
import type { AttrRegistry } from "../src/store/attr-registry";
import type { Sql } from "../src/store/sql";
import { appendTx } from "../src/store/tx-log";
import { encodeValue } from "../src/store/value-codec";
import { parseTxSteps, transact, type TxEnv } from "../src/tx";
import type { Dataset } from "./dataset";
import { count, measure, ms, ratio, settle, summarize, table } from "./measure";

type Chunk = Parameters<typeof transform>[1];
type Builder = { update(args: object): Chunk & Builder; link(args: object): Chunk };
// The client's `tx` is typed by an app schema; the bench uses the library's namespaces untyped.
const on = (etype: string, id: string): Builder => (typedTx as unknown as Record<string, Record<string, Builder>>)[etype]?.[id] as Builder;

/** Prebuilt transactions per kind: each is applied once, as a client would send it. */
const POOL = 320;
const WARMUP_PAIRS = 20;
const PAIRS = POOL;
const RUN_OPTS = { warmup: 5, minRuns: 50, maxRuns: POOL - 10, budgetMs: 500 } as const;

/** A fresh v4-shaped id per `n`; `tag` (one hex digit) keeps each kind's ids apart from the others. */
const freshId = (tag: string, n: number) => `${tag.repeat(8)}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

type Kind = { readonly name: string; readonly build: (i: number) => Chunk };

export type TxRow = { name: string; triples: number; parse: number; ours: number; floor: number };

export function benchTransactions(sql: Sql, attrs: AttrRegistry, data: Dataset): TxRow[] {
  const idsOf = (etype: string) => {
    const idAttr = attrs.forward(etype, "id")?.id;
    return data.triples.filter((t) => t[1] === idAttr).map((t) => t[0]);
  };
  const books = idsOf("books");
  const shelves = idsOf("bookshelves");
  const users = idsOf("users");
  const shelf = shelves[0] ?? "";
  let clock = 1_800_000_000_000;
  let fresh = 0;
  const newId = () => freshId("e", ++fresh);
  const env: TxEnv = { sql, attrs, now: () => ++clock, newId, auth: anonymousAuth("00000000-0000-4000-8000-00000000be9c") };
  const wire = Object.fromEntries(attrs.all().map((a) => [a.id, attrToWire(a)]));
  const build = (chunk: Chunk) => transform({ attrsStore: new AttrsStoreClass(wire as never, null as never), stores: [] } as never, chunk);

  const kinds: Kind[] = [
    { name: "update 1 field of a book", build: (i) => on("books", books[(i * 7919) % books.length] ?? "").update({ title: `Retitled ${i}` }) },
    {
      name: "create a book (4 fields) + link to a shelf",
      build: (i) =>
        on("books", newBookId(i)).update({ title: `New book ${i}`, pageCount: 100 + i, isbn13: `978${i}`, description: "d" }).link({ bookshelves: shelf }),
    },
    {
      name: "update 2 shelves + a user's field",
      build: (i) => [
        on("bookshelves", shelves[i % shelves.length] ?? "").update({ order: i }),
        on("bookshelves", shelves[(i + 1) % shelves.length] ?? "").update({ desc: `desc ${i}` }),
        on("users", users[i % users.length] ?? "").update({ fullName: `Name ${i}` }),
      ] as unknown as Chunk,
    },
  ];

  const out: TxRow[] = [];
  for (const kind of kinds) {
    settle();
    const raw: JsonValue[][][] = Array.from({ length: POOL }, (_, i) => build(kind.build(i)) as JsonValue[][]);
    const triples = raw[0]?.filter((s) => s[0] === "add-triple" || s[0] === "deep-merge-triple").length ?? 0;
    let next = 0;
    const parse = measure(() => parseTxSteps(raw[next++ % POOL]), RUN_OPTS);
    // Engine and floor alternate run by run: per-commit cost drifts as the database takes
    // writes, and interleaving makes both sides see the same state.
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const steps = raw[i];
      let start = performance.now();
      transact(env, parseTxSteps(steps));
      if (i >= WARMUP_PAIRS) ours.push(performance.now() - start);
      const rows = steps?.filter((s) => s[0] === "add-triple") ?? [];
      start = performance.now();
      sql.transaction(() => {
        appendTx(sql, ++clock);
        for (const [, e, a, v] of rows) {
          // Fresh entities throughout, id values included, so no unique value is ever duplicated.
          const floorId = `floor-${i}-${String(e)}`;
          const enc = encodeValue(v === e ? floorId : (v as JsonValue));
          sql.run(`INSERT INTO triples (e, a, vt, v, t) VALUES (?, ?, ?, ?, ?)`, floorId, String(a), enc.vt, enc.v, clock);
        }
      });
      if (i >= WARMUP_PAIRS) floor.push(performance.now() - start);
    }
    out.push({ name: kind.name, triples, parse: parse.median, ours: summarize(ours).median, floor: summarize(floor).median });
  }
  return out;
}

const newBookId = (i: number) => freshId("b", i);

export function printTransactions(rows: readonly TxRow[], tripleCount: number): void {
  table(
    `Transactions on ${count(tripleCount)} triples (ratio = parseTxSteps+transact median / bare-INSERT floor median)`,
    ["transaction", "triples", "parse ms", "parse+transact ms", "tx/s", "floor ms", "ratio"],
    rows.map((r) => [r.name, String(r.triples), ms(r.parse), ms(r.ours), count(Math.round(1000 / r.ours)), ms(r.floor), ratio(r.ours, r.floor)]),
    ["floor: the same add-triple rows + a tx-log row written with bare prepared INSERTs in one SQLite transaction."],
  );
}
