/**
 * The `$users` create rule, checked when a runtime sign-in would create a user
 * (docs/protocol.md §9.5, §12.2, §12.4), as Instant's `assert-signup!` does: only
 * `$users.allow.create` counts (no `$default`). With that rule, it is evaluated with
 * `data` = `newData` = the new row `{id, email?, ...extraFields}` and `auth` = that same
 * row (the user signing up); without one, plain sign-ups pass and sign-ups carrying
 * `extra-fields` are refused. A refusal is `permission-denied` with hint input
 * `["$users", "create"]`; a rule that fails to run is `permission-evaluation-failed`.
 */
import { authContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import type { PermissionStore } from "./app-permissions";
import { permissionRun } from "./permission-run";
import { compileRules, type CompiledRules, signupRuleFor } from "./rules";
import { sqlRefResolver } from "./sql-ref";

export type SignupData = { readonly [field: string]: JsonValue };

export type SignupCheck = (data: SignupData) => void;

const refused = () =>
  new InstantError("permission-denied", "Permission denied: not perms-pass?", { input: ["$users", "create"], expected: "perms-pass?" });

/** Where the rule runs: the app, its data (for `ref` in the rule) and the clock (`request.time`). */
export type SignupEnv = { readonly appId: string; readonly store: PermissionStore; readonly now: number };

/** The check for one app; `rules` is its rules document, or that document compiled. */
export function signupCheck(rules: JsonValue | CompiledRules | null, env: SignupEnv): SignupCheck {
  const compiled = isCompiled(rules) ? rules : compileRules(rules);
  const rule = signupRuleFor(compiled);
  return (data) => {
    if (rule === null) {
      const extra = Object.keys(data).some((k) => k !== "id" && k !== "email");
      if (extra) throw refused();
      return;
    }
    const id = String(data.id);
    const email = typeof data.email === "string" ? data.email : null;
    const auth = authContext(env.appId, { id, email, type: email === null ? "guest" : "user" }, false);
    const run = permissionRun(compiled, { auth, loadUser: () => data, resolver: sqlRefResolver(env.store), now: env.now });
    if (!run.evaluate(rule, { data, newData: data, ruleParams: null })) throw refused();
  };
}

const isCompiled = (v: JsonValue | CompiledRules | null): v is CompiledRules =>
  typeof v === "object" && v !== null && !Array.isArray(v) && (v as { cache?: unknown }).cache instanceof Map;
