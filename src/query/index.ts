/**
 * The InstaQL query engine: a pure module over the Sql seam. Other modules import from
 * here only.
 */
export type { Cursor, FormAst, FormOptions, PageInfo, QueryDeps, QueryEnv, QueryResult, SelectionObserver, VisibilityFilter, VisibilityInput } from "./types";
export { runQuery } from "./run-query";
