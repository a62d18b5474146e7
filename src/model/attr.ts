/**
 * Domain model of an attribute ("attr"): the engine's own camelCase view of what the
 * wire calls an attr object. protocol/attr-wire.ts converts between the two.
 */

export const VALUE_TYPES = ["blob", "ref"] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const CARDINALITIES = ["one", "many"] as const;
export type Cardinality = (typeof CARDINALITIES)[number];

export const CHECKED_DATA_TYPES = ["string", "number", "boolean", "date"] as const;
export type CheckedDataType = (typeof CHECKED_DATA_TYPES)[number];

export type Catalog = "system" | "user";

/** A name of an attr: `[identId, etype, label]` on the wire. */
export type Identity = {
  readonly id: string;
  readonly etype: string;
  readonly label: string;
};

export type Attr = {
  readonly id: string;
  readonly forward: Identity;
  /** Only refs have a reverse name. */
  readonly reverse: Identity | null;
  readonly valueType: ValueType;
  readonly cardinality: Cardinality;
  readonly unique: boolean;
  readonly indexed: boolean;
  readonly required: boolean;
  readonly checkedDataType: CheckedDataType | null;
  /** Deleting the target (reverse side) deletes the source. */
  readonly onDelete: "cascade" | null;
  /** Deleting the source deletes the target. */
  readonly onDeleteReverse: "cascade" | null;
  readonly catalog: Catalog;
};

export const isRef = (attr: Attr): boolean => attr.valueType === "ref";

/** The attr whose label is `id` is the entity-existence attr of its etype. */
export const isIdAttr = (attr: Attr): boolean =>
  attr.valueType === "blob" && attr.forward.label === "id";

/** The properties a blob attr may set; everything else has a plain field's default. */
export type BlobProps = Partial<Pick<Attr, "unique" | "indexed" | "required" | "checkedDataType" | "catalog">>;

/**
 * A blob (non-link) attr: cardinality one, no reverse name, not unique, indexed,
 * required or typed unless `props` says so. The one place those defaults live.
 */
export function blobAttr(id: string, forward: Identity, props: BlobProps = {}): Attr {
  return {
    id,
    forward,
    reverse: null,
    valueType: "blob",
    cardinality: "one",
    unique: false,
    indexed: false,
    required: false,
    checkedDataType: null,
    onDelete: null,
    onDeleteReverse: null,
    catalog: "user",
    ...props,
  };
}

/** True when two attrs describe the same thing (used for add-attr idempotency). */
export function sameAttr(a: Attr, b: Attr): boolean {
  const sameIdent = (x: Identity | null, y: Identity | null) =>
    x === y || (x !== null && y !== null && x.id === y.id && x.etype === y.etype && x.label === y.label);
  return (
    a.id === b.id &&
    sameIdent(a.forward, b.forward) &&
    sameIdent(a.reverse, b.reverse) &&
    a.valueType === b.valueType &&
    a.cardinality === b.cardinality &&
    a.unique === b.unique &&
    a.indexed === b.indexed &&
    a.required === b.required &&
    a.checkedDataType === b.checkedDataType &&
    a.onDelete === b.onDelete &&
    a.onDeleteReverse === b.onDeleteReverse
  );
}
