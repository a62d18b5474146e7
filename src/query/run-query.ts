/**
 * runQuery: parse once, evaluate every top-level form against SQLite, and return the
 * triples the client's local engine needs, page-info, aggregates and dependencies.
 */
import { type ReadDeps, ReadCollector } from "./read-deps";
import type { JsonValue } from "../model/triple";
import { parseQuery } from "./parse-query";
import { TripleSink } from "./triple-sink";
import { type EvalState, evalTopForm } from "./eval-form";
import type { QueryEnv, QueryResult, SelectionObserver } from "./types";

/** The result; its deps are what the evaluation read (see invalidate/read-deps.ts). */
export function runQuery(env: QueryEnv, q: JsonValue, observer?: SelectionObserver): QueryResult & { readonly deps: ReadDeps } {
  const ast = parseQuery(q);
  const st: EvalState = {
    env,
    root: q,
    sink: new TripleSink(env.sql),
    deps: new Set(),
    reads: new ReadCollector(),
    deferred: [],
    pageInfo: {},
    pages: {},
    aggregate: {},
    observer: observer ?? null,
  };
  for (const form of ast.forms) evalTopForm(st, form);
  // Id triples reached only through `$isNull` paths would make entities of a top-level
  // etype visible to the client's scan of that etype, so they are kept for other etypes.
  const topLevel = new Set(ast.forms.map((f) => f.key));
  for (const d of st.deferred) if (!topLevel.has(d.etype)) st.sink.addAll(d.rows);
  const result: QueryResult = { triples: st.sink.triples(), pageInfo: st.pageInfo, aggregate: st.aggregate, deps: { etypes: [] } };
  // What the evaluation read stays the deps even when rules hide some of it (a write to
  // a hidden entity can make it visible), and what the rules read is added to them.
  const filtered = env.visibility ? env.visibility(env, ast, result, { pages: st.pages, reads: st.reads }) : result;
  const deps = st.reads.finish(st.deps);
  return { ...filtered, deps };
}
