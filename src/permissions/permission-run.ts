/**
 * Evaluating rules for one query run or one transaction: `permissionRun(rules, opts)`
 * binds who is asking (the auth context and the user's full `$users` row, loaded at most
 * once), the clock, the request and a `ref` resolver, and answers view, field, write,
 * link and attr-creation checks. View and field outcomes are memoized per entity, so
 * each (rule, entity) pair is evaluated once per run; `ref` results are memoized too.
 *
 * Admin contexts pass every check, as on Instant. A rule that fails while running
 * raises `permission-evaluation-failed` in Instant's shape (section "errors" below); a
 * rule that cannot compile raises `validation-failed` (rules.ts).
 */
import type { AuthContext, RuleParams } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import { CelRequest } from "./cel-env";
import { entityToCel, NullMap, passes, toCel } from "./cel-values";
import { type LinkPhase, linkChecks, type LinkSide } from "./link-checks";
import type { CelVars, Program } from "./rule-program";
import { type Action, type CompiledRules, fieldRuleFor, type Rule, ruleFor } from "./rules";

/** An entity as rules see it: label → value over its cardinality-one attrs (`id` included). */
export type EntityData = { readonly [label: string]: JsonValue };

/** Follows `path` (labels, forward or reverse) from entity `id` of `etype`; the values reached. */
export type RefResolver = (etype: string, id: string, path: readonly string[]) => JsonValue[];

export type PermissionRunOptions = {
  readonly auth: AuthContext;
  /** The signed-in user's `$users` row (every field rules may read); called at most once. */
  readonly loadUser?: (userId: string) => EntityData | null;
  readonly resolver: RefResolver;
  /** `request.time`, in epoch ms (the clock is passed in). */
  readonly now: number;
  readonly origin?: string | null;
  readonly ip?: string | null;
  /** Put the CEL error text in evaluation errors (Instant does for admin-API checks). */
  readonly showCelErrors?: boolean;
  /** Called after each rule program runs (the admin perms-check routes record them). */
  readonly onCheck?: (program: Program, vars: RuleVars, passed: boolean) => void;
};

/** The inputs of one write check. */
export type WriteInput = {
  /** view/update/delete: the entity before the transaction; create: after. */
  readonly data: EntityData | null;
  /** create/update: the entity with the transaction applied. */
  readonly newData?: EntityData | null;
  /** Labels this transaction writes on the entity (`id` excluded). */
  readonly modifiedFields?: readonly string[];
  /** Defaults to the auth context's rule params. */
  readonly ruleParams?: RuleParams;
};

export type PermissionRun = {
  canView(etype: string, entity: EntityData): boolean;
  canViewField(etype: string, entity: EntityData, label: string): boolean;
  /** The labels of `labels` whose field rules pass for this entity. */
  visibleFields(etype: string, entity: EntityData, labels: Iterable<string>): Set<string>;
  canWrite(etype: string, action: Action, input: WriteInput): boolean;
  canLink(kind: "link" | "unlink", phase: LinkPhase, source: LinkSide, target: LinkSide): boolean;
  /** `attrs.allow.create` for an `add-attr` step (`attr`: the wire attr object). */
  canCreateAttr(attr: JsonValue): boolean;
  /** Evaluates one rule with explicit variables (the building block of the checks above). */
  evaluate(rule: Rule, vars: RuleVars): boolean;
  /** A `$rooms` rule (rules.ts `roomRuleFor`): `auth`, `ruleParams`, `request`, `roomId`, `roomType` and the kind's own variables. */
  evaluateRoom(rule: Rule, vars: RoomVars): boolean;
};

/** Variables of a room rule: join has none of its own, presence `newData`, broadcast `topic` and `data`. */
export type RoomVars = {
  readonly roomId: string;
  readonly roomType: string | null;
  readonly newData?: { readonly [key: string]: JsonValue };
  readonly topic?: string;
  readonly data?: JsonValue;
};

/** Variables for `evaluate`: entity maps are JSON, converted here; null/absent ones are unbound. */
export type RuleVars = {
  readonly data?: EntityData | null;
  readonly newData?: EntityData | null;
  readonly linkedData?: EntityData | null;
  readonly linkedEtype?: string;
  readonly actions?: { readonly data: string; readonly linkedData: string };
  readonly ruleParams?: RuleParams | null;
  readonly modifiedFields?: readonly string[];
};

