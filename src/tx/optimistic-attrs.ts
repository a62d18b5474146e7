/**
 * The attrs as they will be once this transaction's attr steps have run. Checks that
 * happen before any step (pre-validation, modes) need them: a triple step may use an
 * attr added by an earlier step of the same transaction.
 */
import type { Attr } from "../model/attr";
import type { AttrRegistry } from "../store/attr-registry";
import type { TxStep } from "./steps";

export type AttrView = (id: string) => Attr | undefined;

export function optimisticAttrs(registry: AttrRegistry, steps: readonly TxStep[]): AttrView {
  const overlay = new Map<string, Attr | null>();
  for (const step of steps) {
    if (step.kind === "add-attr") overlay.set(step.attr.id, step.attr);
    else if (step.kind === "delete-attr") overlay.set(step.attrId, null);
    else if (step.kind === "update-attr") {
      const base = overlay.has(step.patch.id) ? overlay.get(step.patch.id) : registry.get(step.patch.id);
      if (!base) continue;
      const defined = Object.fromEntries(Object.entries(step.patch).filter(([, v]) => v !== undefined));
      overlay.set(step.patch.id, { ...base, ...defined, id: base.id, catalog: base.catalog });
    }
  }
  if (overlay.size === 0) return (id) => registry.get(id);
  return (id) => (overlay.has(id) ? (overlay.get(id) ?? undefined) : registry.get(id));
}
