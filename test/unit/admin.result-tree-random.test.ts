/**
 * Seeded random differential test of the admin tree: for random worlds and queries
 * (test/helpers/random-world.ts, random-query.ts), the tree must equal what the client's
 * own InstaQL engine computes over the FULL data (for non-leading pages: the window cut
 * from its full order, as in query.random-oracle.test.ts), with and without cardinality
 * inference, once the differences Instant's admin tree has on purpose are normalised:
 * has-one link ids in objects are dropped, a missing singular child is null not
 * undefined, and forms ordered by a string attr compare as sets (the client sorts with
 * the en-US collator, Instant's tree by code units; admin.result-tree.test.ts pins that).
 *
 * Cases where the client over our engine's own triples already differs from its view of
 * the full data are the known client gaps query.random-oracle.test.ts tolerates; they
 * are counted, not failed. ADMIN_TREE_SEED=<n> replays one case and prints both sides;
 * ADMIN_TREE_CASES / ADMIN_TREE_BASE pick how many cases and which stretch of seeds.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import clientQuery from "../../node_modules/@instantdb/core/dist/esm/instaql.js";
import { AttrsStoreClass, createStore } from "../../node_modules/@instantdb/core/dist/esm/store.js";
import { queryTree } from "../../src/admin/result-tree";
import type { JsonValue, Triple } from "../../src/model/triple";
import { type PageInfo, runQuery } from "../../src/query";
import { randomTopForm } from "../helpers/random-query";
import { type World, buildWorld } from "../helpers/random-world";
import { Rng } from "../sample-library/prng";

const CASES = Number(process.env.ADMIN_TREE_CASES ?? 300);
const FIXED = process.env.ADMIN_TREE_SEED;
const BASE = FIXED ? Number(FIXED) : Number(process.env.ADMIN_TREE_BASE ?? 20260301);
const seeds = FIXED ? [BASE] : Array.from({ length: CASES }, (_, i) => (BASE + i * 7919) >>> 0);

type Obj = { [k: string]: JsonValue };
const PAGE_KEYS = ["limit", "first", "last", "offset", "after", "before", "afterInclusive", "beforeInclusive"];

/** The client engine's `data` for `q` over `triples`, optionally with page-info and cardinality inference. */
function clientData(w: World, triples: readonly Triple[], q: Obj, inference: boolean, pageInfo?: Record<string, PageInfo>): Obj {
  const attrs = Object.fromEntries(w.wireAttrs.map((a) => [a.id as string, a]));
  const attrsStore = new AttrsStoreClass(attrs as never, (inference ? linkIndex(w) : null) as never);
  const store = createStore(attrsStore, triples.map((t) => [...t]) as never, inference, false);
  const pi = pageInfo && Object.keys(pageInfo).length > 0 ? wirePageInfo(pageInfo) : undefined;
  return (clientQuery({ store, attrsStore, pageInfo: pi }, q) as { data: Obj }).data;
}

/** The link index a schema would give the client: has-one forward ↔ cardinality one, has-one reverse ↔ unique. */
function linkIndex(w: World): Obj {
  const index: { [etype: string]: Obj } = {};
  for (const { attr } of w.links) {
    if (!attr.reverse) continue;
    (index[attr.forward.etype] ??= {})[attr.forward.label] = { isForward: true, isSingular: attr.cardinality === "one" };
    (index[attr.reverse.etype] ??= {})[attr.reverse.label] = { isForward: false, isSingular: attr.unique };
  }
  return index;
}

function wirePageInfo(p: Record<string, PageInfo>): Obj {
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, { "start-cursor": v.startCursor, "end-cursor": v.endCursor, "has-next-page?": v.hasNextPage, "has-previous-page?": v.hasPreviousPage }]),
  );
}

const nextEtype = (w: World, et: string, label: string): string | undefined =>
  w.links.find((l) => l.from === et && l.label === label)?.to ?? w.links.find((l) => l.to === et && l.revLabel === label)?.from;

