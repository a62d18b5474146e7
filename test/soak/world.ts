/**
 * The soak's data: a schemaless app whose attrs are created by one setup transaction of
 * raw `add-attr` steps (docs/protocol.md §2.4, §5.1), the query shapes sessions subscribe
 * to, the tx-steps of each write, and the model of one item that the final check
 * compares with the database.
 *
 *   items:  id, name (unique per create), group (0..groups-1), score (number, indexed,
 *           typed: orderable), value (a fresh unique string on every update),
 *           owner → owners (ref, cardinality one; reverse label owners.items)
 *   owners: id, name; a fixed number of them, written once by the setup and never changed.
 */
import { Rng } from "../sample-library/prng";


export type Attrs = {
  readonly itemId: string;
  readonly itemName: string;
  readonly itemGroup: string;
  readonly itemScore: string;
  readonly itemValue: string;
  readonly itemOwner: string;
  readonly ownerId: string;
  readonly ownerName: string;
};

export type Owner = { readonly id: string; readonly name: string };

export type World = { readonly attrs: Attrs; readonly owners: readonly Owner[]; readonly groups: number };

export function makeWorld(rng: Rng, sizes: { groups: number; owners: number }): World {
  const attrs: Attrs = {
    itemId: rng.uuid(),
    itemName: rng.uuid(),
    itemGroup: rng.uuid(),
    itemScore: rng.uuid(),
    itemValue: rng.uuid(),
    itemOwner: rng.uuid(),
    ownerId: rng.uuid(),
    ownerName: rng.uuid(),
  };
  const owners = Array.from({ length: sizes.owners }, (_, i) => ({ id: rng.uuid(), name: `owner-${i}` }));
  return { attrs, owners, groups: sizes.groups };
}

const blob = (rng: Rng, id: string, ns: string, label: string, extra: Record<string, unknown> = {}) => [
  "add-attr",
  { id, "forward-identity": [rng.uuid(), ns, label], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false, ...extra },
];

/** One transaction: every attr, then the owners. */
export function setupSteps(world: World, rng: Rng): unknown[] {
  const { attrs: A, owners } = world;
  return [
    blob(rng, A.itemId, "items", "id", { "unique?": true }),
    blob(rng, A.itemName, "items", "name"),
    blob(rng, A.itemGroup, "items", "group"),
    blob(rng, A.itemScore, "items", "score", { "index?": true, "checked-data-type": "number" }),
    blob(rng, A.itemValue, "items", "value"),
    [
      "add-attr",
      {
        id: A.itemOwner,
        "forward-identity": [rng.uuid(), "items", "owner"],
        "reverse-identity": [rng.uuid(), "owners", "items"],
        "value-type": "ref",
        cardinality: "one",
        "unique?": false,
        "index?": false,
      },
    ],
    blob(rng, A.ownerId, "owners", "id", { "unique?": true }),
    blob(rng, A.ownerName, "owners", "name"),
    ...owners.flatMap((o) => [
      ["add-triple", o.id, A.ownerId, o.id],
      ["add-triple", o.id, A.ownerName, o.name],
    ]),
  ];
}

/** A query a session may subscribe to; `key` names it in reports. */
export type Shape = { readonly key: string; readonly q: Record<string, unknown> };

/** A where per group, an order+limit both ways, a nested link under each owner. */
export function queryShapes(world: World): Shape[] {
  const shapes: Shape[] = [];
  for (let g = 0; g < world.groups; g++) shapes.push({ key: `where group=${g}`, q: { items: { $: { where: { group: g } } } } });
  shapes.push({ key: "top 5 by score desc", q: { items: { $: { order: { score: "desc" }, limit: 5 } } } });
  shapes.push({ key: "top 5 by score asc", q: { items: { $: { order: { score: "asc" }, limit: 5 } } } });
  for (const o of world.owners) shapes.push({ key: `${o.name} with items`, q: { owners: { $: { where: { name: o.name } }, items: {} } } });
  return shapes;
}

