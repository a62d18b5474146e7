/**
 * Seeded random worlds for the differential query test: a schema (a few etypes with
 * typed/untyped, indexed/unique blob attrs and one/many links in both directions,
 * self links included) and data (nulls, missing attrs, mixed-case and accented strings,
 * negative numbers, duplicates, ties on created_at, random links), stored in a fresh
 * database and kept as the full triple list the oracle evaluates.
 */
import type { Attr, CheckedDataType } from "../../src/model/attr";
import type { JsonValue, Triple } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import type { Rng } from "../sample-library/prng";
import { type Db, addTriples, blob, link, openDb, putAttrs } from "./seed";

export type BlobKind = CheckedDataType | "json" | "any";
export type BlobSpec = { label: string; kind: BlobKind; attr: Attr };
export type LinkSpec = { attr: Attr; from: string; to: string; label: string; revLabel: string };
export type World = {
  db: Db;
  wireAttrs: { [k: string]: JsonValue }[];
  triples: Triple[];
  etypes: string[];
  blobs: Map<string, BlobSpec[]>;
  links: LinkSpec[];
  ids: Map<string, string[]>;
  /** Values actually stored per attr id (for where values that hit). */
  values: Map<string, JsonValue[]>;
};

const WORDS = ["apple", "Apple", "APPLE", "éclair", "Eclair", "eclair", "zebra", "Zoë", "zoe", "a-b", "a b", "ab", "a_b", "10", "9", "",
  "Ångström", "angstrom", "ß", "ss", "résumé", "Résumé", "resume", "o'neil", "O'Neil", "naïve", "Œuvre", "x1", "X1", "ñandú", "Ñu", "-1", "...", "!x"];
const CHARS = [..."aAbBeEéÉèzZöÖøß -_.'019%"];

export function randomString(r: Rng): string {
  if (r.chance(0.6)) return r.pick(WORDS);
  return Array.from({ length: r.int(1, 5) }, () => r.pick(CHARS)).join("");
}

const BASE_MS = Date.UTC(2020, 0, 1);
export function randomDate(r: Rng, asString = r.chance(0.5)): number | string {
  const ms = BASE_MS + r.int(-3, 3) * 86_400_000 * 40 + r.pick([0, 0, 1000, 3_600_000]);
  if (!asString) return ms;
  const iso = new Date(ms).toISOString();
  return r.chance(0.3) && iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

export function randomValue(r: Rng, kind: BlobKind): JsonValue {
  switch (kind) {
    case "string":
      return randomString(r);
    case "number":
      return r.pick([0, 1, 2, -1, -2.5, 3.25, 10, 100, -100, r.int(-50, 50)]);
    case "boolean":
      return r.chance(0.5);
    case "date":
      return randomDate(r);
    case "json":
      return r.pick([{ a: 1 }, [1, 2], "str", 5, true]);
    case "any":
      return r.pick([randomString(r), r.int(-5, 5), r.chance(0.5)]);
  }
}

const KINDS: BlobKind[] = ["string", "number", "boolean", "date", "json", "any"];

export function buildWorld(r: Rng): World {
  const db = openDb();
  const etypes = ["alpha", "beta", "gamma"].slice(0, r.int(2, 3));
  const attrs: Attr[] = [];
  const blobs = new Map<string, BlobSpec[]>();
  for (const et of etypes) {
    attrs.push(blob(et, "id"));
    const specs: BlobSpec[] = [];
    for (const [i, kind] of KINDS.entries()) {
      if (!r.chance(0.75)) continue;
      const typed = kind !== "json" && kind !== "any" && r.chance(0.8);
      const indexed = typed ? r.chance(0.8) : r.chance(0.3);
      const unique = kind === "string" && r.chance(0.2);
      const label = `${kind}${i}`;
      const attr = blob(et, label, { indexed, unique, type: typed ? (kind as CheckedDataType) : undefined });
      specs.push({ label, kind, attr });
      attrs.push(attr);
    }
    blobs.set(et, specs);
  }
  const links: LinkSpec[] = [];
  for (let i = 0; i < r.int(2, 4); i++) {
    const from = r.pick(etypes);
    const to = r.pick(etypes);
    const label = `l${i}`;
    const revLabel = `r${i}`;
    const attr = link(from, label, to, revLabel, r.chance(0.4) ? "one" : "many");
    links.push({ attr, from, to, label, revLabel });
    attrs.push(attr);
  }
  putAttrs(db, attrs);

  const triples: Triple[] = [];
  const ids = new Map<string, string[]>();
  const values = new Map<string, JsonValue[]>();
  const t0 = 1_700_000_000_000;
  for (const et of etypes) {
    const list: string[] = [];
    const idAttr = db.attrs.forward(et, "id") as Attr;
    for (let n = r.int(4, 18); n > 0; n--) {
      const id = r.uuid();
      list.push(id);
      triples.push([id, idAttr.id, id, t0 + r.int(0, 6)]);
      for (const spec of blobs.get(et) ?? []) {
        if (r.chance(0.15)) continue; // missing
        // No explicit nulls on comparable attrs: the client's `$gt`/`$lt` coerce null to 0
        // (`null < 5`, `new Date(null)`), which no server mirrors; missing values still
        // cover null placement in order.
        const comparable = spec.attr.indexed && spec.attr.checkedDataType !== null;
        if (comparable && r.chance(0.1)) continue;
        let v: JsonValue = !comparable && r.chance(0.1) ? null : randomValue(r, spec.kind);
        const seen = values.get(spec.attr.id) ?? [];
        if (spec.attr.unique && v !== null && seen.includes(v)) v = `${String(v)}#${n}`;
        triples.push([id, spec.attr.id, v, t0 + r.int(0, 6)]);
        values.set(spec.attr.id, [...seen, v]);
      }
    }
    ids.set(et, list);
  }
  for (const l of links) {
    const targets = ids.get(l.to) ?? [];
    for (const src of ids.get(l.from) ?? []) {
      const n = l.attr.cardinality === "one" ? (r.chance(0.6) ? 1 : 0) : r.int(0, 3);
      for (const tgt of r.some(targets, n)) triples.push([src, l.attr.id, tgt, t0 + r.int(0, 6)]);
    }
  }
  addTriples(db, triples);
  return { db, wireAttrs: attrs.map(attrToWire), triples, etypes, blobs, links, ids, values };
}
