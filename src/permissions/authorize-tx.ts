/**
 * The transaction authorizer (docs/architecture.md §11.4, docs/protocol.md §9.4): the
 * `authorize` hook that enforces an app's rules on every non-admin write, as Instant's
 * permissioned transaction does. It runs inside the SQL transaction after the steps, so
 * a refusal rolls everything back.
 *
 * Checks, in Instant's two phases:
 *
 * * **before** (rules read the data as it was before the transaction, `ref` included):
 *   `update` for each existing entity a triple step writes (once per entity, with
 *   `newData` and `request.modifiedFields`), `delete` for each entity removed
 *   (cascades included, each with the rule params of the entity its step named), and
 *   the `before` phase of link/unlink checks for ref triples added or retracted;
 * * **after** (rules read the data with the transaction applied): `create` for each
 *   entity a triple step writes that had no triple of its etype before (`data` =
 *   `newData` = the new entity), the `after` phase of link checks, and
 *   `attrs.allow.create` for each attr the transaction created.
 *
 * Rule params: the auth context's, overridden by the transaction's `rule-params` steps
 * for that entity (merged in order). The first failed check throws Instant's
 * `permission-denied` (hint input `[etype, "object"]`, or `["attrs", "attr"]`); a rule
 * that fails to evaluate throws `permission-evaluation-failed` (permission-run.ts).
 *
 * Differences from Instant, deliberate: retracting a non-ref triple runs the entity's
 * `update` rule (Instant checks nothing there); `attrs.allow.create` is checked only
 * for attrs the transaction actually created, not for re-sent existing ones; a delete
 * or retract whose lookup finds nothing is a no-op, not a validation error.
 */
import type { RuleParams } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { attrToWire } from "../protocol/attr-wire";
import type { TripleRow } from "../store/triple-rows";
import { decodeValue, encodeValue, VT } from "../store/value-codec";
import type { AppliedTx, TxAuthorizer, TxContext } from "../tx";
import type { TxStep } from "../tx/steps";
import { entityWithValue } from "../tx/triple-sql";
import { permissionDenied, validationFailed } from "../tx/tx-errors";
import { stepToWire } from "../tx/wire-form";
import { type LinkPhase, linkChecks, type LinkSide } from "./link-checks";
import { type EntityData, type PermissionRun, type PermissionRunOptions, permissionRun } from "./permission-run";
import type { CompiledRules, Rule } from "./rules";
import { sqlRefResolver, sqlTripleSource, type TripleSource } from "./sql-ref";

/** The hook over an app's compiled rules (read once per transaction). */
export function txAuthorizer(rulesOf: () => CompiledRules): TxAuthorizer {
  return (ctx, tx) => {
    // Admins bypass the rules; the context kept no before-states for them either.
    if (ctx.auth.isAdmin || !ctx.tracksWrites) return;
    authorizeTx(ctx, tx, rulesOf());
  };
}

type TripleKind = "add-triple" | "deep-merge-triple" | "retract-triple";

/**
 * Hooks of the admin perms-check route: `onCheck` sees every rule program run; with
 * `onDenied` a failed check is reported there instead of thrown, and checking goes on.
 */
export type Denial = { readonly etype: string; readonly action: string; readonly eid: string | null };

export type AuthorizeHooks = {
  readonly onCheck?: PermissionRunOptions["onCheck"];
  readonly onDenied?: (denial: Denial) => void;
  readonly showCelErrors?: boolean;
};

