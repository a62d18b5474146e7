/**
 * Differential tests: the client's own engine over our returned triples must show what
 * it computes over the full data set (docs/protocol.md §7.2, docs/architecture.md §4).
 *
 * Data: the generated sample library (test/sample-library/generate.ts) at two seeds and
 * sizes, so every query meets two different worlds. The named queries read its
 * well-known names ("stopa", "Poetry", "The Count of Monte Cristo") and every value kind
 * it holds; the generic queries (test/helpers/generic-queries.ts) need no names.
 *
 * INSTANT_SAMPLE_DATA=/path/to/dir (a directory holding attrs.json and triples.json in
 * Instant's export format) additionally runs the generic queries on that data set:
 *
 *   INSTANT_SAMPLE_DATA=/path/to/dir npx vitest run --config vitest.unit.config.ts test/unit/query.oracle.test.ts
 *
 * Without it nothing is read from outside the repository.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { runQuery } from "../../src/query";
import { type NamedQuery, genericQueries } from "../helpers/generic-queries";
import { fullDataOracle, viewOfResult } from "../helpers/oracle";
import { type Fixture, fixtureOf } from "../helpers/seed";
import { DEFAULT_SEED, DEFAULT_TRIPLES, generateLibrary, type Library } from "../sample-library/generate";
import { readSampleDir, sampleDirFromEnv } from "../sample-library/sample-dir";
import { libraryQueries } from "./query.oracle.queries";

/** The second world: another seed, about eight times the default size. */
const SECOND_SEED = 7;
const SECOND_TRIPLES = 10_000;

type World = { name: string; lib: Library; fx: Fixture; full: (q: JsonValue) => JsonValue };

function world(name: string, lib: Library): World {
  const fx = fixtureOf(lib);
  return { name, lib, fx, full: fullDataOracle(fx.wireAttrs, fx.triples) };
}

function check(w: World, q: JsonValue) {
  const result = runQuery(w.fx.db.env, q);
  const ours = viewOfResult(w.fx.wireAttrs, result, q);
  expect(ours).toEqual(w.full(q));
  return { result, ours };
}

const libraries = [
  world(`seed ${DEFAULT_SEED}, ~${DEFAULT_TRIPLES} triples`, generateLibrary()),
  world(`seed ${SECOND_SEED}, ~${SECOND_TRIPLES} triples`, generateLibrary({ seed: SECOND_SEED, triples: SECOND_TRIPLES })),
];

describe.each(libraries)("oracle: library $name", (w) => {
  const named: NamedQuery[] = libraryQueries(w.lib);
  it.each(named)("%s", (_name, q) => {
    check(w, q);
  });

  it.each(genericQueries(w.lib.attrs, w.lib.triples))("generic: %s", (_name, q) => {
    check(w, q);
  });

  it("paginated results have as many rows as the limit", () => {
    const { ours } = check(w, { books: { $: { limit: 5 } } });
    expect((ours as { books: unknown[] }).books).toHaveLength(5);
  });

  it("the data holds the value kinds the queries are about", () => {
    const some = (q: JsonValue) => ((check(w, q).ours as Record<string, unknown[]>)[Object.keys(q as object)[0] as string] ?? []).length > 0;
    expect(some({ books: { $: { where: { title: { $ilike: "%café%" } } } } })).toBe(true);
    expect(some({ users: { $: { where: { fullName: { $isNull: true } } } } })).toBe(true);
    expect(some({ books: { $: { where: { publishedAt: { $lt: Date.UTC(1970, 0, 1) } } } } })).toBe(true);
    expect(some({ books: { $: { where: { prequel: { $isNull: false } } } } })).toBe(true);
  });
});

const externalDir = sampleDirFromEnv();
describe.skipIf(externalDir === null)("oracle: external data set (INSTANT_SAMPLE_DATA)", () => {
  const external = externalDir === null ? null : world(externalDir, readSampleDir(externalDir));
  it.each(external ? genericQueries(external.lib.attrs, external.lib.triples) : [])("generic: %s", (_name, q) => {
    check(external as World, q);
  });
});
