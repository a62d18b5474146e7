/**
 * The permissions of one app as the core uses them: its rules document compiled once
 * per version (a new document replaces the cache), and a PermissionRun for one auth
 * context over the app's store. The query visibility filter and the transaction
 * authorize hook (docs/architecture.md §11.4) both start here.
 */
import type { AuthContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import type { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import { type PermissionRun, permissionRun } from "./permission-run";
import { type CompiledRules, compileRules } from "./rules";
import { loadEntity, sqlRefResolver } from "./sql-ref";

export type PermissionStore = { readonly sql: Sql; readonly attrs: AttrRegistry };

/** Compiles an app's rules document, reusing the last compilation while it is unchanged. */
export function rulesCache(): (doc: JsonValue | null) => CompiledRules {
  let key: string | undefined;
  let compiled: CompiledRules | undefined;
  return (doc) => {
    const k = JSON.stringify(doc ?? null);
    if (compiled === undefined || k !== key) {
      compiled = compileRules(doc);
      key = k;
    }
    return compiled;
  };
}

/** One evaluation run: each (rule, entity) pair is evaluated at most once within it. */
export function runFor(store: PermissionStore, rules: CompiledRules, auth: AuthContext, now: number): PermissionRun {
  return permissionRun(rules, {
    auth,
    resolver: sqlRefResolver(store),
    loadUser: (id) => loadEntity(store, "$users", id),
    now,
  });
}