/** Rows made comparable across the two engines (see the module comment). */
function normalize(w: World, rows: JsonValue | undefined, form: Obj, etype: string, admin: boolean): JsonValue | undefined {
  if (rows === undefined || rows === null) return undefined;
  if (!Array.isArray(rows)) return normalizeRow(w, rows as Obj, form, etype, admin);
  const out = rows.map((r) => normalizeRow(w, r as Obj, form, etype, admin) as Obj);
  const field = Object.keys(((form.$ as Obj | undefined)?.order as Obj | undefined) ?? {})[0];
  const byString = w.blobs.get(etype)?.some((s) => s.label === field && s.attr.checkedDataType === "string");
  return byString ? out.sort((a, b) => String(a.id).localeCompare(String(b.id))) : out;
}

function normalizeRow(w: World, row: Obj, form: Obj, etype: string, admin: boolean): JsonValue | undefined {
  const out: Obj = {};
  for (const [k, v] of Object.entries(row)) {
    if (k !== "$" && k in form) {
      const child = normalize(w, v, form[k] as Obj, nextEtype(w, etype, k) ?? "", admin);
      if (child !== undefined) out[k] = child;
    } else if (!(admin && w.links.some((l) => l.from === etype && l.label === k))) {
      out[k] = v;
    }
  }
  return out;
}

function normalizeAll(w: World, data: Obj, q: Obj, admin: boolean): Obj {
  return Object.fromEntries(Object.keys(q).map((k) => [k, normalize(w, data[k], q[k] as Obj, k, admin) ?? null]));
}

/** The page the client should show: cut from its full order the way docs/protocol.md §7.4 describes. */
function expectedWindow(all: Obj[], opts: Obj): Obj[] {
  let start = 0;
  let end = all.length;
  const at = (c: JsonValue) => all.findIndex((r) => r.id === (c as string[])[0]);
  if (opts.after) start = at(opts.after) + (opts.afterInclusive ? 0 : 1);
  if (opts.before) end = at(opts.before) + (opts.beforeInclusive ? 1 : 0);
  start += Number(opts.offset ?? 0);
  let rows = start < end ? all.slice(start, end) : [];
  const n = (opts.limit ?? opts.first) as number | undefined;
  if (n !== undefined) rows = rows.slice(0, n);
  if (opts.last !== undefined) rows = rows.slice(-(opts.last as number));
  return rows;
}

/** The query of one case: a random top-level form, cursors from a leading page, maybe a second key. */
function randomCase(seed: number): { w: World; etype: string; q: Obj; opts: Obj } | null {
  const r = new Rng(seed);
  const w = buildWorld(r);
  const etype = r.pick(w.etypes);
  const { form, mode } = randomTopForm(r, w, etype);
  const opts = { ...(form.$ as Obj) };
  if (mode === "after" || mode === "before" || mode === "between") {
    const order = (opts.order as Obj | undefined) ?? { serverCreatedAt: "asc" };
    const lead = runQuery(w.db.env, { [etype]: { $: { where: opts.where ?? {}, order, limit: r.int(1, 5) } } });
    const pi = lead.pageInfo[etype] as PageInfo;
    if (!pi.startCursor || !pi.endCursor) return null;
    opts.order = order;
    if (mode !== "before") Object.assign(opts, { after: mode === "between" ? pi.startCursor : pi.endCursor, afterInclusive: r.chance(0.5) });
    if (mode !== "after") Object.assign(opts, { before: mode === "between" ? pi.endCursor : pi.startCursor, beforeInclusive: r.chance(0.5) });
  }
  const top: Obj = { ...form, $: opts };
  if (opts.where === undefined) delete opts.where;
  // A `last` page is cut client-side from everything present; children reaching back
  // to the top etype would add entities before it (query.random-oracle.test.ts).
  if (mode === "last") for (const k of Object.keys(top)) if (k !== "$") delete top[k];
  const q: Obj = { [etype]: top };
  const extra = w.etypes.find((e) => e !== etype);
  if (extra && !opts.where && r.chance(0.3)) q[extra] = {};
  return { w, etype, q, opts };
}

