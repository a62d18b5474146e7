/**
 * The baseline for query latency: the client's own InstaQL engine (from @instantdb/core's
 * dist, imported by file path like test/helpers/oracle.ts) over the full data set already
 * held in memory. It answers "how does our SQL-on-indexes path compare to an engine
 * that has everything loaded?"; building its store is setup and is not timed.
 */
// Plain ESM files of the published client (their .d.ts sit alongside).
import clientQuery from "../node_modules/@instantdb/core/dist/esm/instaql.js";
// Plain ESM files of the published client (their .d.ts sit alongside).
import { AttrsStoreClass, createStore } from "../node_modules/@instantdb/core/dist/esm/store.js";
import type { JsonValue, Triple } from "../src/model/triple";
import type { PageInfo } from "../src/query";

type WireAttr = { [k: string]: JsonValue };
type WirePageInfo = Record<string, JsonValue>;

export type ClientEngine = {
  /** Runs q; `pageInfo` is what our server returned, fed in as the client's Reactor does for cursor pages. */
  query(q: JsonValue, pageInfo?: Record<string, PageInfo>): { [etype: string]: JsonValue };
};

export function clientEngine(wireAttrs: readonly WireAttr[], triples: readonly Triple[]): ClientEngine {
  const attrsStore = new AttrsStoreClass(Object.fromEntries(wireAttrs.map((a) => [a.id as string, a])) as never, undefined as never);
  // Copied: the client engine may rewrite values (dates) in place.
  const store = createStore(attrsStore, triples.map((t) => [...t]) as never, false, false);
  return {
    query(q, pageInfo) {
      const res = clientQuery({ store, attrsStore, pageInfo: pageInfo ? wirePageInfo(pageInfo) : undefined }, q) as {
        data: { [etype: string]: JsonValue };
      };
      return res.data;
    },
  };
}

function wirePageInfo(p: Record<string, PageInfo>): WirePageInfo {
  const out: WirePageInfo = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] = { "start-cursor": v.startCursor, "end-cursor": v.endCursor, "has-next-page?": v.hasNextPage, "has-previous-page?": v.hasPreviousPage };
  }
  return out;
}

/** Number of top-level entities per etype in a client view, e.g. "books 20". */
export function rowsOf(view: { [etype: string]: JsonValue }): string {
  return Object.entries(view)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.length : 0}`)
    .join(", ");
}
