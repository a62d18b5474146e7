/**
 * The app's attrs as the admin expansion sees them: the stored ones plus the ones this
 * transaction is about to create. Instant threads one growing attr list through its
 * planning, so an attr planned for an earlier op is found (and not planned twice) by a
 * later one; the expansion then resolves every name against the same view.
 */
import { type Attr, type Cardinality, blobAttr } from "../model/attr";

/** What the expansion needs from the app's attrs; AttrRegistry satisfies it. */
export type AttrNames = {
  /** The attr named `etype.label` on its forward side. */
  forward(etype: string, label: string): Attr | undefined;
  /** The ref attr whose reverse name is `etype.label`. */
  reverse(etype: string, label: string): Attr | undefined;
};

/** Properties Instant's admin planner overrides on its defaults. */
export type PlannedBlobProps = { readonly unique: boolean; readonly indexed: boolean };
export type PlannedRefProps = PlannedBlobProps & { readonly cardinality: Cardinality };

/** A plain field: blob, cardinality one, not unique, not indexed (docs/protocol.md §2.4). */
export const FIELD_PROPS: PlannedBlobProps = { unique: false, indexed: false };
/** An etype's `id` attr: unique, not indexed. */
export const ID_PROPS: PlannedBlobProps = { unique: true, indexed: false };
/** A field used as a lookup key: unique and indexed. */
export const LOOKUP_PROPS: PlannedBlobProps = { unique: true, indexed: true };
/** A link named in link/unlink: many, not unique; the target etype is named like the label. */
export const LINK_PROPS: PlannedRefProps = { unique: false, indexed: false, cardinality: "many" };
/** A link reached through a lookup (`owner.id`, or a lookup target): has-one, unique, indexed. */
export const REF_LOOKUP_PROPS: PlannedRefProps = { unique: true, indexed: true, cardinality: "one" };

export class PlannedAttrs implements AttrNames {
  /** New attrs, in the order Instant plans them (their add-attr steps go first, in this order). */
  readonly added: Attr[] = [];

  constructor(
    private readonly stored: AttrNames,
    private readonly newId: () => string,
  ) {}

  forward(etype: string, label: string): Attr | undefined {
    return this.stored.forward(etype, label) ?? this.added.find((a) => a.forward.etype === etype && a.forward.label === label);
  }

  reverse(etype: string, label: string): Attr | undefined {
    return this.stored.reverse(etype, label) ?? this.added.find((a) => a.reverse?.etype === etype && a.reverse.label === label);
  }

  /** Plans `etype.label` as a blob attr. Ids are drawn attr first, then identity, as Instant does. */
  addBlob(etype: string, label: string, props: PlannedBlobProps): void {
    const id = this.newId();
    this.added.push(blobAttr(id, { id: this.newId(), etype, label }, { unique: props.unique, indexed: props.indexed }));
  }

  /** Plans the link `etype.label` ↔ `label.etype`: the target etype is assumed to be named like the label. */
  addRef(etype: string, label: string, props: PlannedRefProps): void {
    const id = this.newId();
    const forward = { id: this.newId(), etype, label };
    const reverse = { id: this.newId(), etype: label, label: etype };
    const base = blobAttr(id, forward, { unique: props.unique, indexed: props.indexed });
    this.added.push({ ...base, reverse, valueType: "ref", cardinality: props.cardinality });
  }
}