export function permissionRun(rules: CompiledRules, opts: PermissionRunOptions): PermissionRun {
  const admin = opts.auth.isAdmin;
  const refMemo = new Map<string, unknown[]>();
  const viewMemo = new Map<string, boolean>();
  const time = new Date(opts.now);
  const contextParams = toCel(opts.auth.ruleParams);
  let authMap: NullMap | null = null;

  const refFrom = (etype: string, map: () => NullMap) => (pathStr: string): unknown[] => {
    const id = map().get("id");
    if (id === null || id === undefined) return [];
    const key = `${etype}\0${String(id)}\0${pathStr}`;
    let out = refMemo.get(key);
    if (out === undefined) {
      out = opts.resolver(etype, String(id), pathStr.split(".")).map(toCel);
      refMemo.set(key, out);
    }
    return out;
  };
  const entity = (etype: string, data: EntityData | null): NullMap => {
    const m: NullMap = entityToCel(data, refFrom(etype, () => m));
    return m;
  };
  const auth = (): NullMap => {
    if (authMap === null) {
      const user = opts.auth.user;
      const row = user === null ? null : { id: user.id, email: user.email, type: user.type, ...(opts.loadUser?.(user.id) ?? {}) };
      const m: NullMap = entityToCel(row, (path) => refFrom("$users", () => m)(path.replace(/^\$user\./, "")));
      authMap = m;
    }
    return authMap;
  };

  const evaluate = (rule: Rule, v: RuleVars): boolean => {
    if (admin || rule === "allow") return true;
    if (rule === "deny") return false;
    const vars: Record<string, unknown> = {
      auth: auth(),
      data: entity(rule.etype, v.data ?? null),
      ruleParams: v.ruleParams === undefined ? contextParams : toCel(v.ruleParams ?? {}),
      request: new CelRequest(time, opts.origin ?? "", opts.ip ?? "", v.modifiedFields ?? []),
    };
    if (v.newData) vars.newData = entityToCel(v.newData, null);
    if (v.linkedData) vars.linkedData = entity(v.linkedEtype ?? rule.etype, v.linkedData);
    if (v.actions) vars.actions = toCel(v.actions);
    const passed = run(rule, vars, opts.showCelErrors === true);
    opts.onCheck?.(rule, v, passed);
    return passed;
  };

  const memo = (key: string | null, check: () => boolean): boolean => {
    if (admin) return true;
    if (key === null) return check();
    let out = viewMemo.get(key);
    if (out === undefined) {
      out = check();
      viewMemo.set(key, out);
    }
    return out;
  };
  /** Memo key of an entity check; none when the entity has no string id. */
  const keyOf = (e: EntityData, ...parts: string[]) => (typeof e.id === "string" ? [e.id, ...parts].join("\0") : null);

  const evaluateRoom = (rule: Rule, v: RoomVars): boolean => {
    if (admin || rule === "allow") return true;
    if (rule === "deny") return false;
    const vars: Record<string, unknown> = {
      auth: auth(),
      ruleParams: contextParams,
      request: new CelRequest(time, opts.origin ?? "", opts.ip ?? "", []),
      roomId: v.roomId,
      roomType: v.roomType ?? "",
    };
    if (v.newData !== undefined) vars.newData = entityToCel(v.newData, null);
    if (v.topic !== undefined) vars.topic = v.topic;
    if (v.data !== undefined) vars.data = toCel(v.data);
    return run(rule, vars, opts.showCelErrors === true);
  };

  const self: PermissionRun = {
    evaluate,
    evaluateRoom,
    canView: (etype, e) => memo(keyOf(e, etype), () => evaluate(ruleFor(rules, etype, "view"), { data: e })),
    canViewField: (etype, e, label) => memo(keyOf(e, etype, label), () => evaluate(fieldRuleFor(rules, etype, label), { data: e })),
    visibleFields: (etype, e, labels) => new Set([...labels].filter((l) => self.canViewField(etype, e, l))),
    canWrite: (etype, action, input) =>
      admin ||
      evaluate(ruleFor(rules, etype, action), {
        data: input.data,
        newData: action === "create" || action === "update" ? (input.newData ?? null) : null,
        modifiedFields: action === "create" || action === "update" ? input.modifiedFields : undefined,
        ruleParams: input.ruleParams,
      }),
    canLink: (kind, phase, source, target) => admin || linkChecks(rules, kind, phase, source, target).every((c) => evaluate(c.rule, c.vars)),
    canCreateAttr: (attr) => admin || evaluate(ruleFor(rules, "attrs", "create"), { data: isObject(attr) ? attr : null, ruleParams: null }),
  };
  return self;
}

const isObject = (v: JsonValue): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);

// --- errors -------------------------------------------------------------------------

function run(program: Program, vars: CelVars, showCelErrors: boolean): boolean {
  try {
    return passes(program.run(vars));
  } catch (e) {
    if (e instanceof InstantError) throw e;
    throw evaluationFailed(program, e, showCelErrors);
  }
}

/** cel-js error codes as the cel-java error-code names Instant reports. */
const CODES: { readonly [code: string]: string } = {
  no_matching_overload: "NO_MATCHING_OVERLOAD",
  no_such_overload: "NO_MATCHING_OVERLOAD",
  no_such_key: "ATTRIBUTE_NOT_FOUND",
  unknown_variable: "ATTRIBUTE_NOT_FOUND",
  division_by_zero: "DIVIDE_BY_ZERO",
  modulus_by_zero: "DIVIDE_BY_ZERO",
  index_out_of_bounds: "INDEX_OUT_OF_BOUNDS",
  index_out_of_range: "INDEX_OUT_OF_BOUNDS",
  overflow: "NUMERIC_OVERFLOW",
  invalid_timestamp: "BAD_FORMAT",
  invalid_duration: "BAD_FORMAT",
};

/**
 * Instant's `permission-evaluation-failed`: "Could not evaluate permission rule for
 * `etype.action`. <cause>. Debug this in the sandbox…", the cause being "You may have a
 * typo" unless CEL errors are shown; hint `{rule: [etype, action], error: {type,
 * message, hint}}`.
 */
export function evaluationFailed(program: Program, error: unknown, showCelErrors: boolean): InstantError {
  const e = error as { code?: unknown; summary?: unknown; message?: unknown };
  const text = typeof e.summary === "string" ? e.summary : typeof e.message === "string" ? e.message.split("\n")[0]! : String(error);
  const cause = showCelErrors ? text : "You may have a typo";
  const message = `Could not evaluate permission rule for \`${program.etype}.${program.kind}\`. ${cause}. Debug this in the sandbox and then update your permission rules.`;
  const type = (typeof e.code === "string" && CODES[e.code]) || "INTERNAL_ERROR";
  return new InstantError("permission-evaluation-failed", message, {
    rule: [program.etype, program.kind],
    error: { type, message, hint: cause },
  });
}
