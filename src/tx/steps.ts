/**
 * The transaction engine's domain view of `tx-steps`: each wire array parsed once into
 * a tagged object. Lookup refs stay unresolved here; the engine resolves them against
 * SQLite while it runs.
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";

/** `[attrId, value]` on the wire: "the entity whose `attrId` triple equals `value`". */
export type LookupRef = { readonly attrId: string; readonly value: JsonValue };

export type EntityRef =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "lookup"; readonly lookup: LookupRef };

export const TX_MODES = ["create", "update", "upsert"] as const;
export type TxMode = (typeof TX_MODES)[number];

/** The properties update-attr may change; absent keys keep their value. */
export type AttrPatch = {
  readonly id: string;
} & Partial<Omit<Attr, "id" | "catalog">>;

export type AddAttrStep = { readonly kind: "add-attr"; readonly attr: Attr };
export type UpdateAttrStep = { readonly kind: "update-attr"; readonly patch: AttrPatch };
export type DeleteAttrStep = { readonly kind: "delete-attr"; readonly attrId: string };
export type RestoreAttrStep = { readonly kind: "restore-attr"; readonly attrId: string };

export type AddTripleStep = {
  readonly kind: "add-triple";
  readonly entity: EntityRef;
  readonly attrId: string;
  readonly value: JsonValue;
  /** Set when `value` has the lookup shape; only used when the attr is a ref or an `id` attr. */
  readonly valueLookup: LookupRef | null;
  readonly mode: TxMode | null;
};

export type DeepMergeTripleStep = {
  readonly kind: "deep-merge-triple";
  readonly entity: EntityRef;
  readonly attrId: string;
  readonly patch: JsonValue;
  readonly mode: TxMode | null;
};

export type RetractTripleStep = {
  readonly kind: "retract-triple";
  readonly entity: EntityRef;
  readonly attrId: string;
  readonly value: JsonValue;
  readonly valueLookup: LookupRef | null;
};

export type DeleteEntityStep = {
  readonly kind: "delete-entity";
  readonly entity: EntityRef;
  /** Null only from very old clients: then every etype the entity has. */
  readonly etype: string | null;
};

export type RuleParamsStep = {
  readonly kind: "rule-params";
  readonly entity: EntityRef;
  readonly etype: string | null;
  readonly params: { readonly [key: string]: JsonValue };
};

export type TxStep =
  | AddAttrStep
  | UpdateAttrStep
  | DeleteAttrStep
  | RestoreAttrStep
  | AddTripleStep
  | DeepMergeTripleStep
  | RetractTripleStep
  | DeleteEntityStep
  | RuleParamsStep;

export type TxStepKind = TxStep["kind"];

export const TX_STEP_KINDS = [
  "add-attr",
  "update-attr",
  "delete-attr",
  "restore-attr",
  "add-triple",
  "deep-merge-triple",
  "retract-triple",
  "delete-entity",
  "rule-params",
] as const satisfies readonly TxStepKind[];

/** Steps that write triples of one attr on one entity. */
export type TripleStep = AddTripleStep | DeepMergeTripleStep | RetractTripleStep;