export function authorizeTx(ctx: TxContext, tx: AppliedTx, rules: CompiledRules, hooks: AuthorizeHooks = {}): void {
  const states = new TxStates(ctx);
  const store = { sql: ctx.sql, attrs: ctx.attrs };
  const deny = (d: Denial, hint: [string, string] = [d.etype, "object"]) => {
    if (hooks.onDenied === undefined) throw permissionDenied(hint);
    hooks.onDenied(d);
  };
  const runBefore = permissionRun(rules, {
    onCheck: hooks.onCheck,
    showCelErrors: hooks.showCelErrors,
    auth: ctx.auth,
    resolver: sqlRefResolver(store, states.beforeSource()),
    loadUser: (id) => states.before("$users", id),
    now: ctx.t,
  });
  const runAfter = permissionRun(rules, {
    onCheck: hooks.onCheck,
    showCelErrors: hooks.showCelErrors,
    auth: ctx.auth,
    resolver: sqlRefResolver(store),
    loadUser: (id) => states.after("$users", id),
    now: ctx.t,
  });
  const params = ruleParamsOf(ctx, tx);
  const modified = modifiedFieldsOf(ctx, tx.steps);
  const done = new Set<string>();
  /** True the first time a check key is seen (Instant runs distinct checks once). */
  const once = (key: string): boolean => {
    if (done.has(key)) return false;
    done.add(key);
    return true;
  };

  const write = (run: PermissionRun, etype: string, action: "create" | "update" | "delete", e: string, data: EntityData | null, rp: RuleParams) => {
    if (!once(`${action}\0${etype}\0${e}`)) return;
    const newData = action === "delete" ? null : states.after(etype, e);
    const ok = run.canWrite(etype, action, { data, newData, modifiedFields: modified.get(e) ?? [], ruleParams: rp });
    if (!ok) deny({ etype, action, eid: e });
  };
  const link = (run: PermissionRun, phase: LinkPhase, kind: "link" | "unlink", s: LinkSide, t: LinkSide, key: string) => {
    if (!once(`${kind}\0${phase}\0${key}`)) return;
    for (const check of linkChecks(rules, kind, phase, s, t)) {
      if (!run.evaluate(check.rule, check.vars)) deny({ etype: etypeOf(check.rule, s.etype), action: kind, eid: idOf(check.vars.data) ?? idOf(s.after) });
    }
  };

  // Ref steps and the entities non-ref steps create, for the after phase.
  const links: { kind: "link" | "unlink"; s: LinkSide; t: LinkSide; key: string }[] = [];
  const creates: { step: TxStep; etype: string; e: string }[] = [];

  // Before phase, in step order.
  for (const step of tx.steps) {
    if (!isTripleStep(step)) continue;
    const r = ctx.resolvedSteps.get(step);
    const attr = ctx.attrs.get(step.attrId);
    if (r === undefined || attr === undefined) continue;
    const etype = attr.forward.etype;
    if (attr.valueType === "ref" && attr.reverse && r.value !== null && step.kind !== "deep-merge-triple") {
      const kind = step.kind === "add-triple" ? "link" : "unlink";
      const revEtype = attr.reverse.etype;
      const s: LinkSide = {
        etype,
        label: attr.forward.label,
        before: states.before(etype, r.e),
        after: states.after(etype, r.e),
        ruleParams: params(etype, r.e),
        modifiedFields: modified.get(r.e) ?? [],
      };
      const t: LinkSide = {
        etype: revEtype,
        label: attr.reverse.label,
        before: states.before(revEtype, r.value),
        after: states.after(revEtype, r.value),
        ruleParams: params(revEtype, r.value),
        modifiedFields: modified.get(r.value) ?? [],
      };
      const key = `${r.e}\0${attr.id}\0${r.value}`;
      link(runBefore, "before", kind, s, t, key);
      links.push({ kind, s, t, key });
      continue;
    }
    const data = states.before(etype, r.e);
    if (data !== null) write(runBefore, etype, "update", r.e, data, params(etype, r.e));
    else if (step.kind !== "retract-triple") creates.push({ step, etype, e: r.e });
  }
  for (const { e, etype, root } of ctx.deletions) {
    // Cascaded entities inherit the params of the entity the delete named (Instant's).
    const rp = e === root ? params(etype, e) : { ...params.ofAnyEtype(root), ...params(etype, e) };
    write(runBefore, etype, "delete", e, states.before(etype, e), rp);
  }

  // After phase.
  for (const { step, etype, e } of creates) {
    if (etype === "$users") {
      throw validationFailed("tx-step", stepToWire(step), [{ message: "$users is a system entity. You aren't allowed to create this directly." }]);
    }
    const created = states.after(etype, e);
    write(runAfter, etype, "create", e, created, params(etype, e));
  }
  for (const { kind, s, t, key } of links) link(runAfter, "after", kind, s, t, key);
  for (const attr of ctx.createdAttrs) {
    if (!runAfter.canCreateAttr(attrToWire(attr))) deny({ etype: "attrs", action: "create", eid: attr.id }, ["attrs", "attr"]);
  }
}

const isTripleStep = (step: TxStep): step is TxStep & { kind: TripleKind; attrId: string } =>
  step.kind === "add-triple" || step.kind === "deep-merge-triple" || step.kind === "retract-triple";

const idOf = (data: EntityData | null | undefined): string | null => (typeof data?.id === "string" ? data.id : null);

/** The namespace a failed check names: its rule's, else the source's. */
const etypeOf = (rule: Rule, fallback: string): string => (typeof rule === "object" ? rule.etype : fallback);

/** `request.modifiedFields` per entity: labels its add/merge steps write, `id` excluded (Instant's). */
function modifiedFieldsOf(ctx: TxContext, steps: readonly TxStep[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const step of steps) {
    if (step.kind !== "add-triple" && step.kind !== "deep-merge-triple") continue;
    const r = ctx.resolvedSteps.get(step);
    const label = ctx.attrs.get(step.attrId)?.forward.label;
    if (r === undefined || label === undefined || label === "id") continue;
    const labels = out.get(r.e) ?? [];
    if (!labels.includes(label)) labels.push(label);
    out.set(r.e, labels);
  }
  return out;
}

