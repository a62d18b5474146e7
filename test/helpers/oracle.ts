/**
 * The client's own InstaQL engine (from @instantdb/core's dist, imported by file path
 * because the package only exports "."), used as the semantic oracle: what the client
 * shows over our returned triples must equal what it computes over the full data.
 */
// Plain ESM files of the published client (their .d.ts sit alongside).
import clientQuery from "../../node_modules/@instantdb/core/dist/esm/instaql.js";
// Plain ESM files of the published client (their .d.ts sit alongside).
import { AttrsStoreClass, createStore } from "../../node_modules/@instantdb/core/dist/esm/store.js";
import type { JsonValue, Triple } from "../../src/model/triple";
import type { PageInfo, QueryResult } from "../../src/query";

type WireAttr = { [k: string]: JsonValue };

function wirePageInfo(p: Record<string, PageInfo>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] = { "start-cursor": v.startCursor, "end-cursor": v.endCursor, "has-next-page?": v.hasNextPage, "has-previous-page?": v.hasPreviousPage };
  }
  return out;
}

/** Runs the client engine over `triples` (copied: the client mutates dates in place). */
export function clientView(wireAttrs: WireAttr[], triples: readonly Triple[], q: JsonValue, pageInfo?: Record<string, PageInfo>): JsonValue {
  const byId = Object.fromEntries(wireAttrs.map((a) => [a.id as string, a]));
  const attrsStore = new AttrsStoreClass(byId as never, undefined as never);
  const store = createStore(attrsStore, triples.map((t) => [...t]) as never, false, false);
  const res = clientQuery({ store, attrsStore, pageInfo: pageInfo ? wirePageInfo(pageInfo) : undefined }, q) as { data: JsonValue };
  return res.data;
}

/**
 * The client engine over one full data set, its store built once: for suites that ask
 * many queries of a large set (building the store dominates a single query's cost).
 */
export function fullDataOracle(wireAttrs: WireAttr[], triples: readonly Triple[]): (q: JsonValue) => JsonValue {
  const byId = Object.fromEntries(wireAttrs.map((a) => [a.id as string, a]));
  const attrsStore = new AttrsStoreClass(byId as never, undefined as never);
  const store = createStore(attrsStore, triples.map((t) => [...t]) as never, false, false);
  return (q) => (clientQuery({ store, attrsStore }, q) as { data: JsonValue }).data;
}

/** The client's view of our result (page-info fed in, as the Reactor does). */
export function viewOfResult(wireAttrs: WireAttr[], result: QueryResult, q: JsonValue): JsonValue {
  const pi = Object.keys(result.pageInfo).length > 0 ? result.pageInfo : undefined;
  return clientView(wireAttrs, result.triples, q, pi);
}
