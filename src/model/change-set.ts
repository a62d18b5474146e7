/**
 * What a committed transaction changed, in the terms invalidation needs: the attrs whose
 * triples were written or deleted and, per attr, the entities those triples belong to;
 * the etypes written (through an attr's forward or reverse side), for subscriptions
 * persisted before attr tracking; and whether the attr list itself changed.
 */

export type ChangeSet = {
  readonly etypes: ReadonlySet<string>;
  /** Attrs whose triples were written or deleted. */
  readonly attrIds: ReadonlySet<string>;
  /**
   * attr id → the `e` of every triple of it written or deleted (for an `id` attr also the
   * value stored, should it differ from `e`). A ref's value side is not recorded: pins
   * never depend on it (invalidate/read-deps.ts). An attr of `attrIds` without an entry
   * changed on entities nobody recorded (delete-attr): it matches every pin.
   */
  readonly entities: ReadonlyMap<string, ReadonlySet<string>>;
  readonly attrsChanged: boolean;
};

export const EMPTY_CHANGE_SET: ChangeSet = { etypes: new Set(), attrIds: new Set(), entities: new Map(), attrsChanged: false };
