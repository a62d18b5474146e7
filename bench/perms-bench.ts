/**
 * The cost of read rules: each query run as a signed-in user under a view rule, with the
 * visibility filter the app uses (visibility.ts `rulesVisibility` over an app-permissions
 * `rulesCache`), against the same query run as an admin (the filter returns at once), both
 * measured in this run. Two rules documents: a rule over the entity's own attrs, and a
 * `data.ref` rule through two links. Rows are what the user is shown (every book passes
 * both rules on the sample library, so both sides return the same rows).
 */
import type { AuthContext } from "../src/model/auth-context";
import type { JsonValue } from "../src/model/triple";
import { rulesCache } from "../src/permissions/app-permissions";
import { rulesVisibility } from "../src/permissions/visibility";
import { type QueryEnv, type QueryResult, runQuery } from "../src/query";
import type { Dataset } from "./dataset";
import { measure, ms, ratio, settle, table } from "./measure";

const APP = "00000000-0000-4000-8000-00000000be9c";
const USER = { id: "00000000-0000-4000-8000-0000000be9c1", email: "reader@example.com", type: "user" as const };

const RULES: readonly { readonly name: string; readonly doc: JsonValue }[] = [
  { name: "own attr (pageCount)", doc: { books: { allow: { view: "data.pageCount == null || data.pageCount >= 0" } } } },
  { name: "data.ref through 2 links", doc: { books: { allow: { view: "size(data.ref('bookshelves.users.id')) > 0" } } } },
];

function cases(data: Dataset): { readonly name: string; readonly q: JsonValue }[] {
  const mid = data.handles[Math.floor(data.handles.length / 2)] ?? "stopa";
  return [
    { name: "scan + limit 20", q: { books: { $: { limit: 20 } } } },
    { name: "where indexed range + limit", q: { books: { $: { where: { pageCount: { $gt: 500 } }, limit: 20 } } } },
    { name: "nested children under limit 10", q: { bookshelves: { $: { limit: 10 }, books: {} } } },
    { name: "nested children, 2 levels", q: { users: { $: { where: { handle: mid } }, bookshelves: { books: {} } } } },
  ];
}

export type PermsRow = { rule: string; query: string; user: number; admin: number; triples: number; adminTriples: number };

export function benchPerms(base: Pick<QueryEnv, "sql" | "attrs">, data: Dataset): PermsRow[] {
  const out: PermsRow[] = [];
  for (const rules of RULES) {
    const compiled = rulesCache();
    const visibility = rulesVisibility(() => compiled(rules.doc), () => Date.now());
    const admin: QueryEnv = { ...base, auth: { appId: APP, user: null, isAdmin: true, ruleParams: {} } satisfies AuthContext, visibility };
    const user: QueryEnv = { ...base, auth: { appId: APP, user: USER, isAdmin: false, ruleParams: {} } satisfies AuthContext, visibility };
    for (const c of cases(data)) {
      settle();
      let asUser: QueryResult | null = null;
      let asAdmin: QueryResult | null = null;
      // Interleaved rounds, so drift on a shared machine hits both sides alike.
      const u: number[] = [];
      const a: number[] = [];
      for (let round = 0; round < 3; round++) {
        a.push(measure(() => (asAdmin = runQuery(admin, c.q)), { budgetMs: 150 }).median);
        u.push(measure(() => (asUser = runQuery(user, c.q)), { budgetMs: 150 }).median);
      }
      const shown = asUser as QueryResult | null;
      const all = asAdmin as QueryResult | null;
      if (!shown || !all) throw new Error(`no result for ${c.name}`);
      out.push({ rule: rules.name, query: c.name, user: median(u), admin: median(a), triples: shown.triples.length, adminTriples: all.triples.length });
    }
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

export function printPerms(rows: readonly PermsRow[]): void {
  table(
    "Read rules: a signed-in user under a books view rule vs. an admin, same query (ratio = user median / admin median; target ≤ 1.5×)",
    ["view rule", "query", "triples user/admin", "user ms", "admin ms", "ratio"],
    rows.map((r) => [r.rule, r.query, `${r.triples}/${r.adminTriples}`, ms(r.user), ms(r.admin), ratio(r.user, r.admin)]),
    ["The user's run includes loading each returned book, evaluating its rule once and recording what the rule read."],
  );
}