/** What a session believes about one of its items' mutable fields; null = absent. */
export type ItemFields = { readonly value: string; readonly score: number; readonly owner: string | null };

export type TxKind = "create" | "update" | "link" | "unlink" | "delete";

export type TrackedItem = {
  readonly id: string;
  readonly name: string;
  readonly group: number;
  readonly session: number;
  /** The state after the last acknowledged write (null: not created yet, or deleted). */
  confirmed: ItemFields | null;
  /** The write in flight (one at a time per item). */
  pending: { readonly cid: string; readonly kind: TxKind; readonly next: ItemFields | null } | null;
  /**
   * A write that was in flight when its socket went away (deliberate close or restart):
   * it may or may not have been applied. The item is never written again, so its final
   * state must be `confirmed` or `lost.next`.
   */
  lost: { readonly kind: TxKind; readonly next: ItemFields | null } | null;
};

export function txSteps(A: Attrs, item: TrackedItem, kind: TxKind, next: ItemFields | null): unknown[] {
  const e = item.id;
  const prev = item.confirmed;
  switch (kind) {
    case "create": {
      const n = next as ItemFields;
      const create = { mode: "create" };
      return [
        ["add-triple", e, A.itemId, e, create],
        ["add-triple", e, A.itemName, item.name, create],
        ["add-triple", e, A.itemGroup, item.group, create],
        ["add-triple", e, A.itemScore, n.score, create],
        ["add-triple", e, A.itemValue, n.value, create],
        ...(n.owner === null ? [] : [["add-triple", e, A.itemOwner, n.owner]]),
      ];
    }
    case "update": {
      const n = next as ItemFields;
      const update = { mode: "update" };
      return [
        ["add-triple", e, A.itemId, e, update],
        ["add-triple", e, A.itemValue, n.value, update],
        ["add-triple", e, A.itemScore, n.score, update],
      ];
    }
    case "link":
      return [["add-triple", e, A.itemOwner, (next as ItemFields).owner]];
    case "unlink":
      return [["retract-triple", e, A.itemOwner, prev?.owner]];
    case "delete":
      return [["delete-entity", e, "items"]];
  }
}

/** [e, a, v] of a triple, as a string: the unit results are compared in. */
export const tripleKey = (t: readonly unknown[]) => JSON.stringify([t[0], t[1], t[2]]);

type Node = { data?: { "datalog-result"?: { "join-rows"?: unknown[][][] } }; "child-nodes"?: Node[] };

/** Every triple of every join row of every node (docs/protocol.md §7.1), as the client gathers them. */
export function resultTriples(result: unknown): unknown[][] {
  const out: unknown[][] = [];
  const walk = (nodes: Node[] | undefined) => {
    for (const node of nodes ?? []) {
      for (const row of node.data?.["datalog-result"]?.["join-rows"] ?? []) for (const t of row) out.push(t as unknown[]);
      walk(node["child-nodes"]);
    }
  };
  walk(result as Node[]);
  return out;
}

/** The sorted, de-duplicated [e, a, v] keys of a result. */
export const resultKeys = (result: unknown): string[] => [...new Set(resultTriples(result).map(tripleKey))].sort();

/** Reads every item's state out of the triples of a fresh `{items: {}}` result. */
export function itemsFromTriples(A: Attrs, triples: unknown[][]) {
  const byId = new Map<string, { name?: unknown; group?: unknown; value?: unknown; score?: unknown; owner?: unknown; hasId: boolean }>();
  const get = (e: string) => {
    let row = byId.get(e);
    if (!row) byId.set(e, (row = { hasId: false }));
    return row;
  };
  for (const [e, a, v] of triples) {
    const row = get(e as string);
    if (a === A.itemId) row.hasId = true;
    else if (a === A.itemName) row.name = v;
    else if (a === A.itemGroup) row.group = v;
    else if (a === A.itemValue) row.value = v;
    else if (a === A.itemScore) row.score = v;
    else if (a === A.itemOwner) row.owner = v;
  }
  return byId;
}
