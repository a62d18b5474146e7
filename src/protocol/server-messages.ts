/**
 * Outbound frames: builders for every server → client message, in the exact wire shape
 * the real client reads (kebab-case keys, one flattened result node).
 */
import type { Attr } from "../model/attr";
import type { JsonValue, Triple } from "../model/triple";
import { attrToWire } from "./attr-wire";
import type { InstantError } from "./errors";
import { UNEXPECTED_ERROR_MESSAGE } from "./errors";

export type ServerMessage = { op: string; [key: string]: JsonValue | undefined };

type Cursor = readonly [string, string, JsonValue, number];
/** The parts of a query result that go on the wire (structurally the query module's QueryResult). */
export type WireableResult = {
  readonly triples: readonly Triple[];
  readonly pageInfo: Readonly<
    Record<string, { startCursor: Cursor | null; endCursor: Cursor | null; hasNextPage: boolean; hasPreviousPage: boolean }>
  >;
  readonly aggregate: Readonly<Record<string, { count: number }>>;
};

/** One node, one join row holding every triple (docs/protocol.md §7.1), plus page-info/aggregate. */
export function resultNodes(result: WireableResult): JsonValue {
  const data: { [k: string]: JsonValue } = {
    "datalog-result": { "join-rows": [result.triples as unknown as JsonValue[]] },
  };
  Object.assign(data, resultMeta(result));
  return [{ data, "child-nodes": [] }];
}

/** `page-info` and `aggregate`, each only when the query has some. */
export function resultMeta(result: Pick<WireableResult, "pageInfo" | "aggregate">): { [k: string]: JsonValue } {
  const meta: { [k: string]: JsonValue } = {};
  const pageKeys = Object.keys(result.pageInfo);
  if (pageKeys.length > 0) {
    const pageInfo: { [k: string]: JsonValue } = {};
    for (const k of pageKeys) {
      const p = result.pageInfo[k]!;
      pageInfo[k] = {
        "start-cursor": p.startCursor as JsonValue,
        "end-cursor": p.endCursor as JsonValue,
        "has-next-page?": p.hasNextPage,
        "has-previous-page?": p.hasPreviousPage,
      };
    }
    meta["page-info"] = pageInfo;
  }
  if (Object.keys(result.aggregate).length > 0) meta.aggregate = result.aggregate as JsonValue;
  return meta;
}

export const attrsToWire = (attrs: readonly Attr[]): JsonValue => attrs.map(attrToWire);

export function initOk(args: {
  eventId: string | undefined;
  sessionId: string;
  attrs: readonly Attr[];
  status: string;
  auth: JsonValue;
}): ServerMessage {
  return {
    op: "init-ok",
    "client-event-id": args.eventId,
    "session-id": args.sessionId,
    attrs: attrsToWire(args.attrs),
    "app-status": { status: args.status },
    auth: args.auth,
  };
}

export function addQueryOk(eventId: string | undefined, q: JsonValue, result: WireableResult, txId: number): ServerMessage {
  return { op: "add-query-ok", "client-event-id": eventId, q, result: resultNodes(result), "processed-tx-id": txId };
}

/** The admin subscribe-query stream's first result: the tree and its page-info (§13.3). */
export function treeAddQueryOk(q: JsonValue, tree: JsonValue, result: WireableResult, txId: number): ServerMessage {
  return { op: "add-query-ok", q, result: tree, "result-meta": resultMeta(result), "processed-tx-id": txId };
}

export const addQueryExists = (eventId: string | undefined, q: JsonValue): ServerMessage => ({
  op: "add-query-exists",
  "client-event-id": eventId,
  q,
});

export const removeQueryOk = (eventId: string | undefined, q: JsonValue): ServerMessage => ({
  op: "remove-query-ok",
  "client-event-id": eventId,
  q,
});

export const transactOk = (eventId: string | undefined, txId: number): ServerMessage => ({
  op: "transact-ok",
  "client-event-id": eventId,
  "tx-id": txId,
});

/** A changed result; `tree` is set for sessions that receive admin object trees (§13.3). */
export type Computation = { q: JsonValue; result: WireableResult; tree?: JsonValue };

const computationToWire = (c: Computation): JsonValue =>
  c.tree === undefined
    ? { "instaql-query": c.q, "instaql-result": resultNodes(c.result) }
    : { "instaql-query": c.q, "instaql-result": c.tree, "result-meta": resultMeta(c.result) };

export function refreshOk(txId: number, computations: readonly Computation[], attrs: readonly Attr[] | null): ServerMessage {
  const msg: ServerMessage = {
    op: "refresh-ok",
    "processed-tx-id": txId,
    computations: computations.map(computationToWire),
  };
  if (attrs) msg.attrs = attrsToWire(attrs);
  return msg;
}

/** An `error` frame; `original-event` lets the client route it (docs/protocol.md §14.2). */
export function errorMessage(
  error: InstantError | null,
  eventId: string | undefined,
  originalEvent: JsonValue | undefined,
): ServerMessage {
  if (!error) {
    return {
      op: "error",
      status: 500,
      "client-event-id": eventId,
      "original-event": originalEvent,
      message: UNEXPECTED_ERROR_MESSAGE,
    };
  }
  return {
    op: "error",
    status: error.status,
    "client-event-id": eventId,
    "original-event": originalEvent,
    type: error.type,
    message: error.message,
    hint: error.hint as JsonValue | undefined,
  };
}