type ParamsOf = ((etype: string, e: string) => RuleParams) & { ofAnyEtype(e: string): RuleParams };

/** Rule params of one entity: the auth context's, then its `rule-params` steps (etype-less ones apply to every etype). */
function ruleParamsOf(ctx: TxContext, tx: AppliedTx): ParamsOf {
  const byKey = new Map<string, { [k: string]: JsonValue }>();
  for (const rp of tx.ruleParams) {
    const e =
      rp.entity.kind === "id"
        ? rp.entity.id
        : (ctx.cachedLookup(rp.entity.lookup.attrId, rp.entity.lookup.value) ??
          entityWithValue(ctx.sql, rp.entity.lookup.attrId, encodeValue(rp.entity.lookup.value)));
    if (e === undefined) continue;
    const key = `${rp.etype ?? ""}\0${e}`;
    byKey.set(key, { ...(byKey.get(key) ?? {}), ...rp.params });
  }
  const of = (etype: string, e: string): RuleParams => ({ ...ctx.auth.ruleParams, ...byKey.get(`\0${e}`), ...byKey.get(`${etype}\0${e}`) });
  const ofAnyEtype = (e: string): RuleParams => {
    const out: { [k: string]: JsonValue } = { ...ctx.auth.ruleParams };
    for (const [key, p] of byKey) if (key.endsWith(`\0${e}`)) Object.assign(out, p);
    return out;
  };
  return Object.assign(of, { ofAnyEtype });
}

/**
 * Entities as rules see them, before and after the transaction. Before-states come from
 * the triples the context kept for every entity it wrote; an entity it did not write is
 * the same before and after. Maps are shaped as `loadEntity` shapes them: label → value
 * over the etype's cardinality-one attrs, null when the entity has no triple of the
 * etype.
 */
class TxStates {
  private readonly now = new Map<string, readonly TripleRow[]>();
  private readonly maps = new Map<string, EntityData | null>();

  constructor(private readonly ctx: TxContext) {}

  before(etype: string, e: string): EntityData | null {
    return this.map("b", etype, e, () => this.ctx.rowsBefore(e) ?? this.rowsNow(e));
  }

  after(etype: string, e: string): EntityData | null {
    return this.map("a", etype, e, () => this.rowsNow(e));
  }

  /** The store's triples as they were before the transaction, for `ref` in before-phase rules. */
  beforeSource(): TripleSource {
    const ctx = this.ctx;
    const current = sqlTripleSource(ctx.sql);
    const written = new Set(ctx.writtenIds());
    const rowsOf = (e: string) => ctx.rowsBefore(e) ?? [];
    return {
      has: (e, a) => (written.has(e) ? rowsOf(e).some((r) => r.a === a) : current.has(e, a)),
      forward: (a, from) => {
        const out = current.forward(a, from.filter((e) => !written.has(e)));
        for (const e of from) {
          if (!written.has(e)) continue;
          for (const r of rowsOf(e)) if (r.a === a) out.push([e, decodeValue(r.vt, r.v)]);
        }
        return out;
      },
      reverse: (a, targets) => {
        const out = current.reverse(a, targets).filter(([, e]) => !written.has(e));
        const wanted = new Set(targets);
        for (const e of written) {
          for (const r of rowsOf(e)) if (r.a === a && r.vt === VT.string && typeof r.v === "string" && wanted.has(r.v)) out.push([r.v, e]);
        }
        return out;
      },
    };
  }

  private rowsNow(e: string): readonly TripleRow[] {
    let rows = this.now.get(e);
    if (rows === undefined) {
      rows = this.ctx.sql.all<TripleRow>(`SELECT e, a, vt, v, t FROM triples WHERE e = ?`, e);
      this.now.set(e, rows);
    }
    return rows;
  }

  private map(phase: string, etype: string, e: string, rows: () => readonly TripleRow[]): EntityData | null {
    const key = `${phase}\0${etype}\0${e}`;
    if (this.maps.has(key)) return this.maps.get(key)!;
    let out: { [label: string]: JsonValue } | null = null;
    for (const r of rows()) {
      const attr = this.ctx.attrs.get(r.a);
      if (attr === undefined || attr.forward.etype !== etype) continue;
      out ??= {};
      if (attr.cardinality === "one") out[attr.forward.label] = decodeValue(r.vt, r.v);
    }
    if (out !== null) out.id = e;
    this.maps.set(key, out);
    return out;
  }
}
