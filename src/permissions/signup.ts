/**
 * The `$users` create rule, checked when a runtime sign-in would create a user
 * (docs/protocol.md §12.2, §12.4). As in Instant: with a rule, the new row must pass it;
 * without one, plain sign-ups pass and sign-ups carrying `extra-fields` are refused.
 *
 * Until the rules engine exists (docs/protocol.md §9), only the constant rules "true"
 * and "false" are evaluated; any other rule text lets the sign-up through, like every
 * other rule today (rules are stored, not enforced). README "What is supported" says so.
 */
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";

export type SignupData = { readonly [field: string]: JsonValue };

export type SignupCheck = (data: SignupData) => void;

const refused = () =>
  new InstantError("permission-denied", "Permission denied: not perms-pass?", { input: ["$users", "create"], expected: "perms-pass?" });

export function signupCheck(rules: JsonValue | null): SignupCheck {
  const rule = createRule(rules);
  return (data) => {
    if (rule === null) {
      const extra = Object.keys(data).some((k) => k !== "id" && k !== "email");
      if (extra) throw refused();
      return;
    }
    if (rule.trim() === "false") throw refused();
  };
}

function createRule(rules: JsonValue | null): string | null {
  const users = isObject(rules) ? rules.$users : undefined;
  const allow = isObject(users) ? users.allow : undefined;
  const create = isObject(allow) ? allow.create : undefined;
  return typeof create === "string" ? create : null;
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
