/**
 * Who may see which `$users` rows, until the rules engine exists (docs/protocol.md §9):
 * Instant's default `$users` view rule, `auth.id == data.id || auth.id ==
 * data.linkedPrimaryUser`. A signed-in user sees their own row and the guests linked to
 * it; anyone else (anonymous, guest sessions, impersonated admin requests) sees no other
 * user's row or email. Admins see everything. An app's own `$users.allow.view` rule is
 * honoured when it is the constant "true"; any other rule text is not evaluated yet, so
 * the default applies (the safe side: never more visible than Instant's default).
 */
import type { Attr } from "../model/attr";
import type { JsonValue, Triple } from "../model/triple";
import type { QueryEnv, QueryResult, VisibilityFilter } from "../query";

const USERS = "$users";

export function usersVisibility(rules: () => JsonValue | null): VisibilityFilter {
  return (env: QueryEnv, _ast, result: QueryResult): QueryResult => {
    if (env.auth.isAdmin || viewRule(rules()) === "true") return result;
    const me = env.auth.user?.id ?? null;
    const attrOf = (t: Triple): Attr | undefined => env.attrs.get(t[1]);
    const linkedPrimary = env.attrs.forward(USERS, "linkedPrimaryUser")?.id;
    // The user rows in this result, and which of them link to the signed-in user.
    const users = new Set<string>();
    const visible = new Set<string>();
    for (const t of result.triples) {
      if (attrOf(t)?.forward.etype !== USERS) continue;
      users.add(t[0]);
      if (t[0] === me || (me !== null && t[1] === linkedPrimary && t[2] === me)) visible.add(t[0]);
    }
    if (users.size === visible.size) return result;
    const hidden = (e: JsonValue) => typeof e === "string" && users.has(e) && !visible.has(e);
    const triples = result.triples.filter((t) => {
      const attr = attrOf(t);
      if (attr?.forward.etype === USERS && hidden(t[0])) return false;
      // A link to a hidden user would still name it: drop the link too.
      if (attr?.valueType === "ref" && attr.reverse?.etype === USERS && hidden(t[2])) return false;
      return true;
    });
    return { ...result, triples };
  };
}

function viewRule(rules: JsonValue | null): string | null {
  const users = isObject(rules) ? rules[USERS] : undefined;
  const allow = isObject(users) ? users.allow : undefined;
  const view = isObject(allow) ? allow.view : undefined;
  return typeof view === "string" ? view.trim() : null;
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
