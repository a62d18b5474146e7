/**
 * Refresh fan-out after one write: N sessions × M subscriptions, one small transaction
 * (untimed), then refreshesAfterCommit timed. The baseline, measured in the same run, is
 * a server without invalidation or dedupe: every subscription recomputed (runQuery +
 * result hash, as evaluateQuery does) after every write. The counts show how selective the
 * invalidation index is compared with the results that really changed.
 */
import { type Commit, refreshesAfterCommit, affects } from "../src/core/refresh";
import { anonymousAuth } from "../src/model/auth-context";
import type { JsonValue } from "../src/model/triple";
import { type AppContext, createAppContext } from "../src/core/app-context";
import { authKey, evaluateQuery } from "../src/core/evaluate-query";
import { type InitedSession, newSessionState } from "../src/core/session-state";

const BENCH_AUTH = anonymousAuth("00000000-0000-4000-8000-00000000be9c");
import type { Sql } from "../src/store/sql";
import { parseTxSteps, transact } from "../src/tx";
import { runQuery } from "../src/query";
import { canonicalJson, hashString } from "../src/util/json";
import type { Dataset } from "./dataset";
import { count, measure, ms, ratio, settle, table } from "./measure";

/** A session's subscriptions: two about its own user, three shared by everyone (a feed). */
export function subscriptionsFor(handle: string): JsonValue[] {
  return [
    { users: { $: { where: { handle } }, bookshelves: {} } },
    { bookshelves: { $: { where: { "users.handle": handle }, limit: 10 }, books: {} } },
    { books: { $: { order: { serverCreatedAt: "desc" }, limit: 20 } } },
    { books: { $: { where: { pageCount: { $gt: 700 } }, limit: 10 } } },
    { users: { $: { limit: 10 } } },
  ];
}

export type FanoutSetup = { ctx: AppContext; sessions: InitedSession[]; subs: number };

/** Opens N inited sessions and subscribes each to its queries, as add-query would. */
export function subscribeSessions(sql: Sql, data: Dataset, n: number): FanoutSetup {
  let clock = 1_900_000_000_000;
  const byId = new Map<string, InitedSession>();
  const ctx = createAppContext(sql, {
    app: () => null,
    session: (id) => byId.get(id),
    sessions: () => byId.values(),
    now: () => ++clock,
    newId: () => crypto.randomUUID(),
  });
  const sessions: InitedSession[] = [];
  let subs = 0;
  for (let i = 0; i < n; i++) {
    const s: InitedSession = { ...newSessionState(`session-${i}`), auth: BENCH_AUTH, coreVersion: "v1.0.67" };
    byId.set(s.sessionId, s);
    sessions.push(s);
    for (const q of subscriptionsFor(data.handles[i % data.handles.length] ?? "stopa")) {
      const qKey = canonicalJson(q);
      const { result, hash } = evaluateQuery(ctx, s.auth, q, qKey);
      ctx.subscriptions.put({ sessionId: s.sessionId, qKey, q, resultHash: hash, deps: result.deps });
      subs++;
    }
  }
  return { ctx, sessions, subs };
}

type Write = { readonly name: string; readonly steps: (i: number) => JsonValue[] };

export type FanoutRow = {
  name: string;
  subs: number;
  affected: number;
  evaluations: number;
  changed: number;
  selective: number;
  everything: number;
};

export function benchFanout(setup: FanoutSetup, data: Dataset): FanoutRow[] {
  const { ctx, sessions } = setup;
  const { attrs } = ctx;
  const id = (etype: string, label: string) => attrs.forward(etype, label)?.id ?? "";
  // A book on session 0's user's shelves, and that user: writes someone subscribes to.
  const env0 = { sql: ctx.sql, attrs, auth: BENCH_AUTH };
  const own = runQuery(env0, { bookshelves: { $: { where: { "users.handle": data.handles[0] ?? "stopa" } }, books: {} } });
  const book = own.triples.find((t) => t[1] === id("books", "id"))?.[0] ?? "";
  const user = runQuery(env0, { users: { $: { where: { handle: data.handles[0] ?? "stopa" } } } }).triples[0]?.[0] ?? "";
  const writes: Write[] = [
    { name: "books.title of a book on session 0's shelf", steps: (i) => [["add-triple", book, id("books", "title"), `Title ${i}`]] },
    { name: "users.fullName of session 0's user", steps: (i) => [["add-triple", user, id("users", "fullName"), `Name ${i}`]] },
  ];
  const env = { sql: ctx.sql, attrs, now: ctx.now, newId: ctx.newId, auth: BENCH_AUTH };
  // Each run recomputes hundreds of queries: few runs, so the default bench stays within its time budget.
  const opts = { warmup: 1, minRuns: 5, maxRuns: 15, budgetMs: 1000 } as const;

  const out: FanoutRow[] = [];
  for (const w of writes) {
    settle();
    let i = 0;
    let commit: Commit | null = null;
    const write = () => {
      const res = transact(env, parseTxSteps(w.steps(++i)));
      commit = { txId: res.txId, changes: res.changes };
    };
    let changed = 0;
    const selective = measure(
      () => {
        const deliveries = refreshesAfterCommit(ctx, commit as unknown as Commit);
        changed = deliveries.reduce((n, d) => n + ((d.message as { computations?: unknown[] }).computations?.length ?? 0), 0);
      },
      opts,
      write,
    );
    const everything = measure(
      () => {
        for (const s of sessions) for (const sub of ctx.subscriptions.ofSession(s.sessionId)) recompute(ctx, s, sub.q);
      },
      opts,
      write,
    );
    // What the invalidation index selects for this write, and how many distinct evaluations that is.
    write();
    let affected = 0;
    const keys = new Set<string>();
    for (const s of sessions) {
      for (const sub of ctx.subscriptions.ofSession(s.sessionId)) {
        if (!affects(sub, commit as unknown as Commit)) continue;
        affected++;
        keys.add(`${authKey(s.auth)}\u0000${sub.qKey}`);
      }
    }
    out.push({ name: w.name, subs: setup.subs, affected, evaluations: keys.size, changed, selective: selective.median, everything: everything.median });
  }
  return out;
}

/** What evaluateQuery does, without the shared cache: the server that recomputes everything. */
function recompute(ctx: AppContext, session: InitedSession, q: JsonValue): string {
  const result = runQuery({ sql: ctx.sql, attrs: ctx.attrs, auth: session.auth }, q);
  return hashString(JSON.stringify([result.triples, result.pageInfo, result.aggregate]));
}

export function printFanout(rows: readonly FanoutRow[], sessions: number): void {
  table(
    `Refresh fan-out, ${count(sessions)} sessions × 5 subscriptions, one write (ratio = refreshesAfterCommit / recompute every subscription)`,
    ["write", "subs", "affected", "evaluated", "sent", "selective ms", "everything ms", "ratio"],
    rows.map((r) => [r.name, count(r.subs), count(r.affected), count(r.evaluations), count(r.changed), ms(r.selective), ms(r.everything), ratio(r.selective, r.everything)]),
    [
      "affected: subscriptions the invalidation index selects (attrs read, pinned to entities where the evaluation allows);",
      "evaluated: distinct queries run after dedupe; sent: subscriptions whose result hash changed (one computation in a",
      "refresh-ok each). The gap between evaluated and the distinct queries behind `sent` is work the index could still skip.",
    ],
  );
}
