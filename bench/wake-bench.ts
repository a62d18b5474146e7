/**
 * Wake cost: what a Durable Object does before it can serve a frame after hibernation,
 * on an existing database file: open it, run migrate (a no-op by then), build the
 * AttrRegistry and SubscriptionStore, read the last tx-id, and load the subscriptions
 * on first use. The baseline, measured in the same run, is the same wake on a file
 * holding the generated library at its default size (~2.6k triples): the ratio should
 * stay near 1 whatever the data size, because nothing on this path may read the triples.
 */
import { mkdirSync, rmSync } from "node:fs";
import { AttrRegistry } from "../src/store/attr-registry";
import { migrate } from "../src/store/migrations";
import { openNodeSql } from "../src/store/node-sql";
import type { Sql } from "../src/store/sql";
import { lastTxId } from "../src/store/tx-log";
import { SubscriptionStore } from "../src/core/subscription-store";
import { type Dataset, loadInto } from "./dataset";
import { count, measure, ms, ratio, settle, table } from "./measure";

const DIR = ".bench";

type SubRow = { session_id: string; q_key: string; q_json: string; result_hash: string; deps: string };

export type WakeRow = { name: string; triples: number; subs: number; registry: number; subscriptions: number; total: number };

/** Writes a database file with the data set and the given subscription rows; returns its path. */
function writeFile(path: string, data: Dataset, subs: readonly SubRow[]): void {
  const sql = openNodeSql(path);
  loadInto(sql, data);
  sql.transaction(() => {
    for (const r of subs) {
      sql.run(`INSERT INTO subscriptions (session_id, q_key, q_json, result_hash, deps) VALUES (?, ?, ?, ?, ?)`, r.session_id, r.q_key, r.q_json, r.result_hash, r.deps);
    }
  });
  sql.close();
}

const tripleCount = (path: string): number => {
  const sql = openNodeSql(path);
  const n = sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM triples`)[0]?.n ?? 0;
  sql.close();
  return n;
};

/** Opens the file as a waking DO would; `phases` receives each step's time. */
function wake(path: string, phases: number[]): void {
  const t0 = performance.now();
  const sql: Sql & { close(): void } = openNodeSql(path);
  migrate(sql);
  const t1 = performance.now();
  const attrs = new AttrRegistry(sql);
  const t2 = performance.now();
  const subscriptions = new SubscriptionStore(sql);
  lastTxId(sql);
  // First frame after the wake touches the subscriptions, which loads them all.
  subscriptions.sessionIds();
  const t3 = performance.now();
  if (attrs.all().length === 0) throw new Error("wake found no attrs");
  sql.close();
  phases.push(t1 - t0, t2 - t1, t3 - t2);
}

/**
 * `main` is the bench's in-memory database (with the fan-out's subscriptions):
 * VACUUM INTO copies it to a file without loading the data a second time.
 */
export function benchWake(small: Dataset, main: Sql): WakeRow[] {
  const subs = main.all<SubRow>(`SELECT session_id, q_key, q_json, result_hash, deps FROM subscriptions`);
  mkdirSync(DIR, { recursive: true });
  const smallPath = `${DIR}/wake-small.sqlite`;
  const largePath = `${DIR}/wake-large.sqlite`;
  for (const p of [smallPath, largePath]) rmSync(p, { force: true });
  writeFile(smallPath, small, subs);
  main.run(`VACUUM INTO ?`, largePath);
  const files = [
    { name: "baseline: small library", path: smallPath },
    { name: "bench data set", path: largePath },
  ];
  const out: WakeRow[] = [];
  for (const f of files) {
    settle();
    const phases: number[][] = [];
    const total = measure(() => {
      const p: number[] = [];
      wake(f.path, p);
      phases.push(p);
    }, { warmup: 5, minRuns: 30, budgetMs: 500 });
    const median = (i: number) => {
      const xs = phases.map((p) => p[i] ?? 0).sort((a, b) => a - b);
      return xs[xs.length >> 1] ?? 0;
    };
    out.push({ name: f.name, triples: tripleCount(f.path), subs: subs.length, registry: median(1), subscriptions: median(2), total: total.median });
  }
  return out;
}

export function printWake(rows: readonly WakeRow[]): void {
  const base = rows[0]?.total ?? 0;
  table(
    "Wake from hibernation on a database file (ratio = this file's wake / the baseline file's wake)",
    ["database", "triples", "subs", "AttrRegistry ms", "subs load ms", "total ms", "ratio"],
    rows.map((r) => [r.name, count(r.triples), count(r.subs), ms(r.registry), ms(r.subscriptions), ms(r.total), ratio(r.total, base)]),
    ["total: open the file + migrate (no-op) + AttrRegistry + SubscriptionStore + last tx-id + first subscriptions load."],
  );
}
