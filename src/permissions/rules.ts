/**
 * The rules document (docs/protocol.md §9.1): validated and compiled once per rules
 * version by `compileRules`, then asked which rule applies with `ruleFor`,
 * `fieldRuleFor` and `linkRuleFor`. Resolution follows Instant's `get-program!`:
 *
 *   E.allow.A → E.allow.$default → $default.allow.A → $default.allow.$default →
 *   the built-in rule of a system namespace → none (allowed).
 *
 * Binds follow the namespace asked about, not the one the rule was found in: a
 * `$default` rule used for `todos` sees `todos.bind`. Such programs are compiled on
 * first use and kept. What Instant validates when rules are saved (each namespace's
 * view/create/update/delete rules and field rules, binds, reserved namespaces,
 * `$users.allow.delete`) refuses the document here too, as `validation-failed` for
 * `rule`; link/unlink rules and `allow.$default` are compiled up front as well, so a
 * rule that can never compile is refused when saved rather than when first used.
 */
import type { JsonValue } from "../model/triple";
import { validationError } from "../protocol/errors";
import { BindError, bindProblems, bindsFor } from "./binds";
import type { RoomRuleKind, RuleKind } from "./cel-env";
import { type CompileProblem, compileRule, type Program, RuleCompileError } from "./rule-program";

export type Action = "view" | "create" | "update" | "delete";
export const ACTIONS: readonly Action[] = ["view", "create", "update", "delete"];

/** What applies to a check: a program to run, or a constant outcome. */
export type Rule = Program | "allow" | "deny";

type Doc = { readonly [key: string]: JsonValue };

export type CompiledRules = {
  readonly doc: Doc;
  /** Programs by `${etype}\0${kind}\0${path}`; filled up front and on first use. */
  readonly cache: Map<string, Rule>;
  /** Resolved answers of ruleFor / fieldRuleFor, by etype and action or field. */
  readonly resolved: Map<string, Rule>;
};

/** Namespaces Instant knows as system catalog etypes: they have built-in rules. */
export const SYSTEM_ETYPES: ReadonlySet<string> = new Set([
  "$users", "$magicCodes", "$userRefreshTokens", "$oauthProviders", "$oauthUserLinks",
  "$oauthClients", "$oauthCodes", "$oauthRedirects", "$files", "$streams",
]);

/** `$`-namespaces a rules document may configure. */
const RULABLE_SYSTEM = new Set(["$users", "$files", "$default", "$streams", "$rateLimits"]);

/** The rules document's section of room rules (beyond Instant, docs/protocol.md §10). */
export const ROOMS = "$rooms";
export const ROOM_ACTIONS: readonly RoomRuleKind[] = ["join", "presence", "broadcast"];

/** The built-in `$users` view/update rule. */
export const USERS_DEFAULT_RULE = "auth.id == data.id || (data.linkedPrimaryUser != null && auth.id == data.linkedPrimaryUser)";

/** Validates and compiles a rules document (null: no rules). Throws `validation-failed` for `rule`. */
export function compileRules(doc: JsonValue | null): CompiledRules {
  const rules: CompiledRules = { doc: isObject(doc) ? doc : {}, cache: new Map(), resolved: new Map() };
  const problems: CompileProblem[] = [];
  const attempt = (etype: string, kind: RuleKind, path: string[]) => {
    try {
      programAt(rules, etype, kind, path);
    } catch (e) {
      if (!(e instanceof RuleCompileError)) throw e;
      problems.push(...e.problems);
    }
  };
  for (const [etype, section] of Object.entries(rules.doc)) {
    if (etype === ROOMS) {
      problems.push(...roomProblems(rules, section));
      continue;
    }
    if (etype === "$rateLimits") {
      if (section !== null && !isObject(section)) problems.push({ message: "$rateLimits must be an object", in: ["$rateLimits"] });
      continue;
    }
    const reserved = etype.startsWith("$") && !RULABLE_SYSTEM.has(etype);
    problems.push(...bindProblems(etype, isObject(section) ? section.bind : undefined));
    for (const action of ACTIONS) {
      const path = [etype, "allow", action];
      if (reserved) {
        problems.push({ message: `The ${etype} namespace is a reserved internal namespace that does not yet support rules.`, in: path });
        continue;
      }
      if (etype === "$users" && action === "delete") {
        const text = ruleText(rules.doc, path);
        if (text !== null && text !== "false") {
          problems.push({ message: "The $users namespace doesn't support permissions for delete. Set `$users.allow.delete` to `\"false\"`.", in: path });
          continue;
        }
      }
      attempt(etype, action, path);
    }
    if (!isObject(section)) continue;
    if (!reserved) {
      // Not validated by Instant when saved; the link kind has the widest environment.
      attempt(etype, "link", [etype, "allow", "$default"]);
      for (const kind of ["link", "unlink"] as const) {
        const labels = isObject(section.allow) ? section.allow[kind] : undefined;
        if (isObject(labels)) for (const label of Object.keys(labels)) attempt(etype, kind, [etype, "allow", kind, label]);
      }
    }
    if (isObject(section.fields)) {
      for (const field of Object.keys(section.fields)) {
        if (field === "id") problems.push({ message: `You cannot set field rules for \`id\`. Use ${etype} -> allow -> view instead`, in: [etype, "fields"] });
        else attempt(etype, "view", [etype, "fields", field]);
      }
    }
  }
  if (problems.length > 0) throw validationError("rule", doc, problems.map((p) => ({ message: p.message, in: [...p.in] })));
  return rules;
}

