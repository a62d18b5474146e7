/**
 * Which rules a link or unlink step runs, with which variables, following Instant's
 * permissioned transaction. A step `[source, label, target]` on a ref attr runs:
 *
 * * if either side has a rule (`E.allow.link.<label>`, else `E.allow.link.$default`;
 *   `unlink` likewise), those rules, each for the side that owns it;
 * * otherwise the source's update rule (create when the source is new) and the
 *   target's view rule.
 *
 * Checks come in two phases, as on Instant: `before` the write, for entities that
 * already existed (`data` = their state before, `newData` = after); `after` the write,
 * for entities the transaction creates (`data` = `newData` = their new state, so
 * `data.ref` sees the new links). Unlink only has the `before` phase.
 *
 * One deliberate difference: Instant compiles the target side's link rule with the
 * source namespace's binds and resolves its `data.ref` from the source namespace; here
 * each side's rule uses its own namespace.
 */
import type { RuleParams } from "../model/auth-context";
import type { EntityData, RuleVars } from "./permission-run";
import { type CompiledRules, type Rule, linkRuleFor, ruleFor } from "./rules";

export type LinkPhase = "before" | "after";

/** One end of a link step. */
export type LinkSide = {
  readonly etype: string;
  /** The link's label on this side (the forward label for the source, the reverse label for the target). */
  readonly label: string;
  /** The entity before the transaction; null when the transaction creates it. */
  readonly before: EntityData | null;
  /** The entity with the transaction applied. */
  readonly after: EntityData | null;
  /** `ruleParams` steps for this entity. */
  readonly ruleParams?: RuleParams;
  /** Labels the transaction writes on this entity (`request.modifiedFields` of fallback update/create checks). */
  readonly modifiedFields?: readonly string[];
};

export type LinkCheck = { readonly rule: Rule; readonly vars: RuleVars };

const merged = (weaker: RuleParams | undefined, stronger: RuleParams | undefined): RuleParams => ({ ...(weaker ?? {}), ...(stronger ?? {}) });

/** The checks one link/unlink step needs in `phase` (empty: nothing to check). */
export function linkChecks(rules: CompiledRules, kind: "link" | "unlink", phase: LinkPhase, source: LinkSide, target: LinkSide): LinkCheck[] {
  if (kind === "unlink" && phase === "after") return [];
  const own = linkRuleFor(rules, source.etype, kind, source.label);
  const rev = linkRuleFor(rules, target.etype, kind, target.label);
  const srcParams = merged(target.ruleParams, source.ruleParams);
  const tgtParams = merged(source.ruleParams, target.ruleParams);
  const out: LinkCheck[] = [];
  if (own !== null || rev !== null) {
    if (phase === "before") {
      if (source.before !== null && own !== null) {
        out.push({
          rule: own,
          vars: {
            data: source.before,
            newData: source.after,
            linkedData: target.before,
            linkedEtype: target.etype,
            ruleParams: srcParams,
            ...(kind === "link" ? { actions: { data: "update", linkedData: target.before !== null ? "update" : "create" } } : {}),
          },
        });
      }
      if (target.before !== null && rev !== null) {
        out.push({
          rule: rev,
          vars:
            kind === "link"
              ? {
                  data: { ...target.before, $action: "update" },
                  newData: target.after,
                  linkedData: source.after,
                  linkedEtype: source.etype,
                  ruleParams: tgtParams,
                  actions: { data: "update", linkedData: source.before !== null ? "update" : "create" },
                }
              : { data: target.before, newData: target.after, linkedData: source.before, linkedEtype: source.etype, ruleParams: tgtParams },
        });
      }
    } else {
      if (source.before === null && own !== null) {
        out.push({
          rule: own,
          vars: {
            data: source.after,
            newData: source.after,
            linkedData: target.after,
            linkedEtype: target.etype,
            ruleParams: srcParams,
            actions: { data: "create", linkedData: target.before !== null ? "update" : "create" },
          },
        });
      }
      if (target.before === null && target.after !== null && rev !== null) {
        out.push({
          rule: rev,
          vars: {
            data: target.after,
            newData: target.after,
            linkedData: source.after,
            linkedEtype: source.etype,
            ruleParams: tgtParams,
            actions: { data: "create", linkedData: source.before === null ? "create" : "update" },
          },
        });
      }
    }
    return out;
  }
  // No link rule on either side: the source's write rule and the target's view rule.
  if (phase === "before") {
    if (source.before !== null) {
      out.push({
        rule: ruleFor(rules, source.etype, "update"),
        vars: { data: source.before, newData: source.after, ruleParams: srcParams, modifiedFields: source.modifiedFields ?? [] },
      });
    }
    if (target.before !== null) out.push({ rule: ruleFor(rules, target.etype, "view"), vars: { data: target.before, ruleParams: tgtParams } });
  } else {
    if (source.before === null) {
      out.push({
        rule: ruleFor(rules, source.etype, "create"),
        vars: { data: source.after, newData: source.after, ruleParams: srcParams, modifiedFields: source.modifiedFields ?? [] },
      });
    }
    if (target.before === null && target.after !== null) {
      out.push({ rule: ruleFor(rules, target.etype, "view"), vars: { data: target.after, ruleParams: tgtParams } });
    }
  }
  return out;
}
