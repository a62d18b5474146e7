/**
 * Which attrs an admin transaction must create before its data steps can run (as
 * Instant's server does it: the server-side twin of the client's
 * schemaless attr creation, docs/protocol.md §2.4): first every attr a lookup needs (so a lookup
 * key is created unique before a plain field of the same name could be), then, op by op,
 * the etype's `id` attr and one attr per key of the op's object.
 */
import type { JsonValue } from "../model/triple";
import type { AdminOp } from "./admin-ops";
import { type LookupPair, isRefLookup, linkTargets, lookupPairOf, refLookupLinkLabel } from "./lookups";
import { FIELD_PROPS, ID_PROPS, LINK_PROPS, LOOKUP_PROPS, type PlannedAttrs, REF_LOOKUP_PROPS } from "./planned-attrs";

/** Plans the missing attrs into `attrs` (its `added` list, in Instant's order). */
export function planMissingAttrs(attrs: PlannedAttrs, ops: readonly AdminOp[]): void {
  for (const op of ops) {
    for (const l of lookupsOf(op)) {
      if (l.linkLabel === null) {
        planLookup(attrs, l.etype, l.pair);
      } else {
        planLink(attrs, l.etype, l.linkLabel, REF_LOOKUP_PROPS);
        planLookup(attrs, linkedEtype(attrs, l.etype, l.linkLabel), l.pair);
      }
    }
  }
  for (const op of ops) planObjectAttrs(attrs, op);
}

type OpLookup = { etype: string; pair: LookupPair; linkLabel: string | null };

/**
 * The lookups an op uses: its entity position, and for `link` every target given as a
 * lookup. Instant plans none for `ruleParams` (the browser client does).
 */
function lookupsOf(op: AdminOp): OpLookup[] {
  if (!("eid" in op) || op.action === "ruleParams") return [];
  const out: OpLookup[] = [];
  const own = lookupPairOf(op.eid);
  if (own) out.push({ etype: op.etype, pair: own, linkLabel: null });
  if (op.action !== "link") return out;
  for (const [label, v] of Object.entries(op.args)) {
    for (const target of linkTargets(v)) {
      const pair = lookupPairOf(target);
      if (pair) out.push({ etype: op.etype, pair, linkLabel: label });
    }
  }
  return out;
}

/** A lookup key: a unique indexed field, or for `link.id` the has-one link itself. */
function planLookup(attrs: PlannedAttrs, etype: string, pair: LookupPair): void {
  if (isRefLookup(attrs, etype, pair)) {
    planLink(attrs, etype, refLookupLinkLabel(pair), REF_LOOKUP_PROPS);
    return;
  }
  if (!attrs.forward(etype, pair[0])) attrs.addBlob(etype, pair[0], LOOKUP_PROPS);
}

/** A link label unknown from both sides becomes a new link. */
function planLink(attrs: PlannedAttrs, etype: string, label: string, props: typeof LINK_PROPS): void {
  if (!attrs.forward(etype, label) && !attrs.reverse(etype, label)) attrs.addRef(etype, label, props);
}

/** The etype on the other side of `etype.label` (the label itself for a link just planned by name). */
function linkedEtype(attrs: PlannedAttrs, etype: string, label: string): string {
  return attrs.forward(etype, label)?.reverse?.etype ?? attrs.reverse(etype, label)?.forward.etype ?? label;
}

function planObjectAttrs(attrs: PlannedAttrs, op: AdminOp): void {
  const { action } = op;
  if (action !== "create" && action !== "update" && action !== "merge" && action !== "link" && action !== "unlink") return;
  const { etype } = op;
  if (!attrs.forward(etype, "id")) attrs.addBlob(etype, "id", ID_PROPS);
  const isLink = action === "link" || action === "unlink";
  for (const label of Object.keys(op.args)) {
    if (attrs.forward(etype, label)) continue;
    if (!isLink) attrs.addBlob(etype, label, label === "id" ? ID_PROPS : FIELD_PROPS);
    else planLink(attrs, etype, label, LINK_PROPS);
  }
}

/** `etype.label` of each planned attr, as Instant lists them in the missing-attrs error. */
export const plannedNames = (attrs: PlannedAttrs): JsonValue[] => attrs.added.map((a) => `${a.forward.etype}.${a.forward.label}`);