/** The rule for `action` on `etype`, resolved as Instant does. Throws `validation-failed` if it does not compile. */
export function ruleFor(rules: CompiledRules, etype: string, action: Action): Rule {
  const key = `${etype}\0${action}`;
  let rule = rules.resolved.get(key);
  if (rule === undefined) {
    rule = resolveRule(rules, etype, action);
    rules.resolved.set(key, rule);
  }
  return rule;
}

function resolveRule(rules: CompiledRules, etype: string, action: Action): Rule {
  for (const path of [
    [etype, "allow", action],
    [etype, "allow", "$default"],
    ["$default", "allow", action],
    ["$default", "allow", "$default"],
  ]) {
    const rule = used(() => programAt(rules, etype, action, path), path);
    if (rule !== null) return rule;
  }
  return builtinRule(rules, etype, action);
}

/** The view rule of one field (`E.fields.F`); "allow" when there is none. */
export function fieldRuleFor(rules: CompiledRules, etype: string, label: string): Rule {
  if (label === "id") return "allow";
  const key = `${etype}\0fields\0${label}`;
  let rule = rules.resolved.get(key);
  if (rule === undefined) {
    const path = [etype, "fields", label];
    rule = used(() => programAt(rules, etype, "view", path), path) ?? "allow";
    rules.resolved.set(key, rule);
  }
  return rule;
}

/** The link or unlink rule of one side (`E.allow.link.label`, then `E.allow.link.$default`); null when that side has none. */
export function linkRuleFor(rules: CompiledRules, etype: string, kind: "link" | "unlink", label: string): Rule | null {
  const own = [etype, "allow", kind, label];
  const fallback = [etype, "allow", kind, "$default"];
  return used(() => programAt(rules, etype, kind, own), own) ?? used(() => programAt(rules, etype, kind, fallback), fallback);
}

/**
 * A rule compiled on first use that does not compile (a `$default` rule meeting this
 * namespace's binds, say) fails the request as on Instant: `validation-failed` for
 * `permission`, the rule's path as input.
 */
function used(compile: () => Rule | null, path: string[]): Rule | null {
  try {
    return compile();
  } catch (e) {
    if (!(e instanceof RuleCompileError)) throw e;
    throw validationError("permission", path, e.problems.map((p) => ({ message: p.message })));
  }
}

/**
 * The `$users` create rule checked at sign-up: only `$users.allow.create` counts (no
 * `$default`), as on Instant; null when there is none (then plain sign-ups pass and
 * sign-ups with extra fields are refused, see signup.ts).
 */
export function signupRuleFor(rules: CompiledRules): Rule | null {
  const path = ["$users", "allow", "create"];
  return used(() => programAt(rules, "$users", "create", path), path);
}

/** Does the document hold a rule for any field of `etype`? (Lets a caller skip field checks.) */
export function hasFieldRules(rules: CompiledRules, etype: string): boolean {
  const section = rules.doc[etype];
  return isObject(section) && isObject(section.fields) && Object.keys(section.fields).some((f) => f !== "id" && ruleText(rules.doc, [etype, "fields", f]) !== null);
}

/**
 * The room rule for `action` in rooms of `roomType` (null: the join named none):
 * `$rooms.T.allow.A` → `$rooms.T.allow.$default` → `$rooms.$default.allow.A` →
 * `$rooms.$default.allow.$default` → none ("allow"). Binds come from
 * `$rooms.$default.bind` and `$rooms.T.bind`.
 */
