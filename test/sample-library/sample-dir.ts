/**
 * An external data set in Instant's export shape, for those who have one: a directory
 * holding `attrs.json` (an array of wire attrs, or an object keyed by attr id) and
 * `triples.json` (`[e, a, v]` or `[e, a, v, created_at]`). Named by the environment
 * variable below, it adds a run of the generic oracle queries and replaces the bench's
 * generated data. Nothing reads it unless the variable is set: the repository's own
 * tests and bench use the generated library (generate.ts) only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonValue, Triple } from "../../src/model/triple";
import { attrFromWire, attrToWire, attrWireSchema } from "../../src/protocol/attr-wire";
import type { Library } from "./generate";

export const SAMPLE_DATA_ENV = "INSTANT_SAMPLE_DATA";

/** created_at for exports without one: distinct and increasing, in file order. */
const SYNTHETIC_T0_MS = 1_700_000_000_000;

/** The directory named by INSTANT_SAMPLE_DATA, or null when unset or empty. */
export function sampleDirFromEnv(): string | null {
  const dir = process.env[SAMPLE_DATA_ENV];
  return dir && dir.trim() !== "" ? dir : null;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

export function readSampleDir(dir: string): Library {
  const raw = readJson(join(dir, "attrs.json"));
  const list = Array.isArray(raw) ? raw : Object.values(raw as Record<string, unknown>);
  const attrs = list.map((w) => attrFromWire(attrWireSchema.parse(w)));
  const rows = readJson(join(dir, "triples.json")) as JsonValue[][];
  const triples: Triple[] = rows.map((row, i) => [
    row[0] as string,
    row[1] as string,
    row[2] as JsonValue,
    typeof row[3] === "number" ? row[3] : SYNTHETIC_T0_MS + i,
  ]);
  // Handles only mean something when the set has users with handles (as the library does).
  const handleAttr = attrs.find((a) => a.forward.etype === "users" && a.forward.label === "handle")?.id;
  const handles = triples.filter((t) => t[1] === handleAttr && typeof t[2] === "string").map((t) => t[2] as string);
  return { attrs, wireAttrs: attrs.map(attrToWire), triples, handles };
}
