/**
 * Who is acting: built once per socket session (at `init`) or per HTTP request, then
 * passed into the query engine and the transaction engine. Permissions read it; the
 * query cache keys shared results by it, so two sessions share a result only when they
 * would be allowed to see the same data (docs/architecture.md, "Auth context").
 */
import type { JsonValue } from "./triple";

export type UserType = "user" | "guest";

/** The signed-in `$users` row, as much of it as rules and replies need. */
export type AuthUser = {
  readonly id: string;
  readonly email: string | null;
  readonly type: UserType;
};

export type RuleParams = { readonly [key: string]: JsonValue };

export type AuthContext = {
  readonly appId: string;
  readonly user: AuthUser | null;
  /** Admin token holders (and the server itself) bypass permission rules. */
  readonly isAdmin: boolean;
  /** `ruleParams` the request carried (admin `$$ruleParams`, tx `ruleParams` steps). */
  readonly ruleParams: RuleParams;
};

export function authContext(appId: string, user: AuthUser | null, isAdmin: boolean, ruleParams: RuleParams = {}): AuthContext {
  return { appId, user, isAdmin, ruleParams };
}

/** The server acting on its own behalf (sign-up creating `$users`, imports, schema). */
export const systemAuth = (appId: string): AuthContext => authContext(appId, null, true);

/** Anonymous, admin-less: what a bare test or an unauthenticated client gets. */
export const anonymousAuth = (appId: string): AuthContext => authContext(appId, null, false);
