/**
 * What a committed transaction changed, in the terms invalidation needs: the etypes
 * whose triples were written (through an attr's forward or reverse side) and whether
 * the attr list itself changed.
 */

export type ChangeSet = {
  readonly etypes: ReadonlySet<string>;
  readonly attrsChanged: boolean;
};

export const EMPTY_CHANGE_SET: ChangeSet = { etypes: new Set(), attrsChanged: false };
