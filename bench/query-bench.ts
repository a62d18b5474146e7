/**
 * Query latency: each representative InstaQL query through runQuery (SQL on the triple
 * indexes) against the client's in-memory engine evaluating the same query over the full
 * data, both measured in this run. Rows are counted from what the client would show, so
 * a query that got faster by returning less is visible in the table.
 */
import type { JsonValue } from "../src/model/triple";
import { type PageInfo, type QueryEnv, type QueryResult, runQuery } from "../src/query";
import { type ClientEngine, clientEngine, rowsOf } from "./client-engine";
import type { Dataset } from "./dataset";
import { count, measure, ms, ratio, settle, table } from "./measure";

type Case = { readonly name: string; readonly q: JsonValue };

/** The representative list; `after` cursors are filled in from a first page below. */
function cases(data: Dataset): Case[] {
  const mid = data.handles[Math.floor(data.handles.length / 2)] ?? "stopa";
  return [
    { name: "scan + limit 20 (serverCreatedAt)", q: { books: { $: { limit: 20 } } } },
    { name: "where indexed attr (unique handle)", q: { users: { $: { where: { handle: mid } } } } },
    { name: "where indexed range + limit", q: { books: { $: { where: { pageCount: { $gt: 500 } }, limit: 20 } } } },
    { name: "where dot-path through 2 links", q: { books: { $: { where: { "bookshelves.users.handle": mid } } } } },
    { name: "nested children, 2 levels", q: { users: { $: { where: { handle: mid } }, bookshelves: { books: {} } } } },
    { name: "nested children under limit 10", q: { bookshelves: { $: { limit: 10 }, books: {} } } },
    { name: "order by indexed attr, page 1", q: { books: { $: { order: { pageCount: "desc" }, limit: 20 } } } },
  ];
}

export type QueryRow = { name: string; ours: number; baseline: number; rows: string; triples: number; match: boolean };

export function benchQueries(env: QueryEnv, data: Dataset): QueryRow[] {
  const engine = clientEngine(data.wireAttrs, data.triples);
  const list = cases(data);
  // Page 2 after page 1's end cursor: a cursor query the client can only render with
  // the server's page-info, which is fed to the baseline too.
  const first = runQuery(env, { books: { $: { order: { pageCount: "desc" }, limit: 20 } } });
  const after = first.pageInfo.books?.endCursor ?? null;
  list.push({ name: "order by indexed attr, page 2 (after cursor)", q: { books: { $: { order: { pageCount: "desc" }, limit: 20, after } } } });

  const out: QueryRow[] = [];
  for (const c of list) {
    settle();
    let last: QueryResult | null = null;
    const ours = measure(() => (last = runQuery(env, c.q)));
    const result = last as QueryResult | null;
    if (!result) throw new Error(`no result for ${c.name}`);
    const pageInfo = Object.keys(result.pageInfo).length > 0 ? result.pageInfo : undefined;
    // The baseline takes up to a second per call at 10^5 triples: fewer runs keep the bench short.
    const base = measure(() => engine.query(c.q, pageInfo), { warmup: 1, minRuns: 5, budgetMs: 400 });
    const shown = viewOf(data, result, c.q, pageInfo);
    const full = engine.query(c.q, pageInfo);
    out.push({
      name: c.name,
      ours: ours.median,
      baseline: base.median,
      rows: rowsOf(shown),
      triples: result.triples.length,
      // Same semantics as the oracle tests: the client's view of our triples equals its view of everything.
      match: JSON.stringify(shown) === JSON.stringify(full),
    });
  }
  return out;
}

/** What the client shows from our triples alone (a tiny store, built untimed). */
function viewOf(data: Dataset, result: QueryResult, q: JsonValue, pageInfo?: Record<string, PageInfo>) {
  const small: ClientEngine = clientEngine(data.wireAttrs, result.triples);
  return small.query(q, pageInfo);
}

export function printQueries(rows: readonly QueryRow[], tripleCount: number): void {
  table(
    `Query latency on ${count(tripleCount)} triples (ratio = runQuery median / client in-memory engine median)`,
    ["query", "rows shown", "triples sent", "ours ms", "client ms", "ratio", "same view"],
    rows.map((r) => [r.name, r.rows, count(r.triples), ms(r.ours), ms(r.baseline), ratio(r.ours, r.baseline), r.match ? "yes" : "NO"]),
    [
      "ratio < 1: our SQL path answers faster than the client engine does with all data already in memory.",
      "same view: the client's engine over our triples shows exactly what it shows over the full data.",
    ],
  );
}