export function roomRuleFor(rules: CompiledRules, roomType: string | null, action: RoomRuleKind): Rule {
  const key = `${ROOMS}\0${roomType ?? ""}\0${action}`;
  const known = rules.resolved.get(key);
  if (known !== undefined) return known;
  const types = roomType === null || roomType === "$default" ? ["$default"] : [roomType, "$default"];
  let rule: Rule | null = null;
  for (const t of types) {
    for (const a of [action, "$default"]) {
      const path = [ROOMS, t, "allow", a];
      rule = used(() => roomProgramAt(rules, roomType ?? "$default", action, path), path);
      if (rule !== null) break;
    }
    if (rule !== null) break;
  }
  rules.resolved.set(key, rule ?? "allow");
  return rule ?? "allow";
}

function roomProgramAt(rules: CompiledRules, roomType: string, kind: RoomRuleKind, path: readonly string[]): Rule | null {
  const text = ruleText(rules.doc, path);
  if (text === null) return null;
  const key = `${ROOMS}\0${roomType}\0${kind}\0${path.join("\0")}`;
  const cached = rules.cache.get(key);
  if (cached !== undefined) return cached;
  const trimmed = text.trim();
  let rule: Rule;
  try {
    const section = rules.doc[ROOMS];
    const binds = bindsFor(isObject(section) ? section : {}, roomType);
    rule = trimmed === "true" ? "allow" : trimmed === "false" ? "deny" : compileRule(`${ROOMS}.${roomType}`, kind, path, text, binds);
  } catch (e) {
    if (e instanceof BindError) throw new RuleCompileError([{ message: e.message, in: [...path] }]);
    throw e;
  }
  rules.cache.set(key, rule);
  return rule;
}

/** What saving `$rooms` checks: its shape, binds, and every room rule compiled (`allow.$default` for each kind it may serve). */
function roomProblems(rules: CompiledRules, section: JsonValue): CompileProblem[] {
  if (!isObject(section)) return [{ message: `${ROOMS} must be an object of room types`, in: [ROOMS] }];
  const problems: CompileProblem[] = [];
  const compile = (type: string, kind: RoomRuleKind, path: string[]): CompileProblem[] => {
    try {
      roomProgramAt(rules, type, kind, path);
      return [];
    } catch (e) {
      if (!(e instanceof RuleCompileError)) throw e;
      return [...e.problems];
    }
  };
  for (const [type, room] of Object.entries(section)) {
    problems.push(...bindProblems(`${ROOMS}.${type}`, isObject(room) ? room.bind : undefined).map((p) => ({ ...p, in: [ROOMS, type, ...p.in.slice(1)] })));
    for (const action of ROOM_ACTIONS) problems.push(...compile(type, action, [ROOMS, type, "allow", action]));
    // A `$default` rule serves every kind: it must compile for at least one of them.
    const tries = ROOM_ACTIONS.map((kind) => compile(type, kind, [ROOMS, type, "allow", "$default"]));
    if (tries.every((t) => t.length > 0)) problems.push(...tries[0]!);
  }
  return problems;
}

/** Instant's fallback programs for system namespaces when no rule matched. */
function builtinRule(rules: CompiledRules, etype: string, action: Action): Rule {
  if (!SYSTEM_ETYPES.has(etype)) return "allow";
  if (etype === "$users" && action === "create") return "allow";
  if (etype === "$users" && (action === "view" || action === "update")) {
    const key = `${etype}\0${action}\0builtin`;
    let rule = rules.cache.get(key);
    if (rule === undefined) {
      rule = compileRule(etype, action, [etype, "allow", action], USERS_DEFAULT_RULE, new Map());
      rules.cache.set(key, rule);
    }
    return rule;
  }
  return "deny";
}

/** The compiled rule at `path` for `etype` (null if the document has none there). */
function programAt(rules: CompiledRules, etype: string, kind: RuleKind, path: readonly string[]): Rule | null {
  const text = ruleText(rules.doc, path);
  if (text === null) return null;
  const key = `${etype}\0${kind}\0${path.join("\0")}`;
  const cached = rules.cache.get(key);
  if (cached !== undefined) return cached;
  const trimmed = text.trim();
  let rule: Rule;
  try {
    const binds = bindsFor(rules.doc, etype);
    rule = trimmed === "true" ? "allow" : trimmed === "false" ? "deny" : compileRule(etype, kind, path, text, binds);
  } catch (e) {
    if (e instanceof BindError) throw new RuleCompileError([{ message: e.message, in: [...path] }]);
    throw e;
  }
  rules.cache.set(key, rule);
  return rule;
}

/** A rule's text: strings as they are, booleans as "true"/"false", anything else absent. */
function ruleText(doc: Doc, path: readonly string[]): string | null {
  let v: JsonValue | undefined = doc;
  for (const key of path) v = isObject(v) ? v[key] : undefined;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  return null;
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
