/**
 * Domain steps back in their wire shape, for error hints only (Instant echoes the
 * offending step or entity in `hint.input` and in its messages).
 */
import type { JsonValue } from "../model/triple";
import { attrToWire } from "../protocol/attr-wire";
import type { EntityRef, LookupRef, TxStep } from "./steps";

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (x: unknown): x is string => typeof x === "string" && UUID_RE.test(x);

export const lookupToWire = (l: LookupRef): JsonValue => [l.attrId, l.value];

export const entityToWire = (e: EntityRef): JsonValue => (e.kind === "id" ? e.id : lookupToWire(e.lookup));

/** How Instant prints an entity position inside a message. */
export const entityText = (e: EntityRef): string => (e.kind === "id" ? e.id : JSON.stringify(lookupToWire(e.lookup)));

export function stepToWire(step: TxStep): JsonValue {
  switch (step.kind) {
    case "add-attr":
      return [step.kind, attrToWire(step.attr)];
    case "update-attr":
      return [step.kind, { id: step.patch.id }];
    case "delete-attr":
    case "restore-attr":
      return [step.kind, step.attrId];
    case "add-triple":
      return withMode([step.kind, entityToWire(step.entity), step.attrId, step.value], step.mode);
    case "deep-merge-triple":
      return withMode([step.kind, entityToWire(step.entity), step.attrId, step.patch], step.mode);
    case "retract-triple":
      return [step.kind, entityToWire(step.entity), step.attrId, step.value];
    case "delete-entity":
      return step.etype === null ? [step.kind, entityToWire(step.entity)] : [step.kind, entityToWire(step.entity), step.etype];
    case "rule-params":
      return [step.kind, entityToWire(step.entity), step.etype, step.params];
  }
}

const withMode = (arr: JsonValue[], mode: string | null): JsonValue => (mode === null ? arr : [...arr, { mode }]);