const NON_MONOTONE = /"\$not"|"\$ne"|"\$isNull"|,null\]|\[null/;

/** A non-monotone operator anywhere, or `$not`/`$ne`/`$in` on a path ending in a reverse link label. */
function clientSemanticsDiffer(w: World, q: Obj): boolean {
  const text = JSON.stringify(q);
  if (NON_MONOTONE.test(text)) return true;
  const reverse = new Set(w.links.map((l) => l.revLabel));
  return [...text.matchAll(/"([^"]+)":\{"\$(not|ne|in)"/g)].some((m) => reverse.has((m[1] as string).split(".").pop() as string));
}

/** Both trees restricted to the entities (by id, at every level) that both contain. */
function common(a: JsonValue | undefined, b: JsonValue | undefined): [JsonValue | undefined, JsonValue | undefined] {
  const isRow = (x: JsonValue | undefined): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x) && "id" in x;
  const isRows = (x: JsonValue | undefined): x is Obj[] => Array.isArray(x) && x.every(isRow);
  // A singular child (inference) shown on one side only.
  if ((isRow(a) && b === undefined) || (a === undefined && isRow(b))) return [undefined, undefined];
  if (isRows(a) && isRows(b)) {
    const inB = new Set(b.map((r) => r.id));
    const inA = new Set(a.map((r) => r.id));
    const pairs = a.filter((r) => inB.has(r.id)).map((r) => common(r, b.find((x) => x.id === r.id)));
    return [pairs.map((p) => p[0] as Obj), b.filter((r) => inA.has(r.id)).map((r) => common(a.find((x) => x.id === r.id), r)[1] as Obj)];
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const outA: Obj = {};
    const outB: Obj = {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [x, y] = common(a[k], b[k]);
      if (x !== undefined) outA[k] = x;
      if (y !== undefined) outB[k] = y;
    }
    return [outA, outB];
  }
  return [a, b];
}

/** "ok", "gap" (a known client gap), or a failure message. */
function runCase(seed: number, inference: boolean): string {
  const c = randomCase(seed);
  if (!c) return "ok";
  const { w, etype, q, opts } = c;
  const tree = queryTree(w.db.env, q, { inference }).tree;
  const leading = !opts.offset && !opts.after && !opts.before && opts.last === undefined;
  let truth: Obj;
  if (leading) {
    truth = clientData(w, w.triples, q, inference);
  } else {
    const unpaged = { ...(q[etype] as Obj), $: Object.fromEntries(Object.entries(opts).filter(([k]) => !PAGE_KEYS.includes(k))) };
    const all = clientData(w, w.triples, { [etype]: unpaged }, inference)[etype] as Obj[];
    truth = { ...clientData(w, w.triples, q, inference), [etype]: expectedWindow(all, opts) };
  }
  const expected = normalizeAll(w, truth, q, false);
  const actual = normalizeAll(w, tree, q, true);
  if (isDeepStrictEqual(actual, expected)) return "ok";
  const result = runQuery(w.db.env, q);
  const viaTriples = normalizeAll(w, clientData(w, result.triples, q, inference, result.pageInfo), q, false);
  if (!isDeepStrictEqual(viaTriples, expected)) return "gap";
  // The client re-filters what the engine selected with its own semantics for
  // `$not`/`$ne`/`$isNull`/null and for set operators on reverse links, which differ
  // from Instant's server in known ways (query.random-oracle.test.ts); the tree shows
  // the engine's selection. Tolerated when only membership differs: the entities both
  // show must be equal, in the same order, with the same children.
  if (clientSemanticsDiffer(w, q) && isDeepStrictEqual(...common(actual, expected))) return "gap";
  const label = `ADMIN_TREE_SEED=${seed} inference=${inference} ${JSON.stringify(q)}`;
  return FIXED ? `${label}\ntree:     ${JSON.stringify(actual)}\nexpected: ${JSON.stringify(expected)}` : label;
}

describe(`admin tree, random differential (base seed ${BASE}, ${seeds.length} cases × inference off/on)`, () => {
  for (const inference of [false, true]) {
    it(`equals the client engine's view of the full data (inference ${inference ? "on" : "off"})`, () => {
      let gaps = 0;
      const failures: string[] = [];
      for (const seed of seeds) {
        const outcome = runCase(seed, inference);
        if (outcome === "gap") gaps++;
        else if (outcome !== "ok") failures.push(outcome);
      }
      if (failures.length > 0) console.error(failures.slice(0, 5).join("\n\n"));
      console.info(`admin tree random (inference ${inference}): ${seeds.length} cases, ${gaps} known client gaps, ${failures.length} failures`);
      expect(gaps).toBeLessThan(seeds.length / 10 + 1);
      expect(failures).toEqual([]);
    });
  }
});
