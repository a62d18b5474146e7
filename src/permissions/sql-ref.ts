/**
 * Rule inputs read from the app's store: `data.ref(path)` / `auth.ref(path)` and the
 * entity maps rules see.
 *
 * `ref` follows Instant's: starting from an entity that exists (has its `id` triple),
 * every label but the last must be a link, taken forward (`posts.owner` → `$users`) or
 * backward by its reverse name (`$users.posts` → `posts`); the last label is then read
 * forward (its values; a link's target ids) or backward (the ids of the entities
 * linking in). Values are returned once per path reaching them, like Instant's join
 * rows. An unknown label is `record-not-found` for `attr` (hint args `[etype, label]`);
 * a middle label that is not a link is `validation-failed` ("E.l needs to be a link").
 *
 * An entity's map holds its cardinality-one attrs (blobs and has-one links), as
 * Instant's permission checks see it; null when the entity has no triple of its etype.
 */
import type { Attr } from "../model/attr";
import type { JsonValue } from "../model/triple";
import { attrToWire } from "../protocol/attr-wire";
import { recordNotFound, validationError } from "../protocol/errors";
import type { AttrRegistry } from "../store/attr-registry";
import { chunk, type Sql, type SqlValue } from "../store/sql";
import { TRIPLE_COLUMNS, type TripleRow } from "../store/triple-rows";
import { decodeValue, VT } from "../store/value-codec";
import type { EntityData, RefResolver } from "./permission-run";

type Store = { readonly sql: Sql; readonly attrs: AttrRegistry };

/**
 * The triples `ref` walks: the store's, or another view of them (the authorizer's
 * before-the-transaction state, authorize-tx.ts).
 */
export type TripleSource = {
  /** Does entity `e` have a triple of `attrId`? */
  has(e: string, attrId: string): boolean;
  /** `[e, value]` for each triple of `attrId` on the `from` entities. */
  forward(attrId: string, from: readonly string[]): [string, JsonValue][];
  /** `[target, e]` for each ref triple of `attrId` whose value is one of `targets`. */
  reverse(attrId: string, targets: readonly string[]): [string, string][];
};

/** The store's triples as they are now. */
export function sqlTripleSource(sql: Sql): TripleSource {
  return {
    has: (e, attrId) => sql.all(`SELECT 1 FROM triples WHERE e = ? AND a = ? LIMIT 1`, e, attrId).length > 0,
    forward: (attrId, from) => {
      const out: [string, JsonValue][] = [];
      for (const ids of chunk([...from])) {
        const rows = sql.all<{ e: string; vt: number; v: SqlValue }>(
          `SELECT e, vt, v FROM triples WHERE e IN (SELECT value FROM json_each(?)) AND a = ?`,
          JSON.stringify(ids),
          attrId,
        );
        for (const r of rows) out.push([r.e, decodeValue(r.vt, r.v)]);
      }
      return out;
    },
    reverse: (attrId, targets) => {
      const out: [string, string][] = [];
      for (const ids of chunk([...targets])) {
        const rows = sql.all<{ e: string; v: string }>(
          `SELECT e, v FROM triples WHERE a = ? AND vt = ? AND v IN (SELECT value FROM json_each(?))`,
          attrId,
          VT.string,
          JSON.stringify(ids),
        );
        for (const r of rows) out.push([r.v, r.e]);
      }
      return out;
    },
  };
}

/** The `ref` resolver over a store (its current triples unless another source is given). */
export function sqlRefResolver(store: Store, source: TripleSource = sqlTripleSource(store.sql)): RefResolver {
  return (etype, id, path) => {
    const idAttr = store.attrs.idAttr(etype);
    if (idAttr === undefined || path.length === 0) return [];
    if (!source.has(id, idAttr.id)) return [];
    // Entity ids with the number of paths reaching each.
    let frontier = new Map<string, number>([[id, 1]]);
    let at = etype;
    for (const [i, label] of path.entries()) {
      const step = attrStep(store.attrs, at, label);
      const last = i === path.length - 1;
      if (!last && step.attr.valueType !== "ref") {
        throw validationError("attr", attrToWire(step.attr), [{ message: `${at}.${label} needs to be a link` }]);
      }
      const from = [...frontier.keys()];
      const pairs = step.forward ? source.forward(step.attr.id, from) : source.reverse(step.attr.id, from);
      if (last) return pairs.flatMap(([from, value]) => Array<JsonValue>(frontier.get(from) ?? 0).fill(value));
      const next = new Map<string, number>();
      for (const [from, value] of pairs) {
        if (typeof value !== "string") continue;
        next.set(value, (next.get(value) ?? 0) + (frontier.get(from) ?? 0));
      }
      frontier = next;
      at = step.forward ? step.attr.reverse!.etype : step.attr.forward.etype;
      if (frontier.size === 0) return [];
    }
    return [];
  };
}

/** Which attr `etype.label` names, and in which direction (forward name first, as Instant). */
function attrStep(attrs: AttrRegistry, etype: string, label: string): { attr: Attr; forward: boolean } {
  const fwd = attrs.forward(etype, label);
  if (fwd) return { attr: fwd, forward: true };
  const rev = attrs.reverse(etype, label);
  if (rev) return { attr: rev, forward: false };
  throw recordNotFound("attr", [etype, label]);
}

/** Entity maps (label → value over cardinality-one attrs) for `ids` of `etype`; absent ids have no entry. */
export function loadEntities(store: Store, etype: string, ids: readonly string[]): Map<string, EntityData> {
  const byId = new Map(store.attrs.ofEtype(etype).filter((a) => a.cardinality === "one").map((a) => [a.id, a]));
  const out = new Map<string, { [label: string]: JsonValue }>();
  if (byId.size === 0) return out;
  const attrIds = JSON.stringify([...byId.keys()]);
  for (const part of chunk([...new Set(ids)])) {
    const rows = store.sql.all<TripleRow>(
      `SELECT ${TRIPLE_COLUMNS} FROM triples WHERE e IN (SELECT value FROM json_each(?)) AND a IN (SELECT value FROM json_each(?))`,
      JSON.stringify(part),
      attrIds,
    );
    for (const r of rows) {
      let entity = out.get(r.e);
      if (entity === undefined) out.set(r.e, (entity = {}));
      entity[byId.get(r.a)!.forward.label] = decodeValue(r.vt, r.v);
    }
  }
  return out;
}

/** One entity's map, or null. */
export function loadEntity(store: Store, etype: string, id: string): EntityData | null {
  return loadEntities(store, etype, [id]).get(id) ?? null;
}
