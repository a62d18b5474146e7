/**
 * Seeded random InstaQL queries over a random World (random-world.ts), using every
 * feature the engine supports and only queries the server accepts: where (every
 * operator, dot paths through forward and reverse links, and/or nesting), nested child
 * forms with where/fields, fields, order on indexed typed attrs and serverCreatedAt,
 * and limit/first/last/offset (cursors are added by the test from a previous page).
 */
import type { JsonValue } from "../../src/model/triple";
import type { Rng } from "../sample-library/prng";
import { type BlobSpec, type World, randomDate, randomString, randomValue } from "./random-world";

type Obj = { [k: string]: JsonValue };
type Step = { label: string; next: string };

/** Link labels usable from `etype`: forward labels and reverse labels. */
export function linkSteps(w: World, etype: string): Step[] {
  const out: Step[] = [];
  for (const l of w.links) {
    if (l.from === etype) out.push({ label: l.label, next: l.to });
    if (l.to === etype) out.push({ label: l.revLabel, next: l.from });
  }
  return out;
}

const orderable = (s: BlobSpec) => s.attr.indexed && s.attr.checkedDataType !== null;

export function orderFields(w: World, etype: string): string[] {
  return ["serverCreatedAt", ...(w.blobs.get(etype) ?? []).filter(orderable).map((s) => s.label)];
}

function storedOr(r: Rng, w: World, s: BlobSpec): JsonValue {
  const seen = (w.values.get(s.attr.id) ?? []).filter((v) => v !== null);
  return seen.length > 0 && r.chance(0.7) ? r.pick(seen) : randomValue(r, s.kind);
}

function likePattern(r: Rng, w: World, s: BlobSpec): string {
  const base = String(storedOr(r, w, s));
  const chars = [...base].map((c) => (r.chance(0.2) ? "_" : c));
  let p = chars.join("");
  if (r.chance(0.4)) p = `%${p.slice(r.int(0, 2))}`;
  if (r.chance(0.4)) p = `${p.slice(0, Math.max(0, p.length - r.int(0, 2)))}%`;
  return r.chance(0.3) ? p.toUpperCase() : p;
}

function blobOp(r: Rng, w: World, s: BlobSpec): JsonValue {
  const a = s.attr;
  const kinds = ["eq", "in", "not", "ne", "isNull"];
  if (a.indexed && a.checkedDataType) kinds.push("cmp", "cmp");
  if (a.indexed && a.checkedDataType === "string") kinds.push("like", "ilike");
  const kind = s.kind === "json" ? "isNull" : r.pick(kinds);
  const val = () => storedOr(r, w, s);
  switch (kind) {
    case "eq":
      return val();
    case "in":
      return { $in: [...Array.from({ length: r.int(1, 3) }, val), ...(a.indexed && r.chance(0.3) ? [null] : [])] };
    case "not":
      return { $not: val() };
    case "ne":
      return { $ne: val() };
    case "isNull":
      return { $isNull: r.chance(0.5) };
    case "cmp": {
      const op = r.pick(["$gt", "$gte", "$lt", "$lte"]);
      const v = a.checkedDataType === "date" ? (r.chance(0.5) ? val() : randomDate(r)) : a.checkedDataType === "string" && r.chance(0.3) ? randomString(r) : val();
      return { [op]: v };
    }
    default:
      return { [kind === "like" ? "$like" : "$ilike"]: likePattern(r, w, s) };
  }
}

function idOp(r: Rng, w: World, etype: string): JsonValue {
  const ids = w.ids.get(etype) ?? [];
  const one = () => (ids.length > 0 && r.chance(0.85) ? r.pick(ids) : r.uuid());
  return r.pick([() => one(), () => ({ $in: [one(), one()] }), () => ({ $not: one() }), () => ({ $isNull: r.chance(0.5) })])();
}

/** One `path: op` condition starting at `etype`. */
function cond(r: Rng, w: World, etype: string): [string, JsonValue] {
  const path: string[] = [];
  let cur = etype;
  const hops = r.chance(0.4) ? (r.chance(0.3) ? 2 : 1) : 0;
  for (let i = 0; i < hops; i++) {
    const steps = linkSteps(w, cur);
    if (steps.length === 0) break;
    const s = r.pick(steps);
    path.push(s.label);
    cur = s.next;
  }
  const blobs = w.blobs.get(cur) ?? [];
  const links = linkSteps(w, cur);
  const pick = r.next();
  if (pick < 0.1 || (blobs.length === 0 && links.length === 0)) return [[...path, "id"].join("."), idOp(r, w, cur)];
  if (pick < 0.3 && links.length > 0) {
    const s = r.pick(links);
    return [[...path, s.label].join("."), idOp(r, w, s.next)];
  }
  const s = blobs.length > 0 ? r.pick(blobs) : null;
  if (!s) return [[...path, "id"].join("."), idOp(r, w, cur)];
  return [[...path, s.label].join("."), blobOp(r, w, s)];
}

export function randomWhere(r: Rng, w: World, etype: string, depth = 0): Obj {
  const out: Obj = {};
  for (let n = r.int(1, 2); n > 0; n--) {
    if (depth < 2 && r.chance(0.2)) {
      const items = Array.from({ length: r.int(1, 3) }, () => randomWhere(r, w, etype, depth + 1));
      out[r.chance(0.5) ? "or" : "and"] = items;
    } else {
      const [k, v] = cond(r, w, etype);
      out[k] = v;
    }
  }
  return out;
}

function randomFields(r: Rng, w: World, etype: string): string[] | null {
  const labels = (w.blobs.get(etype) ?? []).map((s) => s.label);
  return r.chance(0.2) ? r.some(labels, 3) : null;
}

function childForm(r: Rng, w: World, etype: string, depth: number): Obj {
  const opts: Obj = {};
  if (r.chance(0.3)) opts.where = randomWhere(r, w, etype, 1);
  const fields = randomFields(r, w, etype);
  if (fields) opts.fields = fields;
  // Order on children is evaluated by the client only; the server returns every child.
  if (r.chance(0.2)) opts.order = { [r.pick(orderFields(w, etype))]: r.pick(["asc", "desc"]) };
  const form: Obj = Object.keys(opts).length > 0 ? { $: opts } : {};
  if (depth < 2) for (const s of r.some(linkSteps(w, etype), 1)) form[s.label] = childForm(r, w, s.next, depth + 1);
  return form;
}

export type PageMode = "none" | "limit" | "first" | "last" | "offset" | "after" | "before" | "between";

/** A top-level form: options without cursors (the test adds those) plus its page mode. */
export function randomTopForm(r: Rng, w: World, etype: string): { form: Obj; mode: PageMode } {
  const opts: Obj = {};
  if (r.chance(0.6)) opts.where = randomWhere(r, w, etype);
  if (r.chance(0.7)) opts.order = { [r.pick(orderFields(w, etype))]: r.pick(["asc", "desc"]) };
  const fields = randomFields(r, w, etype);
  if (fields) opts.fields = fields;
  const mode = r.pick<PageMode>(["none", "limit", "first", "last", "offset", "after", "before", "between", "after", "before"]);
  const n = r.int(1, 6);
  if (mode === "limit" || mode === "offset" || (mode === "after" && r.chance(0.7))) opts.limit = n;
  if (mode === "first") opts.first = n;
  if (mode === "last" || (mode === "before" && r.chance(0.5))) opts.last = n;
  if (mode === "offset") opts.offset = r.int(0, 5);
  const form: Obj = { $: opts };
  for (const s of r.some(linkSteps(w, etype), 2)) form[s.label] = childForm(r, w, s.next, 1);
  return { form, mode };
}
